import type { Rule } from '../types.js';

type Messages = 'object' | 'data';

const mebibyte = 1024 * 1024;

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Bytes a base64 string decodes to: binaryData and Secret data count decoded. */
function decodedLength(b64: string): number {
  const clean = b64.replace(/\s/g, '');
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.floor((clean.length * 3) / 4) - padding;
}

function sum(map: unknown, size: (v: string) => number): number {
  if (typeof map !== 'object' || map === null) return 0;
  return Object.values(map).reduce<number>((n, v) => n + (typeof v === 'string' ? size(v) : 0), 0);
}

/** Payload bytes as ValidateConfigMap / ValidateSecret count them: values only, decoded. */
function payloadSize(kind: string, o: Record<string, unknown>): number | undefined {
  if (kind === 'ConfigMap') return sum(o.data, utf8Length) + sum(o.binaryData, decodedLength);
  // stringData is merged into data by the API server before validation.
  if (kind === 'Secret') return sum(o.data, decodedLength) + sum(o.stringData, utf8Length);
  return undefined;
}

/**
 * An object must fit in one etcd value: 1 MiB is the practical ceiling the API
 * server and etcd enforce, and ConfigMap/Secret payloads are rejected above it.
 */
export const objectSize: Rule<Messages> = {
  meta: {
    local: true,
    id: 'k8s/object-size',
    messages: {
      object: '{kind} {name} is {size} bytes serialised; the limit is {limit} bytes',
      data: '{kind} {name} data totals {size} bytes: Too long: must have at most {limit} bytes',
    },
  },
  checkManifest(m, ctx) {
    const { kind } = m.object;
    const name = m.object.metadata?.name ?? '';
    const payload = payloadSize(kind, m.object);
    if (payload !== undefined && payload > mebibyte) {
      const field = ['data', 'binaryData', 'stringData'].find((f) => f in m.object) ?? 'data';
      ctx.report({ manifest: m, messageId: 'data', pointer: `/${field}`, actual: payload, expected: `≤ ${mebibyte}`, data: { kind, name, size: payload, limit: mebibyte } });
      return;
    }
    // A UTF-16 code unit is at most 3 UTF-8 bytes: short text cannot be over the limit, and needs no count.
    if (m.jsonLength !== undefined && m.jsonLength * 3 <= mebibyte) return;
    const json = JSON.stringify(m.object);
    if (json.length * 3 <= mebibyte) return;
    const size = utf8Length(json);
    if (size > mebibyte) {
      ctx.report({ manifest: m, messageId: 'object', pointer: '', actual: size, expected: `≤ ${mebibyte}`, data: { kind, name, size, limit: mebibyte } });
    }
  },
};
