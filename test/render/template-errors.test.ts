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
