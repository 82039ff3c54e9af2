import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempRepos, cli, tempRepo, treeOf } from '../helpers.js';

afterAll(cleanupTempRepos);

interface Case {
  name: string;
  template: string;
  message: string;
  /** Where the error points: `file:line`. */
  at: string;
  tenant?: boolean;
}

const cases: Case[] = [
  {
    name: 'a template that throws',
    template: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: <%- v(tenant.namespace) %>\ndata:\n  A: <%- v(tenant.nosuch.field) %>\n',
    message: 'template threw for tenant test-tenant-a',
    at: 'templates/tenant/broken.yaml.ejs:7',
    tenant: true,
  },
  {
    name: 'a template that emits invalid YAML',
    template: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: <%- v(tenant.namespace) %>\ndata:\n  A: "unterminated\n',
    message: 'template produced invalid YAML for tenant test-tenant-a',
    at: 'templates/tenant/broken.yaml.ejs:',
    tenant: true,
  },
  {
    name: 'a template that emits a duplicate key',
    template: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  name: y\n  namespace: <%- v(tenant.namespace) %>\n',
    message: 'duplicate key',
    at: 'templates/tenant/broken.yaml.ejs:5',
    tenant: true,
  },
  {
    name: 'a template with two objects',
    template: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: <%- v(tenant.namespace) %>\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n  namespace: <%- v(tenant.namespace) %>\n',
    message: 'template produced 2 objects for tenant test-tenant-a',
    at: 'templates/tenant/broken.yaml.ejs:1',
    tenant: true,
  },
  {
    name: 'an HTML-escaping tag',
    template: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: <%= tenant.id %>\n',
    message: '`<%=` HTML-escapes values',
    at: 'templates/tenant/broken.yaml.ejs:4',
  },
  {
    name: 'an unclosed tag',
    template: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: <%- v(tenant.id)\n',
    message: 'template does not compile',
    at: 'templates/tenant/broken.yaml.ejs:1',
  },
  {
    name: 'an object rendered twice',
    template: 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: <%- v(`sa-${tenant.id}`) %>\n  namespace: <%- v(tenant.namespace) %>\n',
    message: 'is also rendered by templates/tenant/broken.yaml.ejs for tenant test-tenant-a',
    at: 'templates/tenant/serviceaccount.yaml.ejs:1',
    tenant: true,
  },
  {
    // Another API group makes another object, but the same kind and name make the same file.
    name: 'another object at the same path',
    template: 'apiVersion: example.com/v1\nkind: ServiceAccount\nmetadata:\n  name: <%- v(`sa-${tenant.id}`) %>\n  namespace: <%- v(tenant.namespace) %>\n',
    message: 'is also rendered by templates/tenant/broken.yaml.ejs for tenant test-tenant-a',
    at: 'templates/tenant/serviceaccount.yaml.ejs:1',
    tenant: true,
  },
];

describe('template errors', () => {
  it.each(cases)('$name: named with template, tenant and line; exit 2; nothing written', async (c) => {
    const root = await tempRepo({ rendered: true });
    const before = await treeOf(root);
    await writeFile(path.join(root, 'templates/tenant/broken.yaml.ejs'), c.template);
    const r = await cli(root, 'render');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(c.message);
    expect(r.stderr).toContain(c.at);
    if (c.tenant) expect(r.stderr).toContain('test-tenant-a');
    expect(r.stderr).toContain('nothing was written');
    expect(await treeOf(root)).toEqual(before);
  });
});

describe('a template that never finishes', () => {
  it.each([
    ['an endless loop', 'templates/tenant/configmap.yaml.ejs', '<% while (true) {} %>'],
    ['endless recursion through a tight loop', 'templates/cluster/clusterrole-platform-admin.yaml.ejs', '<% for (let i = 0; i >= 0; i = (i + 1) % 10) {} %>'],
  ])('%s: a render/template failure naming the template, nothing written', async (_name, template, code) => {
    const { loadTemplates } = await import('../../src/render/templates.js');
    const { renderTree } = await import('../../src/render/render.js');
    const { loadTenantsFile } = await import('../../src/tenants/index.js');
    const root = await tempRepo({ rendered: true });
    const file = path.join(root, template);
    const { readFile } = await import('node:fs/promises');
    await writeFile(file, `${code}\n${await readFile(file, 'utf8')}`);
    const tpl = await loadTemplates(root);
    const loaded = await loadTenantsFile(path.join(root, 'tenants.yaml'), 'tenants.yaml');
    const started = Date.now();
    const r = renderTree(loaded.config!, tpl.templates, 'rendered', { timeLimitMs: 300 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(r.files.size).toBe(0);
    expect(r.diagnostics.map((d) => [d.ruleId, d.kind, d.file?.path])).toEqual([['render/template', 'failure', template]]);
    expect(r.diagnostics[0]!.message).toMatch(/^template did not finish within 0\.3 s/);
  });

  it('the limit costs nothing a render notices: the bundled tree renders identically under it', async () => {
    const { loadTemplates } = await import('../../src/render/templates.js');
    const { renderTree } = await import('../../src/render/render.js');
    const { loadTenantsFile } = await import('../../src/tenants/index.js');
    const root = await tempRepo({ rendered: true });
    const tpl = await loadTemplates(root);
    const loaded = await loadTenantsFile(path.join(root, 'tenants.yaml'), 'tenants.yaml');
    const r = renderTree(loaded.config!, tpl.templates);
    expect(r.diagnostics).toEqual([]);
    expect(r.files).toEqual(new Map([...(await treeOf(root))].filter(([p]) => p.startsWith('rendered/'))));
  });
});
