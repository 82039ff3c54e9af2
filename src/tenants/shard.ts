/**
 * `check --shard I/N`: which of N CI jobs checks a tenant. A tenant's shard is
 * a hash of its id alone, so adding, removing or reordering other tenants
 * never moves it (a shard's cache stays warm) and every job computes the same
 * partition without talking to the others.
 */

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** FNV-1a (32-bit) over the UTF-16 code units: tiny, stable across Node versions and platforms. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The shard (1-based) a tenant belongs to. */
export function shardOfTenant(id: string, count: number): number {
  return (fnv1a(id) % count) + 1;
}

/** Whether a tenant is in this shard. */
export function inShard(shard: Shard): (tenant: string) => boolean {
  return (tenant) => shardOfTenant(tenant, shard.count) === shard.index;
}

/**
 * The shard that reports what belongs to no tenant (cluster objects, the
 * platform namespace, tenants.yaml itself). Always the first, so a run with
 * one shard is the full run.
 */
export const PLATFORM_SHARD = 1;

/** `I/N` as given on the command line, or why not. */
export function parseShard(text: string): Shard | string {
  const m = /^(\d{1,4})\/(\d{1,4})$/.exec(text);
  if (!m) return `--shard takes I/N (this job's number and the number of jobs), e.g. --shard 2/4; got "${text}"`;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) return `--shard ${text}: I must be between 1 and N (N ≥ 1), e.g. --shard 1/${Math.max(count, 1)}`;
  return { index, count };
}
