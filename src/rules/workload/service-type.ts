import type { Service } from 'kubernetes-types/core/v1.js';
import type { Rule } from '../types.js';

type Messages = 'exposed' | 'externalIP' | 'externalName';

/**
 * Tenant traffic enters only through the platform ingress, where the network
 * policies and TLS live. A node port or load balancer opens a side door on
 * every node; externalIPs let a tenant claim addresses; an ExternalName alias
 * to another tenant's service reaches across the namespace boundary.
 */
export const serviceType: Rule<Messages> = {
  meta: {
    id: 'workload/service-type',
    appliesTo: ['Service'],
    // Reads its own Service, and other tenants through tenantRef only.
    local: true,
    messages: {
      exposed: 'Service type {type} exposes the tenant outside the platform ingress',
      externalIP: 'externalIPs {ip} routes cluster traffic for that address to this tenant',
      externalName: 'ExternalName {host} points at namespace {namespace} of tenant {other}',
    },
  },
  checkManifest(m, ctx) {
    const tenant = ctx.tenantOfNamespace(m.object.metadata?.namespace);
    if (!tenant) return;
    const spec = (m.object as unknown as Service).spec ?? {};
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
      ctx.report({ manifest: m, messageId: 'exposed', pointer: '/spec/type', data: { type: spec.type }, actual: spec.type, expected: 'ClusterIP' });
    }
    (spec.externalIPs ?? []).forEach((ip, i) => ctx.report({ manifest: m, messageId: 'externalIP', pointer: `/spec/externalIPs/${i}`, data: { ip } }));
    if (spec.type === 'ExternalName' && spec.externalName) {
      const host = spec.externalName;
      // A namespace is named when it is a whole name in the host, one of its runs of letters, digits and dashes: the first such run that is another tenant's namespace.
      const other = (host.match(/[a-z0-9-]+/gi) ?? []).map((name) => ctx.tenantRef('namespace', name)).find((t) => t !== undefined && t.id !== tenant.id);
      if (other) ctx.report({ manifest: m, messageId: 'externalName', pointer: '/spec/externalName', data: { host, namespace: other.namespace, other: other.id } });
    }
  },
};
