import { afterAll, describe, expect, it } from 'vitest';
import { connectivityDelta, groupFlows, needsReview, tenantWorkloads } from '../../../src/analysis/delta/connectivity.js';
import { parseManifests } from '../../../src/manifest/parse.js';
import { buildModel, connection, equalPorts, type Endpoint, type NetpolModel } from '../../../src/analysis/netpol/index.js';
import { bundledTenants, cleanupTempRepos, cli, renderedWith } from '../../helpers.js';
import { branchWithTenants } from '../../lifecycle/git-fixture.js';

afterAll(cleanupTempRepos);

const rendered = (tenants: string, edit?: { file: string; from: string; to: string }) => renderedWith(tenants, edit ? [edit] : []);

const tenantsOf = (r: Awaited<ReturnType<typeof rendered>>) => new Map(r.config!.tenants.map((t) => [t.namespace, t.id]));

describe('connectivity delta', async () => {
  const bundled = await bundledTenants();
  const base = await rendered(bundled);

  it('is empty when nothing that decides a connection changed', async () => {
    const head = await rendered(bundled.replace('name: Test Tenant A', 'name: Test Tenant A (renamed)'));
    expect(connectivityDelta(base.render!.manifests, head.render!.manifests, tenantsOf(head))).toEqual([]);
  });

  it('says that every tenant can now reach the internet on port 80', async () => {
    const head = await rendered(bundled.replace('externalPorts: [443]', 'externalPorts: [443, 80]'));
    const flows = connectivityDelta(base.render!.manifests, head.render!.manifests, tenantsOf(head));
    expect(flows.map((f) => `${f.from} -> ${f.to}`)).toEqual(
      ['a/api', 'a/worker', 'b/api', 'b/worker'].map(
        (w) => `ai-agents-test-tenant-${w} -> 0.0.0.0/0 except 10.96.0.0/12, 10.244.0.0/16, 169.254.0.0/16`,
      ),
    );
    for (const f of flows) expect([f.before, f.after, f.opens, f.closes]).toEqual(['TCP 443', 'TCP 80,443', 'TCP 80', '']);
    expect(new Set(flows.map((f) => f.tenant))).toEqual(new Set(['test-tenant-a', 'test-tenant-b']));
    // All four flows are one fact: every tenant, the same range, the same ports.
    const groups = groupFlows(flows, tenantWorkloads(head.render!.manifests, tenantsOf(head)));
    expect(groups).toEqual([
      { who: 'every tenant', direction: 'to', peer: '0.0.0.0/0 except 10.96.0.0/12, 10.244.0.0/16, 169.254.0.0/16', before: 'TCP 443', after: 'TCP 80,443', opens: 'TCP 80', closes: '', flows: 4 },
    ]);
  });

  it('names one tenant, or one workload in every tenant, when a change covers only that', async () => {
    const flows = (who: string[]) => who.map((from) => ({ from, to: '192.0.2.0/24', before: 'denied', after: 'TCP 22', opens: 'TCP 22', closes: '' }));
    const workloads = new Map([
      ['a', ['ns-a/api', 'ns-a/worker']],
      ['b', ['ns-b/api', 'ns-b/worker']],
    ]);
    expect(groupFlows(flows(['ns-a/api', 'ns-a/worker']), workloads)[0]!.who).toBe('tenant a');
    expect(groupFlows(flows(['ns-a/worker', 'ns-b/worker']), workloads)[0]!.who).toBe("every tenant's worker");
    expect(groupFlows(flows(['ns-a/worker']), workloads)[0]!.who).toBe('ns-a/worker');
  });

  // Kubernetes API reference, NetworkPolicyPeer.namespaceSelector
  // (https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/):
  // "namespaceSelector selects namespaces using cluster-scoped labels. This field follows standard label
  // selector semantics; if present but empty, it selects all namespaces. If podSelector is also set, then the
  // NetworkPolicyPeer as a whole selects the pods matching podSelector in the namespaces selected by namespaceSelector."
  it('shows pods a widened namespaceSelector now reaches outside the tenants, through a witness pod per policy peer', async () => {
    const head = await rendered(bundled, {
      file: 'templates/tenant/networkpolicy-allow-egress-database.yaml.ejs',
      from: '        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: <%- v(platform.database.namespace) %>\n',
      to: '        - namespaceSelector: {}\n',
    });
    const flows = connectivityDelta(base.render!.manifests, head.render!.manifests, tenantsOf(head));
    expect(new Set(flows.map((f) => `${f.to}: ${f.before} -> ${f.after}`))).toEqual(
      new Set(['pods labelled app=ai-agents-postgresql in any namespace: denied -> TCP 5432', 'pods labelled app=ai-agents-redis in any namespace: denied -> TCP 6379']),
    );
    // The database itself was reachable before and still is: not a change.
    expect(flows.some((f) => f.to.startsWith('database/'))).toBe(false);
  });

  it('shows a path between tenants that a change opens, and only that', async () => {
    const deploy = (ns: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: ${ns}}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: "x:1", ports: [{containerPort: 8080}]}]}\n`;
    const ns = (n: string) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${n}}\n`;
    const deny = (n: string) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: ${n}}\nspec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n`;
    const tree = (...docs: string[]) => parseManifests(docs.join('---\n'), { file: 'tree.yaml' }).manifests;
    const before = tree(ns('a'), ns('b'), deploy('a'), deploy('b'), deny('a'), deny('b'));
    const after = tree(ns('a'), ns('b'), deploy('a'), deploy('b'), deny('a'));
    const tenants = new Map([['a', 'tenant-a'], ['b', 'tenant-b']]);
    // b's deny-all is gone: b is open to and from the outside, but a still denies, so a <-> b stays closed.
    expect(connectivityDelta(before, after, tenants)).toEqual([
      { from: '0.0.0.0/0', to: 'b/web', before: 'denied', after: 'All Connections', opens: 'All Connections', closes: '', tenant: 'tenant-b' },
      { from: 'b/web', to: '0.0.0.0/0', before: 'denied', after: 'All Connections', opens: 'All Connections', closes: '', tenant: 'tenant-b' },
    ]);
    // Removing deny-all from a as well opens a <-> b.
    const open = connectivityDelta(before, tree(ns('a'), ns('b'), deploy('a'), deploy('b')), tenants);
    expect(open.find((f) => f.from === 'a/web' && f.to === 'b/web')).toEqual({ from: 'a/web', to: 'b/web', before: 'denied', after: 'All Connections', opens: 'All Connections', closes: '', tenant: 'tenant-a' });
  });

  describe('declared flows: judged by the isolation proof\'s definition of what tenants.yaml declares (src/analysis/isolation/intent.ts)', () => {
    const delta = async (tenants: string, edits: Parameters<typeof renderedWith>[1] = []) => {
      const head = await renderedWith(tenants, edits);
      return connectivityDelta(base.render!.manifests, head.render!.manifests, tenantsOf(head), head.config!);
    };

    it('marks a port the same change adds to externalPorts as declared, under the flow tenants.yaml names', async () => {
      const flows = await delta(bundled.replace('externalPorts: [443]', 'externalPorts: [443, 80]'));
      expect(flows).toHaveLength(4);
      for (const f of flows) expect([f.opens, f.declared, f.intent]).toEqual(['TCP 80', true, ['external services (TCP 80)']]);
      expect(flows.some(needsReview)).toBe(false);
    });

    it('marks IPv6 egress to a range externalCidrs lists as declared', async () => {
      const flows = await delta(bundled.replace('externalPorts: [443]', 'externalPorts: [443]\n    externalCidrs: [0.0.0.0/0, 2000::/3]'));
      expect(flows.length).toBe(4);
      for (const f of flows) expect([f.to, f.opens, f.declared, f.intent]).toEqual(['2000::/3', 'TCP 443', true, ['external services (TCP 443)']]);
    });

    // Kubernetes API reference, NetworkPolicyPeer.namespaceSelector: "if present but empty, it selects all namespaces."
    it('marks pods a widened namespaceSelector reaches outside the database namespace as undeclared', async () => {
      const flows = await delta(bundled, [
        {
          file: 'templates/tenant/networkpolicy-allow-egress-database.yaml.ejs',
          from: '        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: <%- v(platform.database.namespace) %>\n',
          to: '        - namespaceSelector: {}\n',
        },
      ]);
      expect(flows.length).toBeGreaterThan(0);
      for (const f of flows) expect([f.to, f.declared, needsReview(f)]).toEqual([expect.stringMatching(/ in any namespace$/), false, true]);
    });

    // Kubernetes API reference, IPBlock.except: "except is a slice of CIDRs that should not be included within an
    // IPBlock": dropping 169.254.0.0/16 from deniedCidrs drops it from the except list, and the range opens.
    it('marks a range holding the cloud metadata address as undeclared, even once deniedCidrs no longer lists it', async () => {
      const flows = await delta(bundled.replace('      - 169.254.0.0/16\n', ''));
      expect(flows.map((f) => [f.from, f.to, f.opens, f.declared, f.review])).toEqual(
        ['a/api', 'a/worker', 'b/api', 'b/worker'].map((w) => [`ai-agents-test-tenant-${w}`, '169.254.0.0/16', 'TCP 443', false, true]),
      );
    });

    it('marks a closed declared flow (DNS) for review, and a moved database port as declared where it now is', async () => {
      const dns = await delta(bundled, [{ remove: 'templates/tenant/networkpolicy-allow-egress-dns.yaml.ejs' }]);
      expect(dns.length).toBeGreaterThan(0);
      for (const f of dns) expect([f.opens, f.closes, f.declared, f.intent, needsReview(f)]).toEqual(['', 'TCP 53,UDP 53', true, ['DNS over UDP', 'DNS over TCP'], true]);
      // The tenants' workloads; the database's own ingress rule also admits a stand-in for "any pod in a namespace
      // labelled as a tenant's", which is not a tenant workload and so not a declared flow.
      const moved = (await delta(bundled.replace('      port: 5432\n', '      port: 5433\n'))).filter((f) => f.tenant);
      expect(moved).toHaveLength(4);
      for (const f of moved) {
        // 5433 opens (declared now), 5432 closes (no longer declared): nothing for a reviewer to chase.
        expect([f.opens, f.closes, f.declared, f.intent, needsReview(f)]).toEqual(['TCP 5433', 'TCP 5432', true, ['database (PostgreSQL)'], false]);
      }
    });

    it('puts what needs review first when grouping', () => {
      const f = (to: string, opens: string, closes: string, declared: boolean) => ({ from: 'ns-a/api', to, before: '', after: '', opens, closes, declared, review: opens ? !declared : declared });
      const groups = groupFlows([f('x', 'TCP 80', '', true), f('y', '', 'TCP 53', false), f('z', '', 'TCP 53', true), f('w', 'TCP 22', '', false)], new Map([['a', ['ns-a/api']]]));
      expect(groups.map((g) => g.peer)).toEqual(['w', 'z', 'x', 'y']);
    });
  });

  it('is in the plan a reviewer reads', async () => {
    const root = await branchWithTenants('port80', bundled.replace('externalPorts: [443]', 'externalPorts: [443, 80]'));
    const text = await cli(root, 'plan', '--base', 'main');
    expect(text.stdout).toContain('Connectivity: 4 flow(s) change');
    expect(text.stdout).toContain('    every tenant can now reach 0.0.0.0/0 except 10.96.0.0/12, 10.244.0.0/16, 169.254.0.0/16 on TCP 80 (was TCP 443) [4 flows] — declared: external services (TCP 80)');
    expect(text.stdout).not.toContain('look at the lines marked !');
    const md = await cli(root, 'plan', '--base', 'main', '--format', 'markdown');
    expect(md.stdout).toContain('| `ai-agents-test-tenant-b/worker` | `0.0.0.0/0 except');
  });
});

/**
 * Random trees of a few namespaces: workloads, and NetworkPolicies that isolate or not, with peers that
 * pick namespaces by label, by name, by {} or not at all (own namespace), ipBlocks and rules without peers.
 * A mulberry32 generator, seeded: the same trees every run.
 */
function randomTrees(seed: number): { before: ReturnType<typeof parseManifests>['manifests']; after: ReturnType<typeof parseManifests>['manifests'] } {
  let state = seed;
  const rand = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const names = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5'];
  const zone = () => pick(['a', 'b']);
  const peer = () =>
    pick([
      () => `{namespaceSelector: {matchLabels: {zone: ${zone()}}}}`,
      () => `{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${pick(names)}}}, podSelector: {matchLabels: {app: ${pick(['api', 'web'])}}}}`,
      () => '{namespaceSelector: {}}',
      () => '{podSelector: {}}',
      () => '{ipBlock: {cidr: 10.0.0.0/8}}',
      () => '{namespaceSelector: {matchExpressions: [{key: zone, operator: NotIn, values: [a]}]}}',
    ])();
  const rule = (dir: 'from' | 'to') => (rand() < 0.15 ? `{ports: [{port: ${pick([80, 8080])}}]}` : `{${dir}: [${peer()}], ports: [{port: ${pick([80, 8080])}}]}`);
  const policy = (ns: string, i: number) => {
    const types = pick(['[Ingress]', '[Egress]', '[Ingress, Egress]']);
    const selector = rand() < 0.6 ? '{}' : `{matchLabels: {app: ${pick(['api', 'web'])}}}`;
    const ingress = types.includes('Ingress') && rand() < 0.7 ? `, ingress: [${rule('from')}]` : '';
    const egress = types.includes('Egress') && rand() < 0.7 ? `, egress: [${rule('to')}]` : '';
    return `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p${i}, namespace: ${ns}}\nspec: {podSelector: ${selector}, policyTypes: ${types}${ingress}${egress}}\n`;
  };
  const deploy = (ns: string, app: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${app}, namespace: ${ns}}\nspec:\n  selector: {matchLabels: {app: ${app}}}\n  template:\n    metadata: {labels: {app: ${app}}}\n    spec: {containers: [{name: c, image: "x:1", ports: [{containerPort: 80}, {containerPort: 8080}]}]}\n`;
  const tree = (zones: Map<string, string>, policies: Map<string, string[]>) =>
    parseManifests(
      names
        .flatMap((ns) => [`apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}, labels: {zone: ${zones.get(ns)}}}\n`, deploy(ns, 'api'), deploy(ns, 'web'), ...policies.get(ns)!])
        .join('---\n'),
      { file: 'tree.yaml' },
    ).manifests;
  const zones = new Map(names.map((ns) => [ns, zone()]));
  const policies = new Map(names.map((ns) => [ns, Array.from({ length: Math.floor(rand() * 3) }, (_, i) => policy(ns, i))]));
  const before = tree(zones, policies);
  // The head: some namespaces change their policies or their zone label.
  for (const ns of names) {
    if (rand() < 0.4) policies.set(ns, Array.from({ length: Math.floor(rand() * 3) }, (_, i) => policy(ns, i)));
    if (rand() < 0.2) zones.set(ns, zone());
  }
  return { before, after: tree(zones, policies) };
}

/** Every pair of workloads on both sides whose allowed ports differ: what the delta must report between workloads, by brute force. */
function changedPairs(a: NetpolModel, b: NetpolModel): string[] {
  const byName = (m: NetpolModel) => new Map<string, Endpoint>(m.workloads.map((w) => [`${w.namespace}/${w.name}`, w]));
  const [wa, wb] = [byName(a), byName(b)];
  const names = [...wa.keys()].filter((n) => wb.has(n));
  const ports = (m: NetpolModel, w: Map<string, Endpoint>, s: string, d: string) => connection(m.policies, { kind: 'pod', endpoint: w.get(s)! }, { kind: 'pod', endpoint: w.get(d)! }).ports;
  const out: string[] = [];
  for (const s of names) for (const d of names) if (s !== d && !equalPorts(ports(a, wa, s, d), ports(b, wb, s, d))) out.push(`${s} -> ${d}`);
  return out.sort();
}

describe('connectivity delta between workloads: only pairs that either side\'s policies could open are evaluated', () => {
  it('finds every changed pair that evaluating all pairs finds, on 60 random trees', () => {
    let changed = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const { before, after } = randomTrees(seed);
      const tenants = new Map(['n0', 'n1', 'n2', 'n3', 'n4', 'n5'].map((ns) => [ns, `t-${ns}`]));
      const workload = /^n\d\/(api|web)$/;
      const reported = connectivityDelta(before, after, tenants)
        .filter((f) => workload.test(f.from) && workload.test(f.to))
        .map((f) => `${f.from} -> ${f.to}`)
        .sort();
      const expected = changedPairs(buildModel(before), buildModel(after));
      expect(reported, `seed ${seed}`).toEqual(expected);
      changed += expected.length;
    }
    // The trees do change paths between namespaces: the comparison is not between two empty lists.
    expect(changed).toBeGreaterThan(100);
  });
});
