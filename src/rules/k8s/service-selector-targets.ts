import type { Service } from 'kubernetes-types/core/v1.js';
import type { Manifest, Rule } from '../types.js';
import { podTemplateWithContainers } from '../util.js';

type Messages = 'noPods' | 'noPortName';

interface PodShape {
  manifest: Manifest;
  labels: Record<string, string>;
  portNames: Set<string>;
}

// Indexed once per namespace, not once per Service (the engine hands out one array per namespace).
const cache = new WeakMap<readonly Manifest[], PodShape[]>();

/** Pod templates of the workloads among one namespace's objects. */
function podsOf(objects: readonly Manifest[]): PodShape[] {
  const hit = cache.get(objects);
  if (hit) return hit;
  const out: PodShape[] = [];
  cache.set(objects, out);
  for (const m of objects) {
    const t = podTemplateWithContainers(m);
    if (!t) continue;
    const portNames = new Set<string>();
    for (const c of t.containers) {
      // Endpoints resolve named ports on containers that serve: regular ones and sidecars.
      const serves = c.kind === 'containers' || (c.kind === 'initContainers' && c.container.restartPolicy === 'Always');
      if (!serves) continue;
      for (const p of c.container.ports ?? []) if (p.name) portNames.add(p.name);
    }
    out.push({ manifest: m, labels: (t.metadata.labels ?? {}) as Record<string, string>, portNames });
  }
  return out;
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/**
 * A Service whose selector matches no pod template in its namespace, or whose
 * named targetPort no selected container declares, is accepted by the API
 * server but has no endpoints: traffic to it goes nowhere.
 */
export const serviceSelectorTargets: Rule<Messages> = {
  meta: {
    id: 'k8s/service-selector-targets',
    appliesTo: ['Service'],
    // Reads only the Service's own namespace: replayed with its tenant's findings.
    local: true,
    messages: {
      noPods: 'Service {name} selects no pods: no workload in namespace {namespace} has pod labels {selector}',
      noPortName: 'Service {name} port {port} targets port name "{target}", which no selected container declares (selected: {workloads})',
    },
  },
  checkManifest(m, ctx) {
    const svc = m.object as unknown as Service;
    const selector = svc.spec?.selector;
    if (svc.spec?.type === 'ExternalName' || !selector || Object.keys(selector).length === 0) return;
    const ns = m.object.metadata?.namespace ?? '';
    const name = m.object.metadata?.name ?? '';
    const selected = podsOf(ctx.inNamespace(m.object.metadata?.namespace)).filter((p) => selects(selector, p.labels));
    if (selected.length === 0) {
      const text = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');
      ctx.report({ manifest: m, messageId: 'noPods', pointer: '/spec/selector', actual: selector, data: { name, namespace: ns, selector: text } });
      return;
    }
    (svc.spec?.ports ?? []).forEach((p, i) => {
      const target = p.targetPort;
      if (typeof target !== 'string' || /^\d+$/.test(target)) return;
      if (selected.some((pod) => pod.portNames.has(target))) return;
      const workloads = selected.map((pod) => `${pod.manifest.object.kind}/${pod.manifest.object.metadata?.name ?? ''}`).join(', ');
      ctx.report({
        manifest: m,
        messageId: 'noPortName',
        pointer: `/spec/ports/${i}/targetPort`,
        actual: target,
        data: { name, port: p.name ?? String(p.port), target, workloads },
      });
    });
  },
};
