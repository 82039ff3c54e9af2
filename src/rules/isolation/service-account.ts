import type { ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { Rule } from '../types.js';
import { podTemplateKinds, podTemplateOf } from '../util.js';
import { TENANT_SERVICE_ACCOUNT_PREFIX, tenantServiceAccount } from '../../platform/index.js';

type Messages = 'missing' | 'default' | 'otherTenant' | 'foreign' | 'automount' | 'automountInherited';

/**
 * Pods run as the tenant's own ServiceAccount. `default` is shared by anything
 * created in the namespace, and another tenant's account is a confused deputy;
 * both also decide which RoleBindings apply to the pod.
 */
export const serviceAccount: Rule<Messages> = {
  meta: {
    id: 'isolation/service-account',
    appliesTo: podTemplateKinds,
    unwaivable: true,
    // Reads its own namespace, and other tenants through tenantRef only.
    local: true,
    messages: {
      missing: 'pod template sets no serviceAccountName, so its pods run as `default` instead of {expected}',
      default: 'pod template runs as `default` instead of {expected}',
      otherTenant: "pod template runs as {actual}, the ServiceAccount of tenant {other}, instead of {expected}",
      foreign: 'pod template runs as {actual} instead of {expected}',
      automount: 'pod template mounts an API token (automountServiceAccountToken: true) but tenant {tenant} does not declare needsApiAccess',
      automountInherited:
        'pod template leaves automountServiceAccountToken unset and ServiceAccount {actual} {why}, so an API token is mounted; tenant {tenant} does not declare needsApiAccess',
    },
  },
  checkManifest(m, ctx) {
    const ns = m.object.metadata?.namespace;
    const tenant = ctx.tenantOfNamespace(ns);
    const t = podTemplateOf(m.object);
    if (!tenant || !t) return;
    const expected = tenantServiceAccount(tenant.id);
    const field = t.spec.serviceAccountName !== undefined || t.spec.serviceAccount === undefined ? 'serviceAccountName' : 'serviceAccount';
    const actual = t.spec.serviceAccountName ?? t.spec.serviceAccount;
    const pointer = `${t.pointer}/spec/${field}`;
    if (actual !== expected) {
      // Every tenant's account is the prefix and its id: one lookup finds whose it is.
      const owner = actual?.startsWith(TENANT_SERVICE_ACCOUNT_PREFIX) ? ctx.tenantRef('id', actual.slice(TENANT_SERVICE_ACCOUNT_PREFIX.length)) : undefined;
      const other = owner && owner.id !== tenant.id ? owner : undefined;
      const messageId = actual === undefined || actual === '' ? 'missing' : actual === 'default' ? 'default' : other ? 'otherTenant' : 'foreign';
      ctx.report({ manifest: m, messageId, pointer, data: { expected, actual: actual ?? '', other: other?.id ?? '' }, actual, expected });
    }
    if (tenant.needsApiAccess) return;
    const podSetting = t.spec.automountServiceAccountToken;
    if (podSetting === true) {
      ctx.report({ manifest: m, messageId: 'automount', pointer: `${t.pointer}/spec/automountServiceAccountToken`, data: { tenant: tenant.id }, actual: true, expected: 'false' });
      return;
    }
    if (podSetting === false) return;
    const name = actual || 'default';
    const sa = ctx.lookup('ServiceAccount', ns, name);
    const saSetting = (sa?.object as ServiceAccount | undefined)?.automountServiceAccountToken;
    if (saSetting === false) return;
    const why = !sa ? 'is not in the tree' : saSetting === true ? 'sets it to true' : 'leaves it unset too';
    ctx.report({ manifest: m, messageId: 'automountInherited', pointer, data: { tenant: tenant.id, actual: name, why }, expected: 'automountServiceAccountToken: false' });
  },
};
