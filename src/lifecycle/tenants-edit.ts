import { isMap, isScalar, isSeq, parseDocument, type YAMLSeq } from 'yaml';
import { yamlSafeJson, yamlString } from '../manifest/canonical.js';

export interface NewTenant {
  id: string;
  name: string;
  tier?: string;
  cluster?: string;
}

/** Tenant ids listed in a tenants file, whatever else is wrong with it. */
export function listedIds(text: string): string[] {
  const doc = parseDocument(text);
  const seq = doc.get('tenants', true);
  if (!isSeq(seq)) return [];
  return seq.items.flatMap((item) => {
    const id = isMap(item) ? item.get('id', true) : undefined;
    return isScalar(id) ? [String(id.value)] : [];
  });
}

const scalar = yamlString;

function entryLines(t: NewTenant, indent: string, eol: string): string {
  const lines = [`${indent}- id: ${scalar(t.id)}`, `${indent}  name: ${scalar(t.name)}`];
  if (t.tier !== undefined) lines.push(`${indent}  tier: ${scalar(t.tier)}`);
  if (t.cluster !== undefined) lines.push(`${indent}  cluster: ${scalar(t.cluster)}`);
  return `${lines.join(eol)}${eol}`;
}

/**
 * tenants.yaml with one more tenant at the end of the list. The entry is
 * inserted as text after the last tenant, in the list's own indentation and
 * spacing, so every other byte of the file (comments, order, quoting) stays as
 * written. A list that is empty or in flow style is rewritten through the
 * YAML document model instead, which keeps comments but may restyle that list.
 */
export function appendTenant(text: string, t: NewTenant): string {
  const doc = parseDocument(text);
  const seq = doc.get('tenants', true);
  if (isSeq(seq) && !seq.flow && seq.items.length > 0) {
    const items = (seq as YAMLSeq).items;
    const last = items[items.length - 1] as { range?: [number, number, number] };
    const first = items[0] as { range?: [number, number, number] };
    const end = last.range?.[1];
    const start = first.range?.[0];
    if (end !== undefined && start !== undefined) {
      const lineStart = text.lastIndexOf('\n', start - 1) + 1;
      const dash = text.lastIndexOf('-', start - 1);
      const indent = text.slice(lineStart, dash);
      // Keep the blank line between entries when the file uses one.
      const second = items[1] as { range?: [number, number, number] } | undefined;
      const between = second?.range && first.range ? text.slice(first.range[1] - 1, second.range[0]) : '';
      // The file's own line ending: a CRLF file stays CRLF.
      const nl = /\r\n/.test(text) ? '\r\n' : '\n';
      const gap = /\n[ \t]*\r?\n/.test(between) ? nl : '';
      const eol = text.indexOf('\n', end - 1);
      const at = eol < 0 ? text.length : eol + 1;
      const before = text.slice(0, at);
      return `${before}${before.endsWith('\n') ? '' : nl}${gap}${entryLines(t, indent, nl)}${text.slice(at)}`;
    }
  }
  // A flow list gets the entry as flow text before its closing bracket, quoted as JSON
  // (flow context forbids plain `,[]{}`), so the rest of the file stays as written.
  if (isSeq(seq) && seq.flow && seq.range) {
    const close = text.lastIndexOf(']', seq.range[1]);
    if (close >= 0) {
      const fields = [`id: ${yamlSafeJson(t.id)}`, `name: ${yamlSafeJson(t.name)}`];
      if (t.tier !== undefined) fields.push(`tier: ${yamlSafeJson(t.tier)}`);
      if (t.cluster !== undefined) fields.push(`cluster: ${yamlSafeJson(t.cluster)}`);
      const sep = seq.items.length > 0 ? ', ' : '';
      return `${text.slice(0, close)}${sep}{${fields.join(', ')}}${text.slice(close)}`;
    }
  }
  const node = doc.createNode({ id: t.id, name: t.name, ...(t.tier ? { tier: t.tier } : {}), ...(t.cluster ? { cluster: t.cluster } : {}) });
  if (isSeq(seq)) {
    seq.flow = false;
    seq.items.push(node);
  } else {
    doc.set('tenants', doc.createNode([node]));
  }
  return doc.toString({ lineWidth: 0 });
}
