import { describe, expect, it } from 'vitest';
import type { NetworkPolicy } from 'kubernetes-types/networking/v1.js';
import {
  allowed,
  buildPolicy,
  connection,
  isolatingPolicies,
  toPortJson,
  parseIp,
  type Endpoint,
  type EvalOptions,
  type PolicyModel,
  type Protocol,
  type Remote,
} from '../../../src/analysis/netpol/index.js';

// Quotes are from https://kubernetes.io/docs/concepts/services-networking/network-policies/
// (NP) and https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/ (LABELS).

const ep = (namespace: string, labels: Record<string, string>, extra: Partial<Endpoint> = {}): Endpoint => ({
  namespace,
  namespaceLabels: { 'kubernetes.io/metadata.name': namespace, ...(namespace === 'prod' ? { env: 'prod' } : { env: 'dev' }) },
  labels,
  ports: [],
  ...extra,
});
const pod = (e: Endpoint): Remote => ({ kind: 'pod', endpoint: e });
const ip = (s: string): Remote => {
  const v = parseIp(s)!;
  return { kind: 'ip', family: v.family, value: v.value };
};
const np = (namespace: string, name: string, spec: NetworkPolicy['spec']): PolicyModel =>
  buildPolicy({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace, name }, spec });

const web = ep('prod', { app: 'web' }, { ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }] });
const api = ep('prod', { app: 'api', tier: 'back' }, { ports: [{ name: 'http', port: 9000, protocol: 'TCP' }] });
const devApi = ep('dev', { app: 'api' });
const nolabel = ep('prod', {});

interface Row {
  doc: string;
  policies: PolicyModel[];
  src: Remote;
  dst: Remote;
  port: number;
  protocol?: Protocol;
  allowed: boolean;
  opts?: EvalOptions;
}

const denyIngressWeb = np('prod', 'deny-web', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] });
const from = (peers: object[], ports?: object[]) =>
  np('prod', 'allow', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: peers, ...(ports ? { ports } : {}) }] });
const to = (peers: object[]) => np('prod', 'egress', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Egress'], egress: [{ to: peers, ports: [{ port: 443 }] }] });
const ports = (ps: object[]) => np('prod', 'ports', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: ps }] });

const rows: Row[] = [
  // Selection and isolation
  { doc: 'NP: "By default, a pod is non-isolated for ingress; all inbound connections are allowed."', policies: [], src: pod(api), dst: pod(web), port: 1, allowed: true },
  { doc: 'NP: "A pod is isolated for ingress if there is any NetworkPolicy that both selects the pod and has Ingress in its policyTypes"', policies: [denyIngressWeb], src: pod(api), dst: pod(web), port: 8080, allowed: false },
  { doc: 'NP: "spec.podSelector ... selects the grouping of pods to which the policy applies" (only its own namespace)', policies: [np('dev', 'deny-all', { podSelector: {} })], src: pod(api), dst: pod(web), port: 8080, allowed: true },
  { doc: 'NP: "An empty podSelector selects all pods in the namespace."', policies: [np('prod', 'deny-all', { podSelector: {} })], src: pod(api), dst: pod(nolabel), port: 80, allowed: false },
  { doc: 'NP: "If no policyTypes are specified ... Ingress will always be set"', policies: [np('prod', 'p', { podSelector: { matchLabels: { app: 'web' } } })], src: pod(api), dst: pod(web), port: 8080, allowed: false },
  { doc: 'NP: "... and Egress will be set if the NetworkPolicy has any egress rules" (none here: egress stays open)', policies: [np('prod', 'p', { podSelector: { matchLabels: { app: 'api' } } })], src: pod(api), dst: pod(web), port: 8080, allowed: true },
  { doc: 'NP: "... Egress will be set if the NetworkPolicy has any egress rules" (egress isolated, rule opens 53 only)', policies: [np('prod', 'p', { podSelector: { matchLabels: { app: 'api' } }, egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] })], src: pod(api), dst: pod(web), port: 8080, allowed: false },
  { doc: 'NP: "By default, a pod is non-isolated for egress; all outbound connections are allowed."', policies: [], src: pod(web), dst: ip('8.8.8.8'), port: 443, allowed: true },
  { doc: 'NP: "both the egress policy on the source pod and the ingress policy on the destination pod need to allow the connection" (egress denies)', policies: [np('prod', 'deny-egress', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Egress'] })], src: pod(api), dst: pod(web), port: 8080, allowed: false },
  { doc: 'NP: "Network policies do not conflict; they are additive." (a second policy opens what the first does not)', policies: [denyIngressWeb, from([{ podSelector: { matchLabels: { app: 'api' } } }])], src: pod(api), dst: pod(web), port: 8080, allowed: true },
  { doc: 'NP: allow-all ingress example "ingress: - {}" (a rule without from matches all sources)', policies: [np('prod', 'allow-all', { podSelector: {}, ingress: [{}] })], src: ip('1.2.3.4'), dst: pod(web), port: 8080, allowed: true },
  // Peers
  { doc: 'NP: "podSelector: This selects particular Pods in the same namespace as the NetworkPolicy"', policies: [from([{ podSelector: { matchLabels: { app: 'api' } } }])], src: pod(devApi), dst: pod(web), port: 8080, allowed: false },
  { doc: 'NP: "namespaceSelector: This selects particular namespaces for which all Pods should be allowed"', policies: [from([{ namespaceSelector: { matchLabels: { env: 'dev' } } }])], src: pod(devApi), dst: pod(web), port: 8080, allowed: true },
  { doc: 'NP: "A single to/from entry that specifies both namespaceSelector and podSelector selects particular Pods within particular namespaces" (AND)', policies: [from([{ namespaceSelector: { matchLabels: { env: 'dev' } }, podSelector: { matchLabels: { app: 'other' } } }])], src: pod(devApi), dst: pod(web), port: 8080, allowed: false },
  { doc: 'NP: two elements in the from array "allows connections from Pods in the local Namespace with the label role=client, or from any Pod in any namespace with the label user=alice" (OR)', policies: [from([{ namespaceSelector: { matchLabels: { env: 'dev' } } }, { podSelector: { matchLabels: { app: 'other' } } }])], src: pod(devApi), dst: pod(web), port: 8080, allowed: true },
  { doc: 'NP: "The Kubernetes control plane sets an immutable label kubernetes.io/metadata.name on all namespaces"', policies: [from([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dev' } } }])], src: pod(devApi), dst: pod(web), port: 8080, allowed: true },
  { doc: 'NP: namespaceSelector {} selects all namespaces ("an empty selector ... matches all")', policies: [from([{ namespaceSelector: {} }])], src: pod(devApi), dst: pod(web), port: 8080, allowed: true },
  { doc: 'LABELS: "In" — the label value must be in the set', policies: [from([{ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['api', 'x'] }] } }])], src: pod(devApi), dst: pod(web), port: 8080, allowed: true },
  { doc: 'LABELS: "NotIn" — a pod without the key satisfies it', policies: [from([{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['back'] }] } }])], src: pod(nolabel), dst: pod(web), port: 8080, allowed: true },
  { doc: 'LABELS: "NotIn" — a pod whose value is in the set does not match', policies: [from([{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['back'] }] } }])], src: pod(api), dst: pod(web), port: 8080, allowed: false },
  { doc: 'LABELS: "Exists" — the key must be present', policies: [from([{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] } }])], src: pod(api), dst: pod(web), port: 8080, allowed: true },
  { doc: 'LABELS: "DoesNotExist" — the key must be absent', policies: [from([{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] } }])], src: pod(api), dst: pod(web), port: 8080, allowed: false },
  { doc: 'NP: "ipBlock: This selects particular IP CIDR ranges to allow as ingress sources"', policies: [from([{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }])], src: ip('10.2.3.4'), dst: pod(web), port: 8080, allowed: true },
  { doc: 'NP: ipBlock "except" carves addresses out of the cidr', policies: [from([{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }])], src: ip('10.1.3.4'), dst: pod(web), port: 8080, allowed: false },
  { doc: 'NP: ipBlock on IPv6 ranges', policies: [from([{ ipBlock: { cidr: 'fd00::/8' } }])], src: ip('fd00::1'), dst: pod(web), port: 8080, allowed: true },
  // IP families (API: https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#IPBlock;
  // DS: https://kubernetes.io/docs/concepts/services-networking/dual-stack/)
  { doc: 'API: "IPBlock describes a particular CIDR (Ex. "192.168.1.0/24","2001:db8::/64")" — ::/0 admits an IPv6 destination', policies: [to([{ ipBlock: { cidr: '::/0' } }])], src: pod(api), dst: ip('2001:db8::10'), port: 443, allowed: true },
  { doc: 'API: "IPBlock describes a particular CIDR" — 0.0.0.0/0 is every IPv4 address and no IPv6 one', policies: [to([{ ipBlock: { cidr: '0.0.0.0/0' } }])], src: pod(api), dst: ip('2001:db8::10'), port: 443, allowed: false },
  { doc: 'API: "IPBlock describes a particular CIDR" — ::/0 is every IPv6 address and no IPv4 one', policies: [to([{ ipBlock: { cidr: '::/0' } }])], src: pod(api), dst: ip('203.0.113.10'), port: 443, allowed: false },
  { doc: 'DS: "Pod off-cluster egress routing (eg. the Internet) via both IPv4 and IPv6 interfaces" — one ipBlock per family, ORed as peers', policies: [to([{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }])], src: pod(api), dst: ip('2001:db8::10'), port: 443, allowed: true },
  { doc: 'API: "The except entry describes CIDRs that should not be included within this rule." (IPv6 except under ::/0)', policies: [to([{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16'] } }, { ipBlock: { cidr: '::/0', except: ['fd00:ec2::254/128'] } }])], src: pod(api), dst: ip('fd00:ec2::254'), port: 443, allowed: false },
  { doc: 'API: "The except entry describes CIDRs that should not be included within this rule." (an IPv6 except leaves the rest of ::/0)', policies: [to([{ ipBlock: { cidr: '::/0', except: ['fd00:ec2::254/128'] } }])], src: pod(api), dst: ip('fd00:ec2::255'), port: 443, allowed: true },
  { doc: 'API: "Except values will be rejected if they are outside the cidr range" — such an object never reaches a cluster (network/ipblock reports it); the engine cuts nothing out of 0.0.0.0/0', policies: [to([{ ipBlock: { cidr: '0.0.0.0/0', except: ['::/0'] } }])], src: pod(api), dst: ip('203.0.113.10'), port: 443, allowed: true },
  { doc: 'NP: "These should be cluster-external IPs, since Pod IPs are ephemeral" (default: ipBlock never matches pods)', policies: [from([{ ipBlock: { cidr: '10.0.0.0/8' } }])], src: pod(ep('prod', { app: 'api' }, { ips: ['10.0.0.5'] })), dst: pod(web), port: 8080, allowed: false },
  { doc: 'NP: "cluster ingress and egress mechanisms often require rewriting the source or destination IP" — implementation-defined, option ipBlockMatchesPods', policies: [from([{ ipBlock: { cidr: '10.0.0.0/8' } }])], src: pod(ep('prod', { app: 'api' }, { ips: ['10.0.0.5'] })), dst: pod(web), port: 8080, allowed: true, opts: { ipBlockMatchesPods: true } },
  { doc: 'NP: a podSelector peer never matches an external address', policies: [from([{ namespaceSelector: {} }])], src: ip('1.1.1.1'), dst: pod(web), port: 8080, allowed: false },
  // Ports
  { doc: 'NP: "ports ... Each item ... allows traffic on the given port" (numeric, TCP default)', policies: [ports([{ port: 8080 }])], src: pod(api), dst: pod(web), port: 8080, allowed: true },
  { doc: 'NP: protocol defaults to TCP, so UDP on the same port stays closed', policies: [ports([{ port: 8080 }])], src: pod(api), dst: pod(web), port: 8080, protocol: 'UDP', allowed: false },
  { doc: 'NP: "the policy allows connections on the named port" resolved on the destination container ports', policies: [ports([{ port: 'http', protocol: 'TCP' }])], src: pod(api), dst: pod(web), port: 8080, allowed: true },
  { doc: 'NP: a named port resolves per destination pod (api names http 9000, so 8080 stays closed)', policies: [np('prod', 'p', { podSelector: {}, ingress: [{ ports: [{ port: 'http' }] }] })], src: pod(web), dst: pod(api), port: 8080, allowed: false },
  { doc: 'NP: a named port needs the name AND protocol to match a container port', policies: [ports([{ port: 'dns', protocol: 'TCP' }])], src: pod(api), dst: pod(web), port: 53, allowed: false },
  { doc: 'NP: named port with matching protocol', policies: [ports([{ port: 'dns', protocol: 'UDP' }])], src: pod(api), dst: pod(web), port: 53, protocol: 'UDP', allowed: true },
  { doc: 'NP: "allows ... on any port between 32000 and 32768" (endPort is inclusive)', policies: [ports([{ port: 32000, endPort: 32768 }])], src: pod(api), dst: pod(web), port: 32768, allowed: true },
  { doc: 'NP: endPort range excludes ports above it', policies: [ports([{ port: 32000, endPort: 32768 }])], src: pod(api), dst: pod(web), port: 32769, allowed: false },
  { doc: 'NP: SCTP is a supported protocol', policies: [ports([{ port: 9, protocol: 'SCTP' }])], src: pod(api), dst: pod(web), port: 9, protocol: 'SCTP', allowed: true },
  { doc: 'NP API: a port entry without a port number matches all ports of its protocol', policies: [ports([{ protocol: 'UDP' }])], src: pod(api), dst: pod(web), port: 4000, protocol: 'UDP', allowed: true },
  { doc: 'NP API: "If this field is empty or missing, this rule matches all ports"', policies: [from([{ podSelector: {} }])], src: pod(api), dst: pod(web), port: 4000, protocol: 'SCTP', allowed: true },
  { doc: 'NP: named port on egress resolves on the destination pod', policies: [np('prod', 'eg', { podSelector: { matchLabels: { app: 'api' } }, egress: [{ ports: [{ port: 'http' }] }] })], src: pod(api), dst: pod(web), port: 8080, allowed: true },
  { doc: 'NP: named port on egress to an external address has no container port to resolve against', policies: [np('prod', 'eg', { podSelector: { matchLabels: { app: 'api' } }, egress: [{ ports: [{ port: 'http' }] }] })], src: pod(api), dst: ip('8.8.8.8'), port: 8080, allowed: false },
];

describe('NetworkPolicy semantics', () => {
  it.each(rows)('$doc', (r) => {
    const a = allowed(r.policies, r.src, r.dst, r.port, r.protocol ?? 'TCP', r.opts);
    expect(a.allowed, a.reason).toBe(r.allowed);
  });

  it('names the policies that decided an allowed connection', () => {
    const p = from([{ podSelector: { matchLabels: { app: 'api' } } }]);
    const a = allowed([denyIngressWeb, p], pod(api), pod(web), 8080, 'TCP');
    expect(a).toMatchObject({ allowed: true, egressPolicies: [], ingressPolicies: ['prod/allow'] });
  });

  it('names every isolating policy when a connection is denied', () => {
    const a = allowed([denyIngressWeb], pod(api), pod(web), 8080, 'TCP');
    expect(a.ingressPolicies).toEqual(['prod/deny-web']);
    expect(a.reason).toMatch(/isolated by prod\/deny-web/);
  });

  it('intersects egress and ingress port sets', () => {
    const eg = np('prod', 'eg', { podSelector: { matchLabels: { app: 'api' } }, egress: [{ ports: [{ port: 8000, endPort: 8100 }] }] });
    const ig = ports([{ port: 8050, endPort: 9000 }, { port: 53, protocol: 'UDP' }]);
    expect(toPortJson(connection([eg, ig], pod(api), pod(web)).ports)).toEqual({ TCP: [[8050, 8100]] });
  });

  it('exposes which policies isolate an abstract endpoint', () => {
    expect(isolatingPolicies([denyIngressWeb], web, 'ingress').map((p) => p.name)).toEqual(['deny-web']);
    expect(isolatingPolicies([denyIngressWeb], web, 'egress')).toEqual([]);
  });
});
