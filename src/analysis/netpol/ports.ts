/**
 * Allowed ports as per-protocol interval sets. A rule with no ports, a port
 * range and a single port all become intervals, so union and intersection of
 * policies are plain interval arithmetic and "all" needs no special case.
 */

export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** Kubernetes port numbers are 1..65535; port 0 is never addressable. */
export const MIN_PORT = 1;
export const MAX_PORT = 65535;

export type Interval = readonly [number, number];
export type PortSet = Readonly<Record<Protocol, readonly Interval[]>>;

export function isProtocol(s: string): s is Protocol {
  return (PROTOCOLS as readonly string[]).includes(s);
}

export function emptyPorts(): PortSet {
  return { TCP: [], UDP: [], SCTP: [] };
}

export function allPorts(): PortSet {
  return { TCP: [[MIN_PORT, MAX_PORT]], UDP: [[MIN_PORT, MAX_PORT]], SCTP: [[MIN_PORT, MAX_PORT]] };
}

export function portsOf(protocol: Protocol, lo: number, hi: number = lo): PortSet {
  const a = Math.max(lo, MIN_PORT);
  const b = Math.min(hi, MAX_PORT);
  return { ...emptyPorts(), [protocol]: a <= b ? [[a, b]] : [] };
}

/** Sorts and merges touching or overlapping intervals. */
export function normalizeIntervals(xs: readonly Interval[]): Interval[] {
  // Most protocols of most rules carry no port or one: nothing to sort or merge.
  if (xs.length === 0) return [];
  if (xs.length === 1) return [[xs[0]![0], xs[0]![1]]];
  const sorted = [...xs].sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const lo = Math.max(x[0], y[0]);
    const hi = Math.min(x[1], y[1]);
    if (lo <= hi) out.push([lo, hi]);
    if (x[1] < y[1]) i++;
    else j++;
  }
  return out;
}

/** Sorted, and no two intervals overlapping or touching: what normalizeIntervals returns. */
function isNormalized(xs: readonly Interval[]): boolean {
  for (let i = 0; i < xs.length; i++) {
    const [lo, hi] = xs[i]!;
    if (lo > hi || (i > 0 && lo <= xs[i - 1]![1] + 1)) return false;
  }
  return true;
}

/**
 * `xs` itself when it is normalized already, else its normalized copy. Port
 * sets are never changed once made (PortSet is read-only), so sets can share
 * interval lists: the network proofs evaluate hundreds of thousands of
 * connections, each with several unions, and most unions have one list per
 * protocol, already normalized.
 */
function normalized(xs: readonly Interval[]): readonly Interval[] {
  return isNormalized(xs) ? xs : normalizeIntervals(xs);
}

export function unionPorts(...sets: PortSet[]): PortSet {
  return unionOf(sets);
}

/** unionPorts of a list of sets. */
export function unionOf(sets: readonly PortSet[]): PortSet {
  const out = emptyPorts() as Record<Protocol, readonly Interval[]>;
  for (const p of PROTOCOLS) {
    // Most unions have one set, or one with ports of this protocol: its list is the union.
    let only: readonly Interval[] | undefined;
    let many = false;
    for (const s of sets) {
      if (s[p].length === 0) continue;
      if (only === undefined) only = s[p];
      else many = true;
    }
    if (only === undefined) continue;
    if (!many) {
      out[p] = normalized(only);
      continue;
    }
    const all: Interval[] = [];
    for (const s of sets) for (const iv of s[p]) all.push(iv);
    out[p] = normalizeIntervals(all);
  }
  return out;
}

export function intersectPorts(a: PortSet, b: PortSet): PortSet {
  const out = emptyPorts() as Record<Protocol, Interval[]>;
  for (const p of PROTOCOLS) out[p] = intersectIntervals(normalized(a[p]), normalized(b[p]));
  return out;
}

function subtractIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  let cur: Interval[] = [...a];
  for (const [lo, hi] of b) cur = cur.flatMap(([x, y]): Interval[] => (hi < x || lo > y ? [[x, y]] : [...(x < lo ? [[x, lo - 1] as Interval] : []), ...(hi < y ? [[hi + 1, y] as Interval] : [])]));
  return cur;
}

/** The ports of `a` that are not in `b`. */
export function subtractPorts(a: PortSet, b: PortSet): PortSet {
  const out = emptyPorts() as Record<Protocol, Interval[]>;
  for (const p of PROTOCOLS) out[p] = subtractIntervals(a[p], b[p]);
  return out;
}

export function isEmptyPorts(s: PortSet): boolean {
  return PROTOCOLS.every((p) => s[p].length === 0);
}

export function isAllPorts(s: PortSet): boolean {
  return PROTOCOLS.every((p) => {
    const n = normalizeIntervals(s[p]);
    return n.length === 1 && n[0]![0] <= MIN_PORT && n[0]![1] >= MAX_PORT;
  });
}

export function portsContain(s: PortSet, protocol: Protocol, port: number): boolean {
  return s[protocol].some(([lo, hi]) => port >= lo && port <= hi);
}

export function equalPorts(a: PortSet, b: PortSet): boolean {
  return JSON.stringify(toPortJson(a)) === JSON.stringify(toPortJson(b));
}

/** Stable JSON form: "all", or only the protocols that carry ports. */
export function toPortJson(s: PortSet): 'all' | Partial<Record<Protocol, [number, number][]>> {
  if (isAllPorts(s)) return 'all';
  const out: Partial<Record<Protocol, [number, number][]>> = {};
  for (const p of PROTOCOLS) {
    const n = normalizeIntervals(s[p]);
    if (n.length > 0) out[p] = n.map(([lo, hi]) => [lo, hi]);
  }
  return out;
}

export function fromPortJson(j: 'all' | Partial<Record<string, [number, number][]>>): PortSet {
  if (j === 'all') return allPorts();
  const out = emptyPorts() as Record<Protocol, Interval[]>;
  for (const p of PROTOCOLS) out[p] = normalizeIntervals(j[p] ?? []);
  return out;
}

/** `All Connections`, `No Connections`, or `TCP 53,8080-8081,UDP 53`. */
export function formatPorts(s: PortSet): string {
  if (isAllPorts(s)) return 'All Connections';
  if (isEmptyPorts(s)) return 'No Connections';
  const parts: string[] = [];
  for (const p of PROTOCOLS) {
    const n = normalizeIntervals(s[p]);
    if (n.length === 0) continue;
    const full = n.length === 1 && n[0]![0] === MIN_PORT && n[0]![1] === MAX_PORT;
    parts.push(`${p} ${full ? 'all ports' : n.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(',')}`);
  }
  return parts.join(',');
}
