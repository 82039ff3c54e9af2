/**
 * IP address ranges as closed bigint intervals per family. ipBlock `cidr`
 * minus `except` is interval subtraction, and the external address space is
 * cut into atoms at every boundary any policy mentions, so every address of an
 * atom is treated identically by every ipBlock.
 */

export type IpFamily = 4 | 6;

export interface IpRange {
  readonly family: IpFamily;
  readonly lo: bigint;
  readonly hi: bigint;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

export function familyMax(f: IpFamily): bigint {
  return (1n << BigInt(BITS[f])) - 1n;
}

export function fullRange(f: IpFamily): IpRange {
  return { family: f, lo: 0n, hi: familyMax(f) };
}

export function parseIp(s: string): { family: IpFamily; value: bigint } | undefined {
  const t = s.trim();
  // Leading zeros are refused: some readers take 010 as octal 8 and others as decimal 10 (CVE-2021-29923).
  if (/^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}$/.test(t)) {
    const parts = t.split('.').map(Number);
    if (parts.some((n) => n > 255)) return undefined;
    return { family: 4, value: parts.reduce((acc, n) => (acc << 8n) | BigInt(n), 0n) };
  }
  if (!t.includes(':') || !/^[0-9a-fA-F:.]+$/.test(t)) return undefined;
  const halves = t.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (g.includes('.')) {
        const v4 = parseIp(g);
        if (!v4 || v4.family !== 4) return undefined;
        out.push(Number(v4.value >> 16n), Number(v4.value & 0xffffn));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) out.push(parseInt(g, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return { family: 6, value: all.reduce((acc, n) => (acc << 16n) | BigInt(n), 0n) };
}

/**
 * Why a CIDR written in our own input is not acceptable, or undefined when it
 * is: unparseable, or with host bits set (`10.0.0.1/8`), which the API server's
 * sloppy parsing would silently widen to the network and a reader would take
 * for a single host.
 */
export function cidrProblem(s: string): string | undefined {
  const r = parseCidr(s);
  if (!r) return `"${s}" is not an address/prefix-length CIDR (IPv4 octets without leading zeros, or IPv6)`;
  if (!s.includes('/')) return `"${s}" has no prefix length`;
  const [addr, len] = s.trim().split('/');
  const ip = parseIp(addr!)!;
  if (ip.value !== r.lo) return `"${s}" has host bits set; the network is ${formatIp(r.family, r.lo)}/${len}`;
  return undefined;
}

/** IPv4-mapped IPv6 addresses (RFC 4291 2.5.5.2): an IPv4 address spelt as IPv6. */
const MAPPED: IpRange = { family: 6, lo: 0xffffn << 32n, hi: (0xffffn << 32n) | 0xffffffffn };

/**
 * cidrProblem, and also the one spelling our own input must use (lower-case,
 * zeros compressed as RFC 5952 says), so that the same network is never
 * written two ways and duplicates or overlaps are visible to a reader. An
 * IPv4-mapped IPv6 range is refused: Kubernetes' strict IP validation
 * (KEP-4858) rejects it, and it means an IPv4 range anyway.
 */
export function inputCidrProblem(s: string): string | undefined {
  const problem = cidrProblem(s);
  if (problem) return problem;
  const r = parseCidr(s)!;
  const len = s.trim().split('/')[1]!;
  if (rangeWithin(r, MAPPED)) {
    return `"${s}" is an IPv4-mapped IPv6 range; write the IPv4 range ${formatIp(4, r.lo & 0xffffffffn)}/${Number(len) - 96} instead`;
  }
  const canonical = `${formatIp(r.family, r.lo)}/${len}`;
  if (s !== canonical) return `"${s}" is not written in canonical form; write ${canonical}`;
  return undefined;
}

/** Whether `inner` lies within `outer` (same family; equal ranges count). */
export function rangeWithin(inner: IpRange, outer: IpRange): boolean {
  return inner.family === outer.family && outer.lo <= inner.lo && inner.hi <= outer.hi;
}

export function rangesOverlap(a: IpRange, b: IpRange): boolean {
  return a.family === b.family && a.lo <= b.hi && b.lo <= a.hi;
}

/**
 * Parsed CIDRs by text: every tenant's policies repeat the same few, and the
 * rules and proofs parse each once per peer. Ranges are read-only, so one can
 * be shared; the map is emptied when full, so hostile input cannot grow it.
 */
const parsedCidrs = new Map<string, IpRange | undefined>();
const MAX_PARSED_CIDRS = 4096;

/** `10.0.0.0/8`, or a bare address as a single-address range. */
export function parseCidr(s: string): IpRange | undefined {
  if (parsedCidrs.has(s)) return parsedCidrs.get(s);
  const r = parseCidrText(s);
  if (parsedCidrs.size >= MAX_PARSED_CIDRS) parsedCidrs.clear();
  parsedCidrs.set(s, r);
  return r;
}

function parseCidrText(s: string): IpRange | undefined {
  const [addr, len, extra] = s.trim().split('/');
  if (addr === undefined || extra !== undefined) return undefined;
  const ip = parseIp(addr);
  if (!ip) return undefined;
  const bits = BITS[ip.family];
  const prefix = len === undefined ? bits : /^(0|[1-9]\d*)$/.test(len) ? Number(len) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) return undefined;
  const host = (1n << BigInt(bits - prefix)) - 1n;
  // Host bits are ignored, as the API server's CIDR parsing does for the network address.
  const lo = ip.value & ~host & familyMax(ip.family);
  return { family: ip.family, lo, hi: lo | host };
}

export function formatIp(family: IpFamily, v: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((sh) => String((v >> sh) & 255n)).join('.');
  const g = Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (xs: number[]) => xs.map((n) => n.toString(16)).join(':');
  return best < 0 ? hex(g) : `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

export function formatRange(r: IpRange): string {
  return `${formatIp(r.family, r.lo)}-${formatIp(r.family, r.hi)}`;
}

export function compareRanges(a: IpRange, b: IpRange): number {
  return a.family - b.family || (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : a.hi < b.hi ? -1 : a.hi > b.hi ? 1 : 0);
}

export function normalizeRanges(rs: readonly IpRange[]): IpRange[] {
  const out: IpRange[] = [];
  for (const r of [...rs].sort(compareRanges)) {
    const last = out[out.length - 1];
    if (last && last.family === r.family && r.lo <= last.hi + 1n) {
      out[out.length - 1] = { ...last, hi: r.hi > last.hi ? r.hi : last.hi };
    } else out.push(r);
  }
  return out;
}

export function subtractRanges(from: readonly IpRange[], minus: readonly IpRange[]): IpRange[] {
  let cur = normalizeRanges(from);
  for (const m of minus) {
    const next: IpRange[] = [];
    for (const r of cur) {
      if (r.family !== m.family || m.hi < r.lo || m.lo > r.hi) {
        next.push(r);
        continue;
      }
      if (m.lo > r.lo) next.push({ ...r, hi: m.lo - 1n });
      if (m.hi < r.hi) next.push({ ...r, lo: m.hi + 1n });
    }
    cur = next;
  }
  return cur;
}

export function rangesContain(rs: readonly IpRange[], family: IpFamily, v: bigint): boolean {
  return rs.some((r) => r.family === family && r.lo <= v && v <= r.hi);
}

/**
 * Cuts `space` at every boundary of `cuts`, so each returned atom lies either
 * wholly inside or wholly outside each cut range.
 */
export function atomize(space: readonly IpRange[], cuts: readonly IpRange[]): IpRange[] {
  const out: IpRange[] = [];
  for (const s of normalizeRanges(space)) {
    const points = new Set<bigint>([s.lo]);
    for (const c of cuts) {
      if (c.family !== s.family) continue;
      if (c.lo > s.lo && c.lo <= s.hi) points.add(c.lo);
      if (c.hi >= s.lo && c.hi < s.hi) points.add(c.hi + 1n);
    }
    const starts = [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    starts.forEach((lo, i) => out.push({ family: s.family, lo, hi: i + 1 < starts.length ? starts[i + 1]! - 1n : s.hi }));
  }
  return out;
}
