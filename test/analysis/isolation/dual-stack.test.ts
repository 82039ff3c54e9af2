import type { NetworkPolicy } from 'kubernetes-types/networking/v1.js';
import { afterAll, describe, expect, it } from 'vitest';
import { connectivityDelta, groupFlows, tenantWorkloads } from '../../../src/analysis/delta/connectivity.js';
import { allowed, buildModel, parseIp, type Remote } from '../../../src/analysis/netpol/index.js';
import { proveIsolation } from '../../../src/analysis/proofs.js';
import type { Diagnostic } from '../../../src/diagnostics/diagnostic.js';
import { parseManifests } from '../../../src/manifest/parse.js';
import type { Manifest } from '../../../src/manifest/types.js';
import { runRules } from '../../../src/rules/engine.js';
import { rules as registry } from '../../../src/rules/registry.js';
import { bundledTenants, cleanupTempRepos, renderedWith } from '../../helpers.js';

// External egress in both IP families (platform.egress.externalCidrs), rendered and then proved.
// Kubernetes API reference, IPBlock (https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/):
// "IPBlock describes a particular CIDR (Ex. "192.168.1.0/24","2001:db8::/64") that is allowed to the pods matched by
// a NetworkPolicySpec's podSelector. The except entry describes CIDRs that should not be included within this rule."
// and "except ... Except values will be rejected if they are outside the cidr range."
// Dual-stack (https://kubernetes.io/docs/concepts/services-networking/dual-stack/): "Pod off-cluster egress routing
// (eg. the Internet) via both IPv4 and IPv6 interfaces".

afterAll(cleanupTempRepos);

const bundled = await bundledTenants();
const IPV6_DENIED = ['fd00:ec2::254/128', 'fd00:10:244::/56'];
const dualStack = (external = "[0.0.0.0/0, '::/0']", denied = IPV6_DENIED) => {
  const anchor = '      - 10.96.0.0/12\n';
  if (!bundled.includes(anchor)) throw new Error('anchor not found');
  return bundled.replace(anchor, `${anchor}${denied.map((d) => `      - ${d}\n`).join('')}    externalCidrs: ${external}\n`);
};

const EXTERNAL = 'networkpolicy-allow-egress-to-external.yaml';
const NS_A = 'ai-agents-test-tenant-a';
const show = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.ruleId} ${d.file?.path}: ${d.message}`).join('\n');
const ip = (s: string): Remote => {
  const v = parseIp(s)!;
  return { kind: 'ip', family: v.family, value: v.value };
};

async function render(tenants: string) {
  const r = await renderedWith(tenants);
  return { files: r.render!.files, config: r.config!, manifests: r.render!.manifests };
}

/** The rendered tree's manifests with one file's text edited, as a hand edit of rendered/ would be. */
function edited(files: ReadonlyMap<string, string>, file: string, from: string, to: string): Manifest[] {
  const out: Manifest[] = [];
  for (const [p, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (p.endsWith('/kustomization.yaml')) continue;
    if (p === file && !text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
    out.push(...parseManifests(p === file ? text.replace(from, to) : text, { file: p }).manifests);
  }
  return out;
}

const externalFile = (files: ReadonlyMap<string, string>) => [...files.keys()].find((p) => p.endsWith(`${NS_A}/${EXTERNAL}`))!;
const externalPolicy = (manifests: readonly Manifest[]) =>
  manifests.find((m) => m.object.kind === 'NetworkPolicy' && m.object.metadata?.namespace === NS_A && m.object.metadata?.name === 'allow-egress-to-external')!.object as NetworkPolicy;

describe('dual-stack external egress', async () => {
  const v4 = await render(bundled);
  const v6 = await render(dualStack());

  it('renders one ipBlock per external range, each with only the excepts of its family, and no except when none lies inside', async () => {
    expect(externalPolicy(v4.manifests).spec!.egress![0]!.to).toEqual([{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16', '10.244.0.0/16', '10.96.0.0/12'] } }]);
    expect(externalPolicy(v6.manifests).spec!.egress![0]!.to).toEqual([
      { ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16', '10.244.0.0/16', '10.96.0.0/12'] } },
      { ipBlock: { cidr: '::/0', except: IPV6_DENIED } },
    ]);
    const narrow = await render(dualStack("[0.0.0.0/0, '2001:db8::/32']", []));
    expect(externalPolicy(narrow.manifests).spec!.egress![0]!.to).toEqual([
      { ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16', '10.244.0.0/16', '10.96.0.0/12'] } },
      { ipBlock: { cidr: '2001:db8::/32' } },
    ]);
    expect(externalFile(narrow.files)).toBeDefined();
    expect(narrow.files.get(externalFile(narrow.files))).not.toMatch(/except: \[\]/);
  });

  it('the engine admits an IPv6 address through ::/0 only, and keeps the IPv6 excepts out', () => {
    const worker = (m: readonly Manifest[]) => {
      const model = buildModel(m);
      const w = model.workloads.find((x) => x.namespace === NS_A && x.name === 'worker')!;
      return (dst: string) => allowed(model.policies, { kind: 'pod', endpoint: w }, ip(dst), 443, 'TCP').allowed;
    };
    const four = worker(v4.manifests);
    const dual = worker(v6.manifests);
    // IPv4-only policy: 0.0.0.0/0 does not match an IPv6 destination.
    expect([four('203.0.113.10'), four('2001:db8::10')]).toEqual([true, false]);
    expect([dual('203.0.113.10'), dual('2001:db8::10'), dual('fd00:ec2::254'), dual('fd00:10:244::1'), dual('fd00:10:245::1')]).toEqual([true, true, false, false, true]);
    // IPv4 excepts stay IPv4: 10.96.0.1 is denied, ::a60:1 (the same bits as IPv6) is not.
    expect([dual('10.96.0.1'), dual('::a60:1')]).toEqual([false, true]);
  });

  it('proves the dual-stack tree: every declared flow open, with an IPv6 external flow per workload and port', () => {
    const four = proveIsolation(v4.manifests, v4.config);
    const dual = proveIsolation(v6.manifests, v6.config);
    expect(show(dual.diagnostics)).toBe('');
    const checked = (p: typeof dual) => (p.sections[0]!.json as { declaredFlows: { checked: number; blocked: number } }).declaredFlows;
    // 2 tenants x 2 workloads x 1 external port: the IPv6 witness is checked as well.
    expect(checked(dual)).toEqual({ checked: checked(four).checked + 4, blocked: 0 });
    expect(show(runRules({ manifests: v6.manifests, rules: registry, config: v6.config }))).toBe('');
  });

  it('reports an IPv6 denied range left reachable (the except removed from rendered/)', () => {
    const file = externalFile(v6.files);
    const manifests = edited(v6.files, file, '              - fd00:ec2::254/128\n', '');
    const proof = proveIsolation(manifests, v6.config);
    expect(proof.diagnostics.some((d) => d.ruleId === 'isolation/undeclared-flow' && d.message.includes('address in denied range fd00:ec2::254/128') && d.file?.path === file), show(proof.diagnostics)).toBe(true);
    const findings = runRules({ manifests, rules: registry, config: v6.config });
    expect(findings.find((d) => d.ruleId === 'network/external-egress')?.message, show(findings)).toBe('ipBlock ::/0 reaches fd00:ec2::254/128 (fd00:ec2::254-fd00:ec2::254 not excepted)');
  });

  it('reports a declared IPv6 flow that the rendered policy blocks', () => {
    const file = externalFile(v6.files);
    const manifests = edited(v6.files, file, '        - ipBlock:\n            cidr: "::/0"\n            except:\n              - fd00:ec2::254/128\n              - fd00:10:244::/56\n', '');
    const proof = proveIsolation(manifests, v6.config);
    const blocked = proof.diagnostics.filter((d) => d.ruleId === 'isolation/declared-flow-blocked');
    expect(blocked.map((d) => d.message).sort(), show(proof.diagnostics)).toEqual([
      `declared flow blocked: external services (TCP 443): ${NS_A}/api → external 2001:db8::10 on TCP 443 is denied by the egress of the source (isolated by ${NS_A}/allow-egress-to-database, ${NS_A}/allow-egress-to-dns, ${NS_A}/allow-egress-to-external, ${NS_A}/default-deny-all; no rule allows TCP 443 to this peer)`,
      `declared flow blocked: external services (TCP 443): ${NS_A}/worker → external 2001:db8::10 on TCP 443 is denied by the egress of the source (isolated by ${NS_A}/allow-egress-to-database, ${NS_A}/allow-egress-to-dns, ${NS_A}/allow-egress-to-external, ${NS_A}/default-deny-all; no rule allows TCP 443 to this peer)`,
    ]);
  });

  it('reports IPv6 egress that tenants.yaml does not declare (external egress is IPv4 only by default)', () => {
    const file = externalFile(v4.files);
    const manifests = edited(v4.files, file, '              - 10.96.0.0/12\n', '              - 10.96.0.0/12\n        - ipBlock:\n            cidr: "::/0"\n');
    const proof = proveIsolation(manifests, v4.config);
    const undeclared = proof.diagnostics.filter((d) => d.ruleId === 'isolation/undeclared-flow' && d.message.includes('external address outside the declared external ranges'));
    expect(undeclared.map((d) => d.message.split(' on ')[0]), show(proof.diagnostics)).toEqual([
      `undeclared flow allowed: external address outside the declared external ranges: ${NS_A}/api → external (outside platform.egress.externalCidrs) 2001:db8::10`,
      `undeclared flow allowed: external address outside the declared external ranges: ${NS_A}/worker → external (outside platform.egress.externalCidrs) 2001:db8::10`,
    ]);
    const scope = runRules({ manifests, rules: registry, config: v4.config }).filter((d) => d.ruleId === 'isolation/network-allow-scope');
    expect(scope.map((d) => d.message)).toEqual(['peer admits ipBlock ::/0 beyond platform.egress.externalCidrs (0.0.0.0/0), which tenants.yaml does not declare']);
  });

  it('the plan labels a change per IP family', async () => {
    const head = await render(dualStack().replace('externalPorts: [443]', 'externalPorts: [443, 80]'));
    const tenants = new Map(head.config.tenants.map((t) => [t.namespace, t.id]));
    const groups = groupFlows(connectivityDelta(v6.manifests, head.manifests, tenants), tenantWorkloads(head.manifests, tenants));
    expect(groups.map((g) => `${g.who} ${g.direction} ${g.peer}: ${g.before} -> ${g.after}`)).toEqual([
      'every tenant to 0.0.0.0/0 except 10.96.0.0/12, 10.244.0.0/16, 169.254.0.0/16; ::/0 except fd00:10:244::/56, fd00:ec2::254/128: TCP 443 -> TCP 80,443',
    ]);
    const opened = groupFlows(connectivityDelta(v4.manifests, v6.manifests, tenants), tenantWorkloads(v6.manifests, tenants));
    expect(opened.map((g) => `${g.who} ${g.direction} ${g.peer}: ${g.before} -> ${g.after}`)).toEqual(['every tenant to ::/0 except fd00:10:244::/56, fd00:ec2::254/128: denied -> TCP 443']);
  });
});
