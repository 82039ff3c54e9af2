import type { Node } from 'yaml';
import { yamlLib } from './lazy.js';
import type { Position } from './types.js';

export function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** A pointer as a reader writes the path: `/spec/containers/0/image` → `spec.containers[0].image`. */
export function dotted(pointer: string): string {
  let out = '';
  for (const seg of pointerSegments(pointer)) {
    out += /^\d+$/.test(seg) ? `[${seg}]` : out ? `.${seg}` : seg;
  }
  return out || '(object)';
}

/**
 * Offset of the node a JSON pointer names inside a parsed YAML node. A map entry
 * resolves to its key (that is the line a reader looks for); a missing segment
 * stops at the deepest node that exists.
 */
export function offsetOf(root: Node | null | undefined, pointer: string): number {
  const { isMap, isPair, isScalar, isSeq } = yamlLib();
  let node: unknown = root;
  let offset = (root as Node | undefined)?.range?.[0] ?? 0;
  for (const seg of pointerSegments(pointer)) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) break;
      const key = pair.key as Node;
      offset = key.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)] as Node | undefined;
      if (!item || !/^\d+$/.test(seg)) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

/** Position of `pointer` in document `docIndex` of `text`. Parses on demand: only findings pay for it. */
export function locateInText(text: string, docIndex: number, pointer: string): Position {
  const { LineCounter, parseAllDocuments } = yamlLib();
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, keepSourceTokens: false });
  const list = Array.isArray(docs) ? docs : [];
  const doc = list[docIndex];
  if (!doc) return { line: 1, column: 1 };
  const { line, col } = lineCounter.linePos(offsetOf(doc.contents as Node | null, pointer));
  return { line, column: col };
}
