import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PodSpec } from 'kubernetes-types/core/v1.js';
import { evaluatePod, type Level } from '../../../src/analysis/podsecurity/index.js';
import { allChecks } from '../../../src/analysis/podsecurity/registry.js';

interface PssCase {
  id: string;
  level: Level;
  policyVersion: string;
  expected: 'allowed' | 'denied';
  check: string | null;
  pod: { metadata?: { annotations?: Record<string, string>; labels?: Record<string, string> }; spec: PodSpec };
}

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const corpusDir = path.resolve(repoRoot, '../shared/corpora/pss');

/** A restricted check that overrides a baseline one reports the same fault under its own id. */
function idsCovering(check: string): Set<string> {
  const ids = new Set([check]);
  for (const c of allChecks) {
    if (c.versions.some((v) => v.overrides?.includes(check))) ids.add(c.id);
  }
  return ids;
}

for (const level of ['restricted', 'baseline'] as const) {
  const file = path.join(corpusDir, `psa-${level}-v1.33.json`);
  const present = existsSync(file);
  if (!present) console.warn(`PSS corpus absent, skipping: ${file}`);

  describe.skipIf(!present)(`PSS upstream fixtures (${level})`, () => {
    it('agrees with every case', () => {
      const cases = (JSON.parse(readFileSync(file, 'utf8')) as { cases: PssCase[] }).cases;
      const disagreements: string[] = [];
      for (const c of cases) {
        const violations = evaluatePod(c.pod.metadata, c.pod.spec, c.level, c.policyVersion);
        const denied = violations.length > 0;
        const ids = violations.map((v) => v.check);
        let ok = denied === (c.expected === 'denied');
        if (ok && denied && c.check) ok = ids.some((id) => idsCovering(c.check as string).has(id));
        if (!ok) disagreements.push(`${c.id}: expected ${c.expected} (${c.check ?? '-'}), got [${ids.join(', ')}]`);
      }
      const version = cases[0]?.policyVersion ?? '?';
      console.log(`PSS ${level} ${version}: ${cases.length - disagreements.length}/${cases.length} agree`);
      expect(disagreements).toEqual([]);
      expect(cases.length).toBeGreaterThan(0);
    });
  });
}

// The corpus is pinned at v1.33; its sysctls pass fixture, extended with the two sysctls the v1.37 revision of
// check_sysctls.go allows (tcp_slow_start_after_idle, tcp_notsent_lowat), separates the two versions.
{
  const file = path.join(corpusDir, 'psa-baseline-v1.33.json');
  const present = existsSync(file);
  if (!present) console.warn(`PSS corpus absent, skipping the v1.37 sysctls cases: ${file}`);
  describe.skipIf(!present)('PSS upstream fixtures at newer policy versions', () => {
    it('the sysctls pass fixture plus the v1.37 sysctls is denied up to v1.36 and allowed from v1.37', () => {
      const cases = (JSON.parse(readFileSync(file, 'utf8')) as { cases: PssCase[] }).cases;
      const base = cases.find((c) => c.id === 'psa/baseline/v1.33/pass/sysctls1');
      expect(base, 'corpus case psa/baseline/v1.33/pass/sysctls1').toBeDefined();
      const sc = base!.pod.spec.securityContext ?? {};
      const spec: PodSpec = { ...base!.pod.spec, securityContext: { ...sc, sysctls: [...(sc.sysctls ?? []), { name: 'net.ipv4.tcp_slow_start_after_idle', value: '0' }, { name: 'net.ipv4.tcp_notsent_lowat', value: '16384' }] } };
      for (const version of ['v1.33', 'v1.36']) {
        expect(evaluatePod(base!.pod.metadata, spec, 'baseline', version), version).toEqual([
          expect.objectContaining({ check: 'sysctls', detail: 'net.ipv4.tcp_slow_start_after_idle, net.ipv4.tcp_notsent_lowat' }),
        ]);
      }
      for (const version of ['v1.37', 'latest']) expect(evaluatePod(base!.pod.metadata, spec, 'baseline', version), version).toEqual([]);
    });
  });
}
