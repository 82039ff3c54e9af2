import { toPointer } from '../../manifest/locate.js';
import type { Manifest, Rule, RuleContext } from '../types.js';
import { labelValue, qualifiedName, totalAnnotationSizeLimit } from '../../manifest/names.js';

type Messages = 'key' | 'value' | 'size';
type Ctx = RuleContext<Messages>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * An ApplicationSet's generator placeholder (`{{.tenant}}`) is substituted
 * before the generated object reaches the API server; only the result can be
 * judged. In any other kind `{{` is just an invalid character.
 */
function isPlaceholder(m: Manifest, v: unknown): boolean {
  return m.object.kind === 'ApplicationSet' && typeof v === 'string' && v.includes('{{');
}

function checkLabels(m: Manifest, ctx: Ctx, map: Record<string, unknown>, path: readonly (string | number)[], where: string): void {
  for (const key in map) {
    const value = map[key];
    if (isPlaceholder(m, key) || isPlaceholder(m, value)) continue;
    // Pointers are built only for a finding: almost every label is valid.
    const badKey = qualifiedName(key);
    if (badKey) ctx.report({ manifest: m, messageId: 'key', pointer: toPointer([...path, key]), actual: key, data: { where, key, reason: badKey } });
    if (typeof value !== 'string') continue;
    const badValue = labelValue(value);
    if (badValue) ctx.report({ manifest: m, messageId: 'value', pointer: toPointer([...path, key]), actual: value, data: { where, key, value, reason: badValue } });
  }
}

function checkAnnotations(m: Manifest, ctx: Ctx, map: Record<string, unknown>, path: readonly (string | number)[]): void {
  let size = 0;
  for (const key in map) {
    const value = map[key];
    // Upstream lowercases annotation keys before validating them.
    const bad = isPlaceholder(m, key) ? undefined : qualifiedName(key.toLowerCase());
    if (bad) ctx.report({ manifest: m, messageId: 'key', pointer: toPointer([...path, key]), actual: key, data: { where: 'annotation', key, reason: bad } });
    size += byteLength(key) + (typeof value === 'string' ? byteLength(value) : 0);
  }
  if (size > totalAnnotationSizeLimit) {
    ctx.report({ manifest: m, messageId: 'size', pointer: toPointer(path), actual: size, expected: `≤ ${totalAnnotationSizeLimit}`, data: { size, limit: totalAnnotationSizeLimit } });
  }
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function checkExpressions(m: Manifest, ctx: Ctx, list: unknown[], path: readonly (string | number)[]): void {
  list.forEach((e, i) => {
    if (!isRecord(e)) return;
    if (typeof e.key === 'string') {
      const bad = qualifiedName(e.key);
      if (bad) ctx.report({ manifest: m, messageId: 'key', pointer: toPointer([...path, i, 'key']), actual: e.key, data: { where: 'selector', key: e.key, reason: bad } });
    }
    if (!Array.isArray(e.values) || (e.operator !== 'In' && e.operator !== 'NotIn')) return;
    e.values.forEach((v: unknown, j) => {
      const bad = typeof v === 'string' ? labelValue(v) : undefined;
      if (bad) ctx.report({ manifest: m, messageId: 'value', pointer: toPointer([...path, i, 'values', j]), actual: v, data: { where: 'selector', key: String(e.key), value: String(v), reason: bad } });
    });
  });
}

// Service and ReplicationController selectors are plain maps at /spec/selector.
const mapSelectorKinds = new Set(['Service', 'ReplicationController']);

/**
 * Walks the whole object so every place upstream validates as labels is seen:
 * object and template metadata (CronJob has two templates), matchLabels and
 * matchExpressions in any selector, and a pod spec's nodeSelector.
 */
function walk(m: Manifest, ctx: Ctx, node: unknown, path: (string | number)[]): void {
  // One path array for the whole walk (pushed and popped), so a walk allocates nothing per field.
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const item: unknown = node[i];
      if (typeof item !== 'object' || item === null) continue;
      path.push(i);
      walk(m, ctx, item, path);
      path.pop();
    }
    return;
  }
  if (!isRecord(node)) return;
  const parent = path[path.length - 1];
  for (const key in node) {
    const value = node[key];
    if (typeof value !== 'object' || value === null) continue;
    path.push(key);
    if (parent === 'metadata' && key === 'labels' && isRecord(value)) checkLabels(m, ctx, value, path, 'label');
    else if (parent === 'metadata' && key === 'annotations' && isRecord(value)) checkAnnotations(m, ctx, value, path);
    else if ((key === 'matchLabels' || key === 'nodeSelector') && isRecord(value)) checkLabels(m, ctx, value, path, 'selector');
    else if (key === 'matchExpressions' && Array.isArray(value)) checkExpressions(m, ctx, value, path);
    else if (path.length === 2 && path[0] === 'spec' && key === 'selector' && mapSelectorKinds.has(m.object.kind) && isRecord(value)) {
      checkLabels(m, ctx, value, path, 'selector');
    } else walk(m, ctx, value, path);
    path.pop();
  }
}

/** Label keys and values, annotation keys and total annotation size, as apimachinery validates them. */
export const labelSyntax: Rule<Messages> = {
  meta: {
    local: true,
    id: 'k8s/label-syntax',
    messages: {
      key: '{where} key "{key}" is invalid: {reason}',
      value: '{where} value "{value}" for key "{key}" is invalid: {reason}',
      size: 'annotations total {size} bytes; the API server allows at most {limit} bytes per object',
    },
  },
  checkManifest(m, ctx) {
    walk(m, ctx, m.object, []);
  },
};
