import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderInMemory } from '../../src/pipeline.js';
import { bundledTenants, cleanupTempRepos, tempRepo } from '../helpers.js';

afterAll(cleanupTempRepos);

// Values that would become structure, a bool, a number, null or HTML entities if
// a template pasted them unquoted or through EJS's escaping `<%= %>`.
const payloads = [
  'Acme "R&D"\nkind: ClusterRoleBinding',
  'NO',
  'yes',
  'on',
  '0755',
  '1e3',
  '~',
  'null',
  '{a: b}',
  '- item',
  '#not a comment',
  "it's <b>bold</b> & \\escaped\\",
  '$(rm -rf /)',
  '<%- process.exit(1) %>',
  'tab\there',
  'trailing space ',
  ' leading space',
  'emoji 🚀 and ünïcödé',
  'line1\r\nline2',
  'del\u007fc1\u0085end',
  '---\napiVersion: v1',
];

/** A tenants.yaml whose tenant carries `payload` in every free-text field. */
function tenantsWith(base: string, payload: string): string {
  // YAML escapes for the controls JSON leaves raw (DEL, C1): the value carries them, the file stays valid YAML.
  const q = JSON.stringify(payload).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `${base.trimEnd()}\n\n  - id: injected\n    name: ${q}\n    config:\n      FREE_TEXT: ${q}\n      ${JSON.stringify(`KEY_${payload.length}`)}: ${q}\n`;
}

async function renderedObjects(tenants: string) {
  const root = await tempRepo({ tenants });
  const r = await renderInMemory({ root });
  expect(r.diagnostics).toEqual([]);
  const files = r.render!.files;
  // Found by name so the test does not depend on the folder layout.
  const get = (suffix: string, within = '') => {
    const path = [...files.keys()].find((p) => p.endsWith(suffix) && p.includes(within));
    if (!path) throw new Error(`no rendered file ends with ${suffix}`);
    return files.get(path)!;
  };
  return {
    namespace: get('/namespace-ai-agents-injected.yaml'),
    configmap: get('/configmap-tenant-config.yaml', 'ai-agents-injected/'),
    all: files,
  };
}

describe('values reach YAML only as plain strings', async () => {
  const base = await bundledTenants();
  const benign = await renderedObjects(tenantsWith(base, 'benign'));
  const benignNs = parse(benign.namespace) as Record<string, unknown>;
  const benignCm = parse(benign.configmap) as { data: Record<string, string> };

  it.each(payloads.map((p) => [JSON.stringify(p), p]))('%s stays that exact string', async (_label, payload) => {
    const out = await renderedObjects(tenantsWith(base, payload));
    expect(out.all.size).toBe(benign.all.size);
    for (const version of ['1.1', '1.2'] as const) {
      const ns = parse(out.namespace, { version }) as { metadata: { annotations: Record<string, string> } };
      const cm = parse(out.configmap, { version }) as { data: Record<string, string> };
      // Same structure as the benign render: no new keys, no new documents.
      expect(Object.keys(ns).sort()).toEqual(Object.keys(benignNs).sort());
      expect(Object.keys(cm.data).length).toBe(Object.keys(benignCm.data).length);
      expect(ns.metadata.annotations['platform.ai-agents.io/display-name']).toBe(payload);
      expect(cm.data.TENANT_NAME).toBe(payload);
      expect(cm.data.FREE_TEXT).toBe(payload);
    }
    expect(out.configmap).not.toContain('&amp;');
    expect(out.configmap).not.toContain('&#34;');
  });
});
