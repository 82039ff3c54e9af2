import { afterAll, describe, expect, it } from 'vitest';
import type { KubeObject, Manifest } from '../../../src/manifest/types.js';
import { admit, policiesOf, requestFor, type User } from '../../../src/analysis/admission/index.js';
import { parseManifests } from '../../../src/manifest/parse.js';
import { runRules } from '../../../src/rules/engine.js';
import { rules } from '../../../src/rules/registry.js';
import { bundledTenants, cleanupTempRepos, renderedWith } from '../../helpers.js';

afterAll(cleanupTempRepos);

/**
 * The agreement corpus: admission requests judged by the rendered policies
 * and, for the object rules both sides decide, by check's rules on the same
 * object in the same tree. Both must agree wherever both decide; what only
 * one side can decide is named below and asserted on its own.
 */
const r = await renderedWith(await bundledTenants());
const manifests = r.render!.manifests;
const config = r.config!;
const set = policiesOf(manifests);
const namespaces = (name: string) => manifests.find((m) => m.object.kind === 'Namespace' && m.object.metadata?.name === name)?.object;
const NS_A = 'ai-agents-test-tenant-a';
const NS_B = 'ai-agents-test-tenant-b';

const controller: User = { username: config.admission!.controllers[0]!, groups: ['system:serviceaccounts', 'system:authenticated'] };
const tenantSa: User = { username: `system:serviceaccount:${NS_A}:sa-test-tenant-a`, groups: ['system:serviceaccounts', `system:serviceaccounts:${NS_A}`, 'system:authenticated'] };
const otherTenant: User = { username: `system:serviceaccount:${NS_B}:sa-test-tenant-b`, groups: ['system:serviceaccounts', `system:serviceaccounts:${NS_B}`, 'system:authenticated'] };
const admin: User = { username: 'alice@example.com', groups: [config.platform.admins.group, 'system:authenticated'] };
const outsider: User = { username: 'dev@other-team.example.com', groups: ['system:authenticated'] };
const people = { controller, tenantSa, otherTenant, admin, outsider };

/** The object rules the policies mirror, and the findings of them a CEL expression can decide. */
const SHARED: Record<string, (message: string) => boolean> = {
  'isolation/service-account': (m) => !/automount|API token/.test(m),
  'workload/service-type': (m) => !/^ExternalName/.test(m),
  'workload/image-repository': () => true,
  'workload/image-pinned': () => true,
};

function checkVerdict(o: KubeObject): Set<string> {
  const file = `rendered/${o.metadata?.namespace}/variant.yaml`;
  const parsed = parseManifests(JSON.stringify(o), { file });
  const tree: Manifest[] = [...manifests.filter((m) => !(m.object.kind === o.kind && m.object.metadata?.name === o.metadata?.name && m.object.metadata?.namespace === o.metadata?.namespace)), ...parsed.manifests];
  const ds = runRules({ manifests: tree, rules, config }).filter((d) => d.file?.path === file && !d.waived && SHARED[d.ruleId]?.(d.message));
  return new Set(ds.map((d) => d.ruleId));
}

function policyVerdict(o: KubeObject, user: User, op: 'CREATE' | 'UPDATE') {
  const d = admit(set, requestFor(op, user, o, op === 'UPDATE' ? o : null), namespaces);
  expect(d.failures.filter((f) => f.error), `evaluation error for ${o.kind}/${o.metadata?.name}`).toEqual([]);
  return { allowed: d.allowed, ids: new Set(d.failures.map((f) => f.message.split(' ')[0]!)) };
}

const clone = <T>(x: T): T => structuredClone(x);
const find = (kind: string, ns: string, name?: string) => manifests.find((m) => m.object.kind === kind && m.object.metadata?.namespace === ns && (!name || m.object.metadata?.name === name))!.object;
const api = find('Deployment', NS_A, 'api');
const service = find('Service', NS_A);
const repo = config.platform.image.repository;

type PodSpecLike = { serviceAccountName?: string; serviceAccount?: string; containers: { name: string; image?: string }[]; initContainers?: { name: string; image: string }[]; ephemeralContainers?: { name: string; image: string }[] };
const specOf = (o: KubeObject): PodSpecLike => {
  const x = o as unknown as { spec: { template?: { spec: PodSpecLike }; jobTemplate?: { spec: { template: { spec: PodSpecLike } } } } & PodSpecLike };
  return o.kind === 'Pod' ? x.spec : o.kind === 'CronJob' ? x.spec.jobTemplate!.spec.template.spec : x.spec.template!.spec;
};

/** The api's pod template in every shape that carries one. */
function shapes(): KubeObject[] {
  const template = clone((api as unknown as { spec: { template: { metadata: object; spec: object } } }).spec.template);
  const meta = (kind: string) => ({ name: `api-${kind.toLowerCase()}`, namespace: NS_A, labels: { app: 'ai-agents' } });
  return [
    clone(api),
    { apiVersion: 'v1', kind: 'Pod', metadata: meta('Pod'), spec: clone(template.spec) } as KubeObject,
    { apiVersion: 'batch/v1', kind: 'Job', metadata: meta('Job'), spec: { template: clone(template) } } as KubeObject,
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('CronJob'), spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: clone(template) } } } } as KubeObject,
    { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('StatefulSet'), spec: { serviceName: 'api', selector: clone((api as unknown as { spec: { selector: object } }).spec.selector), template: clone(template) } } as KubeObject,
  ];
}

/** Changes to a pod spec, good and bad, each named. */
const podVariants: Record<string, (s: PodSpecLike) => void> = {
  'as rendered': () => {},
  'runs as default': (s) => void (s.serviceAccountName = 'default'),
  'sets no ServiceAccount': (s) => void delete s.serviceAccountName,
  "runs as the other tenant's ServiceAccount": (s) => void (s.serviceAccountName = 'sa-test-tenant-b'),
  'runs as a foreign ServiceAccount': (s) => void (s.serviceAccountName = 'ci-runner'),
  'deprecated serviceAccount field, right account': (s) => {
    delete s.serviceAccountName;
    s.serviceAccount = 'sa-test-tenant-a';
  },
  'image from Docker Hub': (s) => void (s.containers[0]!.image = 'docker.io/library/nginx:1.27'),
  'image from a look-alike repository': (s) => void (s.containers[0]!.image = `${repo}-evil:1.0`),
  'image tag latest': (s) => void (s.containers[0]!.image = `${repo}:latest`),
  'image without a tag': (s) => void (s.containers[0]!.image = repo),
  'image pinned by digest': (s) => void (s.containers[0]!.image = `${repo}@sha256:${'a'.repeat(64)}`),
  'image pinned by an upper-case digest': (s) => void (s.containers[0]!.image = `${repo}@SHA256:${'A'.repeat(64)}`),
  'image with tag and digest': (s) => void (s.containers[0]!.image = `${repo}:1.0@sha256:${'b'.repeat(64)}`),
  'registry port, no tag': (s) => void (s.containers[0]!.image = 'registry.example.com:5000/ai-agents'),
  'init container from elsewhere': (s) => void (s.initContainers = [{ name: 'init', image: 'busybox:1.36' }]),
  'init container from the repository': (s) => void (s.initContainers = [{ name: 'init', image: `${repo}:1.0` }]),
  'ephemeral debug container': (s) => void (s.ephemeralContainers = [{ name: 'debug', image: 'busybox:latest' }]),
  'everything wrong at once': (s) => {
    s.serviceAccountName = 'default';
    s.containers[0]!.image = 'nginx';
  },
};

const serviceVariants: Record<string, (s: { type?: string; externalIPs?: string[]; externalName?: string; ports?: unknown }) => void> = {
  'as rendered': () => {},
  'type left to default': (s) => void delete s.type,
  NodePort: (s) => void (s.type = 'NodePort'),
  LoadBalancer: (s) => void (s.type = 'LoadBalancer'),
  'externalIPs': (s) => void (s.externalIPs = ['203.0.113.10']),
};

interface Case {
  name: string;
  object: KubeObject;
}

const objectCases: Case[] = [
  ...shapes().flatMap((shape) =>
    Object.entries(podVariants).map(([name, change]) => {
      const o = clone(shape);
      change(specOf(o));
      return { name: `${shape.kind} ${name}`, object: o };
    }),
  ),
  ...Object.entries(serviceVariants).map(([name, change]) => {
    const o = clone(service);
    change((o as unknown as { spec: Parameters<typeof change>[0] }).spec);
    return { name: `Service ${name}`, object: o };
  }),
];

describe('admission policies agree with check', () => {
  const judged: { name: string; user: string; op: string }[] = [];

  describe('object rules: both sides decide', () => {
    const rows = objectCases.flatMap((c) => (['tenantSa', 'admin', 'otherTenant'] as const).flatMap((u) => (['CREATE', 'UPDATE'] as const).map((op) => ({ ...c, u, op }))));
    it.each(rows)('$name, $op by $u', ({ name, object, u, op }) => {
      judged.push({ name, user: u, op });
      const expected = checkVerdict(object);
      const got = policyVerdict(object, people[u], op);
      expect([...got.ids].sort(), name).toEqual([...expected].sort());
      expect(got.allowed).toBe(expected.size === 0);
    });
  });

  it('the controller can apply every rendered object (create and update)', () => {
    for (const m of manifests) {
      for (const op of ['CREATE', 'UPDATE'] as const) {
        const d = admit(set, requestFor(op, controller, m.object, op === 'UPDATE' ? m.object : null), namespaces);
        expect(d.failures, `${m.file} ${op}`).toEqual([]);
        judged.push({ name: m.file, user: 'controller', op });
      }
    }
  });

  describe('identity rules: only the policies decide (check sees Git, not who applies)', () => {
    const guardrails = manifests.filter((m) => ['NetworkPolicy', 'ResourceQuota', 'LimitRange', 'Role', 'RoleBinding'].includes(m.object.kind) && m.object.metadata?.namespace?.startsWith('ai-agents-test-'));
    const rows = guardrails.flatMap((m) => (['admin', 'tenantSa', 'outsider', 'controller'] as const).flatMap((u) => (['UPDATE', 'DELETE'] as const).map((op) => ({ name: `${m.object.kind} ${m.object.metadata?.namespace}/${m.object.metadata?.name}`, object: m.object, u, op }))));
    it.each(rows)('$op $name by $u', ({ name, object, u, op }) => {
      judged.push({ name, user: u, op });
      const changed = op === 'DELETE' ? null : { ...object, metadata: { ...object.metadata, labels: { ...(object.metadata?.labels ?? {}), edited: 'by-hand' } } };
      const d = admit(set, requestFor(op, people[u], changed, object), namespaces);
      expect(d.allowed, `${op} by ${u}`).toBe(u === 'controller');
      if (u !== 'controller') expect(d.failures[0]!.message).toMatch(/^admission\/guardrails \(docs\/analysis\/admission\.md#admission-guardrails\): /);
    });

    it('a guardrail deleted with kubectl by a platform admin is refused, by name', () => {
      const deny = guardrails.find((m) => m.object.metadata?.name === 'default-deny-all')!.object;
      const d = admit(set, requestFor('DELETE', admin, null, deny), namespaces);
      expect(d.allowed).toBe(false);
      expect(d.failures.map((f) => f.policy)).toEqual(['ai-agents-tenant-guardrails']);
      expect(d.failures[0]!.message).toContain(`NetworkPolicy default-deny-all in ${NS_A} is a tenant guardrail; only the GitOps controller may DELETE it`);
    });

    it('the namespace controller may still empty a terminating tenant namespace (decommissioning ends there)', () => {
      const ns = namespaces(NS_A)!;
      const terminating = { ...ns, metadata: { ...ns.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } };
      const deny = guardrails.find((m) => m.object.metadata?.namespace === NS_A)!.object;
      const d = admit(set, requestFor('DELETE', { username: 'system:serviceaccount:kube-system:namespace-controller', groups: [] }, null, deny), (n) => (n === NS_A ? terminating : namespaces(n)));
      expect(d.allowed).toBe(true);
    });

    it('the tenant-namespace label cannot be set by anyone but the controller', () => {
      const key = config.platform.tenantNamespaceLabel.key;
      const ns = namespaces(NS_A)!;
      const fresh: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-x', labels: { [key]: 'true' } } };
      const unlabelled: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-x', labels: { team: 'x' } } };
      for (const [name, user] of Object.entries(people)) {
        const create = admit(set, requestFor('CREATE', user, fresh), namespaces);
        const label = admit(set, requestFor('UPDATE', user, fresh, unlabelled), namespaces);
        const remove = admit(set, requestFor('UPDATE', user, unlabelled, { ...ns, metadata: { ...ns.metadata, name: 'team-x' } }), namespaces);
        const retag = admit(set, requestFor('UPDATE', user, { ...ns, metadata: { ...ns.metadata, labels: { ...ns.metadata!.labels, tenant: 'test-tenant-b' } } }, ns), namespaces);
        const unrelated = admit(set, requestFor('UPDATE', user, { ...ns, metadata: { ...ns.metadata, labels: { ...ns.metadata!.labels, team: 'x' } } }, ns), namespaces);
        for (const [what, d] of Object.entries({ create, label, remove, retag })) {
          expect(d.allowed, `${what} by ${name}`).toBe(name === 'controller');
          judged.push({ name: `Namespace ${what}`, user: name, op: 'UPDATE' });
        }
        expect(unrelated.allowed, `an unrelated label by ${name}`).toBe(true);
      }
    });

    it('deleting the whole tenant namespace is allowed by design (decommissioning ends with it; data loss is guarded by Git review and Prune=false)', () => {
      const d = admit(set, requestFor('DELETE', admin, null, namespaces(NS_A)!), namespaces);
      expect(d.allowed).toBe(true);
    });
  });

  it('policies cannot lock the platform out: their own objects are exempt', () => {
    for (const m of manifests.filter((x) => x.object.apiVersion.startsWith('admissionregistration.k8s.io/'))) {
      for (const u of Object.values(people)) {
        expect(admit(set, requestFor('DELETE', u, null, m.object), namespaces).allowed).toBe(true);
        expect(admit(set, requestFor('UPDATE', u, m.object, m.object), namespaces).allowed).toBe(true);
      }
    }
  });

  it('only check decides: an automounted token, an ExternalName alias to another tenant, anything in Git', () => {
    const o = clone(api);
    (specOf(o) as PodSpecLike & { automountServiceAccountToken?: boolean }).automountServiceAccountToken = true;
    expect(checkVerdict(o).size).toBe(0);
    expect(runRules({ manifests: [...manifests.filter((m) => m.object !== api), ...parseManifests(JSON.stringify(o), { file: `rendered/${NS_A}/variant.yaml` }).manifests], rules, config }).some((d) => d.ruleId === 'isolation/service-account' && /API token/.test(d.message))).toBe(true);
    expect(policyVerdict(o, tenantSa, 'CREATE').allowed).toBe(true);
    const alias = clone(service);
    Object.assign((alias as unknown as { spec: object }).spec, { type: 'ExternalName', externalName: `api.${NS_B}.svc.cluster.local` });
    expect(policyVerdict(alias, tenantSa, 'CREATE').allowed).toBe(true);
  });

  it('judged at least 200 admission requests', () => {
    expect(judged.length).toBeGreaterThanOrEqual(200);
  });
});
