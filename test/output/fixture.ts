import type { CheckResult } from '../../src/output/index.js';

const diff = [
  '--- rendered/acme/networkpolicy-acme-default-deny.yaml',
  '+++ rendered/acme/networkpolicy-acme-default-deny.yaml (from templates)',
  '@@ -5,4 +5,5 @@',
  ' spec:',
  '   podSelector: {}',
  '-  policyTypes: [Ingress]',
  '+  policyTypes: [Ingress, Egress]',
  '+  egress: []',
  '',
].join('\n');

/** A realistic mix: drift with a diff, a schema error, a waived finding, a tool failure, hostile text. */
export const fixture: CheckResult = {
  summary: { files: 12, objects: 40, tenants: 2 },
  rules: [
    {
      id: 'isolation/default-deny',
      description: 'Every tenant namespace has a default-deny NetworkPolicy',
      severity: 'error',
      remediation: 'Keep the default-deny template enabled for the tenant',
      helpUri: 'docs/rules/isolation/default-deny.md',
    },
    {
      id: 'pod/resources',
      description: 'Pods in a namespace with a cpu/memory quota declare requests',
      severity: 'warning',
      remediation: 'Set resources.requests or ship a LimitRange with defaults',
      helpUri: 'docs/rules/pod/resources.md',
    },
    {
      id: 'k8s/name-syntax',
      description: 'Object names are DNS-1123 labels',
      severity: 'error',
      remediation: 'Use lower-case letters, digits and dashes',
      helpUri: 'https://example.org/tenantctl/docs/rules/k8s/name-syntax.md',
    },
  ],
  diagnostics: [
    {
      ruleId: 'isolation/default-deny',
      severity: 'error',
      kind: 'finding',
      message: 'tenant "beta" & \'gamma\': <script>alert(1)</script>,\nallows ingress from 0.0.0.0/0 at 100%\u0007',
      tenant: 'beta',
      object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: 'beta', name: 'allow-all' },
      file: { path: 'rendered/beta/networkpolicy-beta-allow-all.yaml', line: 9, column: 7 },
      origin: { template: 'templates/netpol.yaml.ejs', tenant: 'beta' },
      hint: 'restrict "from" to, e.g., namespaceSelector: {kubernetes.io/metadata.name: beta}',
    },
    {
      ruleId: 'drift/changed',
      severity: 'error',
      kind: 'finding',
      message: 'rendered file differs from what the templates produce',
      tenant: 'acme',
      object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: 'acme', name: 'default-deny' },
      file: { path: 'rendered/acme/networkpolicy-acme-default-deny.yaml', line: 1, column: 1 },
      hint: 'run `tenantctl render` and commit the result',
      detail: diff,
    },
    {
      ruleId: 'schema/invalid',
      severity: 'error',
      kind: 'finding',
      message: 'must be integer',
      tenant: 'acme',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'acme', name: 'web' },
      file: { path: 'rendered/acme/deployment-acme-web.yaml', line: 14, column: 13 },
      field: { pointer: '/spec/replicas', actual: 'three', expected: 'integer' },
      origin: { template: 'templates/app.yaml.ejs', tenant: 'acme' },
    },
    {
      ruleId: 'pod/resources',
      severity: 'warning',
      kind: 'finding',
      message: 'container "sidecar" declares no cpu request',
      tenant: 'acme',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'acme', name: 'web' },
      file: { path: 'rendered/acme/deployment-acme-web.yaml', line: 31, column: 11 },
      waived: { reason: 'sidecar injected by the mesh; LimitRange covers it (TICKET-12)' },
    },
    {
      ruleId: 'render/template',
      severity: 'error',
      kind: 'failure',
      message: 'templates/app.yaml.ejs threw: ReferenceError: replicas is not defined',
      tenant: 'beta',
      origin: { template: 'templates/app.yaml.ejs', tenant: 'beta' },
    },
    {
      ruleId: 'quota/fit',
      severity: 'info',
      kind: 'finding',
      message: 'rolling update needs 3 cpu of a 4 cpu quota',
      tenant: 'acme',
    },
  ],
  sections: [
    {
      title: 'connectivity (from → to)',
      text: '       acme  beta\nacme   ✓     ✗\nbeta   ✗     ✓\n',
      json: { tenants: ['acme', 'beta'], allowed: { beta: { beta: true, acme: false }, acme: { beta: false, acme: true } } },
    },
  ],
};

export const emptyResult: CheckResult = {
  summary: { files: 12, objects: 40, tenants: 2 },
  rules: fixture.rules,
  diagnostics: [],
};

export const opts = { color: false, toolVersion: '0.1.0' };
