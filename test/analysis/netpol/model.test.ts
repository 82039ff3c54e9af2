import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../../src/manifest/parse.js';
import {
  atomize,
  buildModel,
  displayNames,
  formatIp,
  formatPorts,
  formatRange,
  parseCidr,
  parseIp,
  subtractRanges,
  unionPorts,
  intersectPorts,
  portsOf,
  toPortJson,
  PROTOCOLS,
  type PortSet,
} from '../../../src/analysis/netpol/index.js';

const yaml = `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: a}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}, {containerPort: 53, protocol: UDP}]}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup, namespace: ops}
spec: {jobTemplate: {spec: {template: {metadata: {labels: {app: backup}}, spec: {containers: [{name: c}]}}}}}
---
apiVersion: v1
kind: Pod
metadata:
  name: web-abc
  namespace: shop
  labels: {app: web}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7d, controller: true, uid: x}]
spec: {containers: [{name: c}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: etcd-node1
  namespace: kube-system
  ownerReferences: [{apiVersion: v1, kind: Node, name: node1, uid: y}]
spec: {containers: [{name: c}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p}
spec: {podSelector: {}}
`;

describe('model building', () => {
  const model = buildModel(parseManifests(yaml, { file: 'x.yaml' }).manifests);

  it('models workloads by pod template labels and container ports; owned pods under their controller', () => {
    expect(model.workloads.map((w) => w.id)).toEqual([
      'kube-system/etcd-node1[Pod]',
      'ops/backup[CronJob]',
      'shop/web-7d[ReplicaSet]',
      'shop/web[Deployment]',
    ]);
    const web = model.workloads.find((w) => w.id === 'shop/web[Deployment]')!;
    expect(web.labels).toEqual({ app: 'web' });
    expect(web.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }]);
    expect(model.workloads.find((w) => w.name === 'backup')!.labels).toEqual({ app: 'backup' });
  });

  it('gives every namespace kubernetes.io/metadata.name, including referenced but absent ones', () => {
    expect(model.namespaces.get('shop')).toEqual({ team: 'a', 'kubernetes.io/metadata.name': 'shop' });
    expect(model.namespaces.get('ops')).toEqual({ 'kubernetes.io/metadata.name': 'ops' });
  });

  it('puts a policy without a namespace in default', () => {
    expect(model.policies.map((p) => `${p.namespace}/${p.name}`)).toEqual(['default/p']);
    expect(model.namespaces.has('default')).toBe(true);
  });

  it('shows ns/name unless two kinds share a name', () => {
    const names = displayNames(model.workloads);
    expect([...names.values()].sort()).toEqual(['kube-system/etcd-node1', 'ops/backup', 'shop/web', 'shop/web-7d']);
  });

  it('recovers List items that carry no kind of their own', () => {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items: [{ metadata: { name: 'a', namespace: 'n', labels: { x: '1' } }, spec: {} }] });
    const got = parseManifests(text, { file: 'l.json' }).manifests;
    expect(got.map((m) => `${m.object.apiVersion}/${m.object.kind}/${m.object.metadata.name}`)).toEqual(['v1/Pod/a']);
    expect(got[0]!.locate('/metadata/name').line).toBe(1);
  });
});

describe('CIDR and port arithmetic', () => {
  it('parses and formats IPv4 and IPv6', () => {
    expect(formatRange(parseCidr('10.1.2.3/8')!)).toBe('10.0.0.0-10.255.255.255');
    expect(formatRange(parseCidr('fd00::/120')!)).toBe('fd00::-fd00::ff');
    expect(formatIp(6, parseIp('2001:db8:0:0:1:0:0:1')!.value)).toBe('2001:db8::1:0:0:1');
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseIp('300.1.1.1')).toBeUndefined();
  });

  it('subtracts except ranges and cuts the space into atoms', () => {
    const r = subtractRanges([parseCidr('10.0.0.0/8')!], [parseCidr('10.10.0.0/16')!]);
    expect(r.map(formatRange)).toEqual(['10.0.0.0-10.9.255.255', '10.11.0.0-10.255.255.255']);
    expect(atomize([parseCidr('0.0.0.0/0')!], r).map(formatRange)).toEqual([
      '0.0.0.0-9.255.255.255',
      '10.0.0.0-10.9.255.255',
      '10.10.0.0-10.10.255.255',
      '10.11.0.0-10.255.255.255',
      '11.0.0.0-255.255.255.255',
    ]);
  });

  it('merges port intervals per protocol and recognises all ports', () => {
    const s = unionPorts(portsOf('TCP', 80), portsOf('TCP', 81, 90), portsOf('UDP', 53));
    expect(toPortJson(s)).toEqual({ TCP: [[80, 90]], UDP: [[53, 53]] });
    expect(formatPorts(s)).toBe('TCP 80-90,UDP 53');
    expect(toPortJson(unionPorts(portsOf('TCP', 1, 65535), portsOf('UDP', 1, 65535), portsOf('SCTP', 1, 65535)))).toBe('all');
  });

  it('unions and intersections are the port-by-port ones, merged and sorted, and leave their inputs as they were', () => {
    // Port sets as they come: sorted or not, overlapping, touching, one protocol or several, ports 1 to 20 so every port can be counted.
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const randomSet = (): PortSet => {
      const s: Record<string, [number, number][]> = { TCP: [], UDP: [], SCTP: [] };
      for (const p of PROTOCOLS) for (let k = random(4); k > 0; k--) {
        const lo = 1 + random(16);
        s[p]!.push([lo, lo + random(4)]);
      }
      return s as unknown as PortSet;
    };
    const covered = (sets: readonly PortSet[], p: (typeof PROTOCOLS)[number], every: boolean): number[] => {
      const out: number[] = [];
      for (let port = 1; port <= 30; port++) {
        const inSet = (s: PortSet) => s[p].some(([lo, hi]) => lo <= port && port <= hi);
        if (every ? sets.every(inSet) : sets.some(inSet)) out.push(port);
      }
      return out;
    };
    // Consecutive ports as intervals: the one form a union or intersection may take.
    const intervals = (ports: number[]): [number, number][] => {
      const out: [number, number][] = [];
      for (const port of ports) {
        const last = out[out.length - 1];
        if (last && last[1] === port - 1) last[1] = port;
        else out.push([port, port]);
      }
      return out;
    };
    // One set alone is merged too: sorted intervals that touch are one.
    expect(unionPorts({ TCP: [[1, 3], [4, 5]], UDP: [], SCTP: [] }).TCP).toEqual([[1, 5]]);
    for (let round = 0; round < 500; round++) {
      const sets = Array.from({ length: random(4) }, randomSet);
      const before = JSON.stringify(sets);
      const union = unionPorts(...sets);
      for (const p of PROTOCOLS) expect(union[p]).toEqual(intervals(covered(sets, p, false)));
      if (sets.length >= 2) {
        const both = intersectPorts(sets[0]!, sets[1]!);
        for (const p of PROTOCOLS) expect(both[p]).toEqual(intervals(covered(sets.slice(0, 2), p, true)));
      }
      expect(JSON.stringify(sets)).toBe(before);
    }
  });
});
