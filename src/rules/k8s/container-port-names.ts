import type { Rule } from '../types.js';
import { podTemplateKinds, podTemplateWithContainers } from '../util.js';
import { portName } from '../../manifest/names.js';

type Messages = 'syntax' | 'duplicate';

/**
 * Container port names are IANA service names and unique within the pod. The
 * API server rejects a bad name, and a repeat within one container; a repeat
 * across containers is accepted but contradicts the documented contract and
 * makes a named targetPort or probe port ambiguous, so it is flagged as well.
 */
export const containerPortNames: Rule<Messages> = {
  meta: {
    local: true,
    id: 'k8s/container-port-names',
    appliesTo: podTemplateKinds,
    messages: {
      syntax: 'container {container} port name "{port}" is invalid: {reason}',
      duplicate: 'container {container} port name "{port}" is already used by container {first} in this pod',
    },
  },
  checkManifest(m, ctx) {
    const t = podTemplateWithContainers(m);
    if (!t) return;
    const seen = new Map<string, string>();
    for (const c of t.containers) {
      (c.container.ports ?? []).forEach((p, i) => {
        const name = p.name;
        if (typeof name !== 'string' || name === '') return;
        const pointer = `${c.pointer}/ports/${i}/name`;
        const data = { container: c.container.name, port: name };
        const reason = portName(name);
        if (reason) {
          ctx.report({ manifest: m, messageId: 'syntax', pointer, actual: name, expected: 'IANA_SVC_NAME', data: { ...data, reason } });
          return;
        }
        const first = seen.get(name);
        if (first !== undefined) ctx.report({ manifest: m, messageId: 'duplicate', pointer, actual: name, data: { ...data, first } });
        else seen.set(name, c.container.name);
      });
    }
  },
};
