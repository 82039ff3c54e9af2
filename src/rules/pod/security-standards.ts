import { evaluatePod, parsePodSecurityLabels, type LevelVersion } from '../../analysis/podsecurity/index.js';
import type { Rule } from '../types.js';
import { podTemplateOf } from '../util.js';

type Messages = 'violation';

const enforceLabel = 'pod-security.kubernetes.io/enforce';

/**
 * Checked statically, at the level and version the namespace pins for
 * `enforce`, so a template that admission would refuse fails in review rather
 * than as a ReplicaSet that silently creates no pods after the sync.
 */
export const podSecurityStandards: Rule<Messages> = {
  meta: {
    local: true,
    id: 'pod/security-standards',
    messages: {
      violation: 'violates Pod Security "{level}" ({version}): {check}: {reason}{detail}',
    },
  },
  checkTenant(tenant, manifests, ctx) {
    const ns = ctx.lookup('Namespace', undefined, tenant.namespace);
    const labels = ns?.object.metadata.labels;
    // A namespace that pins nothing is namespace/labels' finding; the platform level still applies here.
    const policy: LevelVersion =
      labels && enforceLabel in labels
        ? parsePodSecurityLabels(labels).enforce
        : { level: ctx.platform?.podSecurity.level ?? 'restricted', version: ctx.platform?.podSecurity.version ?? 'latest' };
    for (const m of manifests) {
      const template = podTemplateOf(m.object);
      if (!template) continue;
      for (const v of evaluatePod(template.metadata, template.spec, policy.level, policy.version)) {
        ctx.report({
          manifest: m,
          messageId: 'violation',
          pointer: template.pointer + (v.pointers[0] ?? '/spec'),
          data: { level: policy.level, version: policy.version, check: v.check, reason: v.reason, detail: v.detail ? ` (${v.detail})` : '' },
        });
      }
    }
  },
};
