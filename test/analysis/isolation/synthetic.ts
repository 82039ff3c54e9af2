import type { Manifest } from '../../../src/manifest/types.js';
import type { TenantsConfig } from '../../../src/tenants/types.js';
import { fixture, manifestsOf } from '../../rules/harness.js';

const TEMPLATE = 'test-tenant-a';

/** `n` tenants cloned from the bundled tenant A (its namespace, policies, RBAC and workloads), plus the shared objects. */
export async function syntheticTree(n: number): Promise<{ manifests: Manifest[]; config: TenantsConfig }> {
  const f = await fixture();
  const all = manifestsOf(f);
  const ofA = all.filter((m) => JSON.stringify(m.object).includes(TEMPLATE));
  const shared = all.filter((m) => !JSON.stringify(m.object).includes('test-tenant-'));
  const base = f.config.tenants.find((t) => t.id === TEMPLATE)!;
  const manifests: Manifest[] = [...shared];
  const tenants: TenantsConfig['tenants'] = [];
  for (let i = 0; i < n; i++) {
    const id = `t${String(i).padStart(5, '0')}`;
    for (const m of ofA) {
      const object = JSON.parse(JSON.stringify(m.object).replaceAll(TEMPLATE, id)) as Manifest['object'];
      manifests.push({ ...m, object, file: m.file.replaceAll(TEMPLATE, id), locate: m.locate });
    }
    tenants.push({ ...base, id, namespace: `${f.config.platform.namespacePrefix}${id}`, name: id });
  }
  return { manifests, config: { ...f.config, tenants } };
}

/** The path of a rendered file by its name under a namespace folder, wherever the layout puts it. */
export async function renderedFile(folder: string, name: string): Promise<string> {
  const f = await fixture();
  const hit = [...f.texts.keys()].find((k) => k.startsWith(`${folder}/`) && k.endsWith(`/${name}`));
  if (!hit) throw new Error(`no rendered file ${name} under ${folder}`);
  return hit;
}
