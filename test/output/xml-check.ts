/**
 * A small strict XML 1.0 well-formedness checker (no DTDs), enough to prove the JUnit
 * output parses: one root, balanced tags, quoted unique attributes, only predefined or
 * numeric entity references, no raw `<` or `&`, no characters outside XML's Char range.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const INVALID_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, where: number): string {
  if (raw.includes('<')) throw new Error(`raw "<" near offset ${where}`);
  return raw.replace(/&([^;]*);|&/g, (m, ref: string | undefined) => {
    if (ref === undefined) throw new Error(`bare "&" near offset ${where}`);
    if (ref in ENTITIES) return ENTITIES[ref]!;
    const num = /^#x([0-9A-Fa-f]+)$/.exec(ref) ?? /^#([0-9]+)$/.exec(ref);
    if (!num) throw new Error(`unknown entity &${ref}; near offset ${where}`);
    const ch = String.fromCodePoint(parseInt(num[1]!, ref.startsWith('#x') ? 16 : 10));
    if (INVALID_CHAR.test(ch)) throw new Error(`illegal character reference &${ref}; near offset ${where}`);
    return ch;
  });
}

export function parseXml(src: string): XmlElement {
  if (INVALID_CHAR.test(src)) throw new Error('document contains a character outside XML 1.0 Char');
  let i = 0;
  const prolog = /^<\?xml[^?]*\?>\s*/.exec(src);
  if (prolog) i = prolog[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const textEnd = lt === -1 ? src.length : lt;
    const text = decode(src.slice(i, textEnd), i);
    if (stack.length) stack[stack.length - 1]!.text += text;
    else if (text.trim()) throw new Error(`text outside the root element near offset ${i}`);
    if (lt === -1) break;
    i = lt;
    if (src.startsWith('</', i)) {
      const m = /^<\/([^\s>]+)\s*>/.exec(src.slice(i));
      const open = stack.pop();
      if (!m || !open || open.name !== m[1]) throw new Error(`mismatched close tag near offset ${i}`);
      i += m[0].length;
      continue;
    }
    if (root && !stack.length) throw new Error(`second root element near offset ${i}`);
    const name = NAME.exec(src.slice(i + 1))?.[0];
    if (!name) throw new Error(`bad tag name near offset ${i}`);
    i += 1 + name.length;
    const el: XmlElement = { name, attrs: {}, children: [], text: '' };
    for (;;) {
      const ws = /^\s*/.exec(src.slice(i))![0];
      i += ws.length;
      if (src.startsWith('/>', i) || src.startsWith('>', i)) break;
      if (!ws) throw new Error(`attributes must be separated by whitespace near offset ${i}`);
      const a = /^([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("([^"]*)"|'([^']*)')/.exec(src.slice(i));
      if (!a) throw new Error(`bad attribute near offset ${i}`);
      if (a[1]! in el.attrs) throw new Error(`duplicate attribute ${a[1]} near offset ${i}`);
      el.attrs[a[1]!] = decode(a[3] ?? a[4] ?? '', i);
      i += a[0].length;
    }
    if (stack.length) stack[stack.length - 1]!.children.push(el);
    else root = el;
    if (src.startsWith('/>', i)) i += 2;
    else {
      i += 1;
      stack.push(el);
    }
  }
  if (stack.length) throw new Error(`unclosed element <${stack[stack.length - 1]!.name}>`);
  if (!root) throw new Error('no root element');
  return root;
}
