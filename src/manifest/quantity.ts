/**
 * Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity):
 * a signed decimal number with an optional binary (Ki..Ei) or decimal (n, u, m,
 * k, M, G, T, P, E) suffix, or an exponent (1e3).
 */
const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimal: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

const pattern = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

export function isQuantity(value: unknown): boolean {
  return (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && pattern.test(value));
}

/** Numeric value in base units (cores, bytes, count); undefined when it does not parse. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = pattern.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[3] !== undefined) return n * 10 ** Number(m[3]);
  const suffix = m[2] ?? '';
  return n * (binary[suffix] ?? decimal[suffix] ?? 1);
}

/** Human form for arithmetic in messages: cpu in cores or millicores, memory in Mi/Gi. */
export function formatQuantity(value: number, resource: string): string {
  const round = (x: number) => Math.round(x * 1000) / 1000;
  if (/memory|storage/.test(resource)) {
    if (value % 2 ** 30 === 0) return `${value / 2 ** 30}Gi`;
    if (value % 2 ** 20 === 0) return `${value / 2 ** 20}Mi`;
    return `${round(value / 2 ** 20)}Mi`;
  }
  if (/cpu/.test(resource)) {
    return Number.isInteger(value) ? String(value) : `${Math.round(value * 1000)}m`;
  }
  return String(round(value));
}
