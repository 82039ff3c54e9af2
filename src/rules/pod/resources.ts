import { parseQuantity } from '../../manifest/quantity.js';
import type { Rule } from '../types.js';
import { podTemplateKinds, podTemplateWithContainers } from '../util.js';

type Messages = 'missing' | 'invalid' | 'limitBelowRequest';

const resources = ['cpu', 'memory'] as const;
const fields = ['requests', 'limits'] as const;

/**
 * Declared on the container itself, not left to a LimitRange default: the
 * numbers a reviewer sees are the numbers the scheduler and quota use, and
 * a pod without a memory limit can take a node's memory from other tenants.
 */
export const podResources: Rule<Messages> = {
  meta: {
    local: true,
    id: 'pod/resources',
    appliesTo: podTemplateKinds,
    messages: {
      missing: 'container "{container}" sets no {resource} {field}',
      invalid: 'container "{container}" {resource} {field} "{value}" is not a valid quantity',
      limitBelowRequest: 'container "{container}" {resource} limit {limit} is below its request {request}',
    },
  },
  checkManifest(m, ctx) {
    const template = podTemplateWithContainers(m);
    if (!template) return;
    for (const ref of template.containers) {
      if (ref.kind === 'ephemeralContainers') continue;
      const container = ref.container.name ?? String(ref.index);
      for (const resource of resources) {
        const values: Partial<Record<(typeof fields)[number], bigint>> = {};
        for (const field of fields) {
          const raw = ref.container.resources?.[field]?.[resource];
          const pointer = `${ref.pointer}/resources/${field}/${resource}`;
          if (raw === undefined) {
            ctx.report({ manifest: m, messageId: 'missing', pointer, data: { container, resource, field: field === 'requests' ? 'request' : 'limit' } });
            continue;
          }
          const value = parseQuantity(raw);
          if (value === undefined) ctx.report({ manifest: m, messageId: 'invalid', pointer, actual: raw, data: { container, resource, field, value: String(raw) } });
          else values[field] = value;
        }
        if (values.limits !== undefined && values.requests !== undefined && values.limits < values.requests) {
          const [limit, request] = [ref.container.resources?.limits?.[resource], ref.container.resources?.requests?.[resource]];
          ctx.report({
            manifest: m,
            messageId: 'limitBelowRequest',
            pointer: `${ref.pointer}/resources/limits/${resource}`,
            actual: limit,
            expected: `≥ ${String(request)}`,
            data: { container, resource, limit: String(limit), request: String(request) },
          });
        }
      }
    }
  },
};
