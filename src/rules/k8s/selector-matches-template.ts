import type { LabelSelector, LabelSelectorRequirement } from 'kubernetes-types/meta/v1.js';
import { selectorMatches } from '../../manifest/selectors.js';
import type { Rule } from '../types.js';
import { podTemplateOf, selectsAll } from '../util.js';

type Messages = 'missing' | 'empty' | 'mismatch' | 'operator';

const workloadKinds = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'] as const;

/** Why one term fails against the labels, in selector terms a reader can check against the template. */
function failingTerm(sel: LabelSelector, labels: Record<string, string>): string {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    if (labels[k] !== v) return `matchLabels ${k}=${v}, template has ${k in labels ? `${k}=${labels[k]}` : `no ${k} label`}`;
  }
  for (const e of sel.matchExpressions ?? []) {
    if (!selectorMatches({ matchExpressions: [e] }, labels)) return `matchExpressions ${e.key} ${e.operator} [${(e.values ?? []).join(', ')}]`;
  }
  return '';
}

/** What ValidateLabelSelector rejects about one expression, or undefined. */
function badOperator(e: LabelSelectorRequirement): string | undefined {
  const n = (e.values ?? []).length;
  if (e.operator === 'In' || e.operator === 'NotIn') return n === 0 ? 'must be specified when `operator` is \'In\' or \'NotIn\'' : undefined;
  if (e.operator === 'Exists' || e.operator === 'DoesNotExist') return n > 0 ? 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\'' : undefined;
  return `operator "${e.operator}" is not one of In, NotIn, Exists, DoesNotExist`;
}

/**
 * A workload's selector must select its own pod template: the API server
 * rejects the object otherwise, and apps/v1 also rejects an empty selector.
 * A Job's selector is generated unless manualSelector is set, so only then is it checked.
 */
export const selectorMatchesTemplate: Rule<Messages> = {
  meta: {
    local: true,
    id: 'k8s/selector-matches-template',
    appliesTo: workloadKinds,
    messages: {
      missing: '{kind} {name} has no spec.selector; the API server requires one',
      empty: '{kind} {name} has an empty spec.selector; empty selector is invalid for {kind}',
      mismatch: '{kind} {name}: `selector` does not match template `labels` ({term})',
      operator: '{kind} {name}: selector expression on "{key}": {reason}',
    },
  },
  checkManifest(m, ctx) {
    const { kind } = m.object;
    const spec = (m.object.spec ?? {}) as { selector?: LabelSelector; manualSelector?: boolean };
    if (kind === 'Job' && spec.manualSelector !== true) return;
    const name = m.object.metadata?.name ?? '';
    const sel = spec.selector;
    if (!sel) {
      ctx.report({ manifest: m, messageId: 'missing', pointer: '/spec', data: { kind, name } });
      return;
    }
    if (selectsAll(sel)) {
      ctx.report({ manifest: m, messageId: 'empty', pointer: '/spec/selector', data: { kind, name } });
      return;
    }
    const invalid = (sel.matchExpressions ?? []).map((e, i) => ({ e, i, reason: badOperator(e) })).filter((x) => x.reason);
    for (const { e, i, reason } of invalid) {
      ctx.report({ manifest: m, messageId: 'operator', pointer: `/spec/selector/matchExpressions/${i}`, data: { kind, name, key: e.key, reason: reason! } });
    }
    if (invalid.length > 0) return;
    const labels = (podTemplateOf(m.object)?.metadata.labels ?? {}) as Record<string, string>;
    if (selectorMatches(sel, labels)) return;
    ctx.report({
      manifest: m,
      messageId: 'mismatch',
      pointer: '/spec/selector',
      actual: labels,
      expected: 'template labels selected by spec.selector',
      data: { kind, name, term: failingTerm(sel, labels) },
    });
  },
};
