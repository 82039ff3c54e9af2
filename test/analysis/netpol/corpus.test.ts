import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readManifestDir } from '../../../src/manifest/read-dir.js';
import {
  allowed,
  buildModel,
  connection,
  connectionIn,
  externalAtoms,
  fromPortJson,
  ipRemote,
  isProtocol,
  parseIp,
  toPortJson,
  type PolicyModel,
  type PortSet,
  type Remote,
  type Workload,
} from '../../../src/analysis/netpol/index.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const corpusDir = path.resolve(repoRoot, '../shared/corpora/netpol-analyzer');
const present = existsSync(corpusDir);
if (!present) console.warn(`netpol-analyzer corpus not found at ${corpusDir}: corpus agreement tests skipped`);

type ConnJson = 'all' | Record<string, [number, number][]>;
interface Case {
  format: string;
  pods: { name: string }[];
  expectedPairs: { src: string; dst: string; conn: ConnJson }[];
  expected: { src: string; dst: string; port: number; protocol: string; allowed: boolean }[];
  expectedExternal: { direction: 'ingress' | 'egress'; ipRange: string; peer: string; connSet: ConnJson }[];
}

/**
 * Disagreements accepted as documented semantic choices, keyed `case: src -> dst`.
 * Empty: the engine agrees with every upstream expectation. A new disagreement
 * fails the test until it is fixed or listed here with its reason.
 */
const PINNED: Record<string, string> = {};

const key = (p: PortSet) => JSON.stringify(toPortJson(p));
const expectedKey = (c: ConnJson) => JSON.stringify(toPortJson(fromPortJson(c)));

function parseRange(s: string): { lo: bigint; hi: bigint } {
  const [a, b] = s.split('-');
  return { lo: parseIp(a!)!.value, hi: parseIp(b!)!.value };
}

async function evaluateCase(name: string) {
  const dir = path.join(corpusDir, name);
  const c = JSON.parse(readFileSync(path.join(dir, 'case.json'), 'utf8')) as Case;
  const { manifests } = await readManifestDir(path.join(dir, 'input'), { relativeTo: dir });
  const model = buildModel(manifests);
  const byId = new Map<string, Workload>(model.workloads.map((w) => [w.id, w]));
  const pod = (id: string): Remote => {
    const w = byId.get(id);
    if (!w) throw new Error(`${name}: workload ${id} not in model`);
    return { kind: 'pod', endpoint: w };
  };
  const mismatches: string[] = [];
  // The proofs evaluate a connection with each end's own namespace's policies (connectionIn): the whole verdict must be the one the list of all policies gives.
  const byNs = new Map<string, PolicyModel[]>();
  for (const pol of model.policies) byNs.set(pol.namespace, [...(byNs.get(pol.namespace) ?? []), pol]);
  const perNamespace = (src: Remote, dst: Remote, what: string) => {
    const whole = JSON.stringify(connection(model.policies, src, dst));
    if (JSON.stringify(connectionIn((ns) => byNs.get(ns) ?? [], src, dst)) !== whole) mismatches.push(`${what}: per-namespace evaluation differs from the one over every policy`);
  };
  let pairsAgreed = 0;
  for (const p of c.expectedPairs) {
    perNamespace(pod(p.src), pod(p.dst), `pair ${p.src} -> ${p.dst}`);
    const got = key(connection(model.policies, pod(p.src), pod(p.dst)).ports);
    if (got === expectedKey(p.conn)) pairsAgreed++;
    else if (!PINNED[`${name}: ${p.src} -> ${p.dst}`]) mismatches.push(`pair ${p.src} -> ${p.dst}: got ${got}, expected ${expectedKey(p.conn)}`);
  }
  let probesAgreed = 0;
  for (const e of c.expected) {
    if (!isProtocol(e.protocol)) throw new Error(`unknown protocol ${e.protocol}`);
    const a = allowed(model.policies, pod(e.src), pod(e.dst), e.port, e.protocol);
    if (a.allowed === e.allowed) probesAgreed++;
    else mismatches.push(`probe ${e.src} -> ${e.dst} ${e.protocol}/${e.port}: got ${a.allowed}`);
  }
  // External: every atom of the combined partition must carry the same ports, missing = none.
  let extAgreed = 0;
  let extTotal = 0;
  const atoms = externalAtoms(model.policies);
  for (const w of model.workloads) {
    for (const direction of ['ingress', 'egress'] as const) {
      const exp = c.expectedExternal.filter((x) => x.direction === direction && x.peer === w.id).map((x) => ({ ...parseRange(x.ipRange), conn: expectedKey(x.connSet) }));
      for (const atom of atoms) {
        const r = ipRemote(atom);
        perNamespace(direction === 'ingress' ? r : pod(w.id), direction === 'ingress' ? pod(w.id) : r, `external ${direction} ${w.id}`);
        const got = key((direction === 'ingress' ? connection(model.policies, r, pod(w.id)) : connection(model.policies, pod(w.id), r)).ports);
        const overlapping = exp.filter((x) => x.lo <= atom.hi && x.hi >= atom.lo);
        const covered = overlapping.reduce((n, x) => n + ((x.hi < atom.hi ? x.hi : atom.hi) - (x.lo > atom.lo ? x.lo : atom.lo) + 1n), 0n);
        const want = covered === 0n ? '{}' : overlapping.every((x) => x.conn === overlapping[0]!.conn) && covered === atom.hi - atom.lo + 1n ? overlapping[0]!.conn : 'mixed';
        extTotal++;
        if (got === want) extAgreed++;
        else mismatches.push(`external ${direction} ${w.id} ${atom.lo}-${atom.hi}: got ${got}, expected ${want}`);
      }
    }
  }
  const missing = c.pods.map((p) => p.name).filter((n) => !byId.has(n));
  return { c, model, mismatches, missing, pairsAgreed, probesAgreed, extAgreed, extTotal };
}

const cases = present ? readdirSync(corpusDir).filter((d) => existsSync(path.join(corpusDir, d, 'case.json'))).sort() : [];

(present ? describe : describe.skip)('netpol-analyzer corpus agreement', () => {
  const totals = { cases: 0, pairs: 0, pairsAgreed: 0, probes: 0, probesAgreed: 0, ext: 0, extAgreed: 0 };

  it.each(cases)('%s', async (name) => {
    const r = await evaluateCase(name);
    expect(r.c.format).toBe('netpol-case/v1');
    expect(r.missing).toEqual([]);
    expect(r.model.workloads.map((w) => w.id).sort()).toEqual(r.c.pods.map((p) => p.name).sort());
    totals.cases++;
    totals.pairs += r.c.expectedPairs.length;
    totals.pairsAgreed += r.pairsAgreed;
    totals.probes += r.c.expected.length;
    totals.probesAgreed += r.probesAgreed;
    totals.ext += r.extTotal;
    totals.extAgreed += r.extAgreed;
    expect(r.mismatches.slice(0, 20)).toEqual([]);
  });

  it('prints the agreement summary', () => {
    console.log(
      `netpol-analyzer agreement: ${totals.cases}/${cases.length} cases; ` +
        `pairs ${totals.pairsAgreed}/${totals.pairs}; probes ${totals.probesAgreed}/${totals.probes}; ` +
        `external atoms ${totals.extAgreed}/${totals.ext}; pinned disagreements ${Object.keys(PINNED).length}`,
    );
    expect(totals.cases).toBe(cases.length);
  });
});
