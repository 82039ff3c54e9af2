import { describe, expect, it } from 'vitest';
import { selectorMatchesTemplate } from '../../src/rules/k8s/selector-matches-template.js';
import { expectFinding, runRule, tenantA } from './harness.js';

const id = 'k8s/selector-matches-template';
const file = `${tenantA}/workloads/deployment-api.yaml`;
const matchLabels = '  selector:\n    matchLabels:\n      app.kubernetes.io/component: api\n';

describe('k8s/selector-matches-template', () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(selectorMatchesTemplate);
    expect(diagnostics).toEqual([]);
  });

  it('fails when matchLabels names a component the template does not carry', async () => {
    const { diagnostics, fixture } = await runRule(selectorMatchesTemplate, [{ file, from: matchLabels, to: matchLabels.replace(': api', ': api-v2') }]);
    const d = expectFinding(diagnostics, fixture, id, file, '  selector:');
    expect(d.message).toContain('`selector` does not match template `labels`');
    expect(d.message).toContain('app.kubernetes.io/component=api-v2, template has app.kubernetes.io/component=api');
  });

  it('fails when a NotIn expression excludes the template', async () => {
    const { diagnostics, fixture } = await runRule(selectorMatchesTemplate, [
      { file, from: matchLabels, to: `${matchLabels.replace('  selector:\n', '  selector:\n    matchExpressions:\n      - key: tenant\n        operator: NotIn\n        values: [test-tenant-a]\n')}` },
    ]);
    expect(expectFinding(diagnostics, fixture, id, file, '  selector:').message).toContain('tenant NotIn [test-tenant-a]');
  });

  it('passes when an Exists expression holds', async () => {
    const { diagnostics } = await runRule(selectorMatchesTemplate, [
      { file, from: matchLabels, to: matchLabels.replace('  selector:\n', '  selector:\n    matchExpressions:\n      - key: managed-by\n        operator: Exists\n') },
    ]);
    expect(diagnostics).toEqual([]);
  });

  it('fails on an Exists expression with values', async () => {
    const { diagnostics, fixture } = await runRule(selectorMatchesTemplate, [
      { file, from: matchLabels, to: matchLabels.replace('  selector:\n', '  selector:\n    matchExpressions:\n      - key: managed-by\n        operator: Exists\n        values: [x]\n') },
    ]);
    expect(expectFinding(diagnostics, fixture, id, file, '- key: managed-by').message).toContain('may not be specified');
  });

  it('fails on an empty selector', async () => {
    const file = `${tenantA}/workloads/deployment-worker.yaml`;
    const { diagnostics, fixture } = await runRule(selectorMatchesTemplate, [
      { file, from: '  selector:\n    matchLabels:\n      app.kubernetes.io/component: worker\n      app.kubernetes.io/name: ai-agents\n      tenant: test-tenant-a\n', to: '  selector: {}\n' },
    ]);
    expect(expectFinding(diagnostics, fixture, id, file, 'selector: {}').message).toContain('empty selector is invalid for Deployment');
  });

  it('checks a Job selector only when manualSelector is set', async () => {
    const job = (manual: boolean) =>
      `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  namespace: ai-agents-test-tenant-a\nspec:\n${manual ? '  manualSelector: true\n' : ''}  selector:\n    matchLabels:\n      job: other\n  template:\n    metadata:\n      labels:\n        job: migrate\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: migrate\n          image: busybox\n`;
    const jobFile = `${tenantA}/job-migrate.yaml`;
    expect((await runRule(selectorMatchesTemplate, [{ file: jobFile, text: job(false) }])).diagnostics).toEqual([]);
    const { diagnostics, fixture } = await runRule(selectorMatchesTemplate, [{ file: jobFile, text: job(true) }]);
    expectFinding(diagnostics, fixture, id, jobFile, '  selector:');
  });
});
