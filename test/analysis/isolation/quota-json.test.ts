import { describe, expect, it } from 'vitest';
import { quotaFromJson, quotaToJson } from '../../../src/analysis/isolation/quota-json.js';
import type { TenantQuota } from '../../../src/analysis/isolation/quota.js';

const report: TenantQuota = {
  tenant: 'acme',
  fits: false,
  rejections: 1,
  rows: [
    { quota: 'tenant-quota', resource: 'limits.memory', hard: 34359738368000n, used: { steady: 2147483648000n, hpaMax: 4294967296000n, rollout: 4294967296000n, rolloutAtHpaMax: 6442450944000n }, headroom: 27917287424000n },
    // Past 2^53: kept exact, never through a number.
    { quota: 'tenant-quota', resource: 'requests.cpu', hard: 9007199254740993n, used: { steady: 0n, hpaMax: 1n, rollout: -2n, rolloutAtHpaMax: 3n }, headroom: -9007199254740993n },
  ],
};

/** The report as a cache entry holds it: quotaToJson's value after a JSON round trip. */
const stored = (): Record<string, unknown> & { rows: Record<string, unknown>[] } => JSON.parse(JSON.stringify(quotaToJson(report))) as Record<string, unknown> & { rows: Record<string, unknown>[] };

describe('a quota report kept in the cache', () => {
  it('reads back exactly as it was written, amounts past 2^53 included', () => {
    expect(quotaFromJson(stored(), 'acme')).toEqual(report);
  });

  const broken: [string, (v: ReturnType<typeof stored>) => unknown][] = [
    ['another tenant', (v) => ({ ...v, tenant: 'other' })],
    ['rows not a list', (v) => ({ ...v, rows: {} })],
    ['a row that is null', (v) => ({ ...v, rows: [null] })],
    ['a row without its quota name', (v) => ({ ...v, rows: [{ ...v.rows[0], quota: 5 }] })],
    ['an amount that is a number', (v) => ({ ...v, rows: [{ ...v.rows[0], hard: 16000 }] })],
    ['an amount that is not an integer', (v) => ({ ...v, rows: [{ ...v.rows[0], headroom: '1.5' }] })],
    ['an amount BigInt would read but quotaToJson never writes', (v) => ({ ...v, rows: [{ ...v.rows[0], hard: '0x10' }] })],
    ['a scenario missing', (v) => ({ ...v, rows: [{ ...v.rows[0], used: { steady: '1', hpaMax: '1', rollout: '1' } }] })],
    ['used that is null', (v) => ({ ...v, rows: [{ ...v.rows[0], used: null }] })],
  ];
  for (const [what, edit] of broken) {
    it(`is a miss for ${what}`, () => {
      expect(quotaFromJson(edit(stored()), 'acme')).toBeUndefined();
    });
  }
});
