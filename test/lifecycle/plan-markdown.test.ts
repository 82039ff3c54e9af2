import { describe, expect, it } from 'vitest';
import { MARKDOWN_ROWS, MARKDOWN_TENANT_DETAILS, MARKDOWN_TENANT_OBJECTS, planMarkdown, type PlanView } from '../../src/lifecycle/plan-format.js';

/** A change that touches every tenant of a large repository: a NetworkPolicy template edit, a quota or RBAC change everywhere. */
function everyTenant(n: number): PlanView {
  const ids = Array.from({ length: n }, (_, i) => `tenant-${String(i).padStart(5, '0')}`);
  const ns = (id: string) => `ai-agents-${id}`;
  return {
    ref: 'main',
    blocked: new Set(),
    plan: {
      tenants: ids.map((id) => ({ id, change: 'changed' as const, namespace: ns(id), fields: [], objects: [{ change: 'changed' as const, path: `rendered/${ns(id)}/networkpolicy-allow-egress-to-dns.yaml`, ref: `NetworkPolicy ${ns(id)}/allow-egress-to-dns` }] })),
      platform: ids.map((id) => ({ change: 'added' as const, path: `rendered/_cluster/x-${id}.yaml`, ref: `ConfigMap default/x-${id}` })),
    },
    connectivity: ids.flatMap((id) => ['api', 'worker'].map((w) => ({ from: `${ns(id)}/${w}`, to: 'kube-system/pod{k8s-app=kube-dns}', before: 'TCP 53,UDP 53', after: 'TCP 53,9153,UDP 53', opens: 'TCP 9153', closes: '', tenant: id }))),
    flowGroups: ids.map((id) => ({ who: `tenant ${id}`, direction: 'to' as const, peer: 'kube-system/pod{k8s-app=kube-dns}', before: 'TCP 53,UDP 53', after: 'TCP 53,9153,UDP 53', opens: 'TCP 9153', closes: '', flows: 2 })),
    permissions: ids.map((id) => ({ subject: `ServiceAccount ${ns(id)}/sa-${id}`, namespace: ns(id), gained: ['get secrets'], lost: [] })),
    capacity: ids.map((id) => ({ tenant: id, resource: 'limits.cpu', hard: ['4', '2'] as [string, string], peak: ['3', '3'] as [string, string], headroom: ['1', '-1'] as [string, string], fits: [true, false] as [boolean, boolean], over: [false, true] as [boolean, boolean] })),
  };
}

describe('plan --format markdown on a change to every tenant', () => {
  // GitHub drops a step summary over 1 MiB ("$GITHUB_STEP_SUMMARY upload aborted, supports content up to a
  // size of 1024k"), and the CI workflow appends check's and plan's markdown to one.
  it('stays small whatever the number of tenants, and says what it leaves out and where to see it', () => {
    const small = planMarkdown(everyTenant(1000));
    const large = planMarkdown(everyTenant(10000));
    expect(Buffer.byteLength(large)).toBeLessThan(256 * 1024);
    // Bounded by the caps, not by the tenants: ten times the tenants, nearly the same size.
    expect(Buffer.byteLength(large)).toBeLessThan(Buffer.byteLength(small) * 1.1);
    const lines = large.split('\n');
    const tenantRows = lines.filter((l) => /^\| changed \| `tenant-\d+` \|/.test(l));
    expect(tenantRows).toHaveLength(MARKDOWN_ROWS);
    expect(lines.filter((l) => l.startsWith('| `ai-agents-tenant-'))).toHaveLength(MARKDOWN_ROWS);
    expect(lines.filter((l) => l.startsWith('<details><summary><code>tenant-'))).toHaveLength(MARKDOWN_TENANT_DETAILS);
    expect(large).toContain(`_… and ${20000 - MARKDOWN_ROWS} more: \`tenantctl plan --base main\` lists every one._`);
    expect(large).toContain(`_… and ${10000 - MARKDOWN_ROWS} more: \`tenantctl plan --base main\` lists every one._`);
    expect(large).toContain(`_The objects of ${10000 - MARKDOWN_TENANT_DETAILS} more tenant(s) are not listed here: \`tenantctl plan --base main\` lists every one._`);
    // Every <details> it opens, it closes.
    expect(lines.filter((l) => l.startsWith('<details>')).length).toBe(lines.filter((l) => l === '</details>').length);
  });

  it('lists the first objects of a tenant with many, and says how many more', () => {
    const view = everyTenant(1);
    const tenant = view.plan.tenants[0]!;
    const objects = Array.from({ length: MARKDOWN_TENANT_OBJECTS + 7 }, (_, i) => ({ change: 'added' as const, path: `rendered/ns/configmap-${i}.yaml`, ref: `ConfigMap ns/c${i}` }));
    const md = planMarkdown({ ...view, plan: { ...view.plan, tenants: [{ ...tenant, objects }] } });
    expect(md.split('\n').filter((l) => l.startsWith('- added `ConfigMap ns/c'))).toHaveLength(MARKDOWN_TENANT_OBJECTS);
    expect(md).toContain('- _… and 7 more: `tenantctl plan --base main` lists every one._');
  });

  it('lists everything when the lists are within the caps', () => {
    const md = planMarkdown(everyTenant(MARKDOWN_TENANT_DETAILS));
    expect(md).not.toContain('more: `tenantctl plan');
    expect(md).not.toContain('are not listed here');
    expect(md.split('\n').filter((l) => l.startsWith('<details><summary><code>tenant-'))).toHaveLength(MARKDOWN_TENANT_DETAILS);
  });

  it('names the command without a ref when the plan compared with the upstream merge base', () => {
    const md = planMarkdown({ ...everyTenant(MARKDOWN_ROWS + 1), ref: 'merge base 0123456789ab' });
    expect(md).toContain('_… and 1 more: `tenantctl plan` lists every one._');
  });
});
