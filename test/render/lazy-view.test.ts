import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderInMemory } from '../../src/pipeline.js';
import { deepFreeze, lazyList } from '../../src/render/context.js';
import { viewOf } from '../../src/render/tenant.js';
import { cleanupTempRepos, tempRepo } from '../helpers.js';

afterAll(cleanupTempRepos);

describe('the tenant list templates see, made on first use', () => {
  it('is made at the first operation of any kind and then behaves as the frozen array', () => {
    const ops: [string, (l: readonly number[]) => unknown][] = [
      ['length', (l) => l.length],
      ['index', (l) => l[1]],
      ['iteration', (l) => [...l]],
      ['isFrozen', (l) => Object.isFrozen(l)],
      ['keys', (l) => Object.keys(l)],
      ['in', (l) => 0 in l],
      ['JSON', (l) => JSON.stringify(l)],
    ];
    for (const [name, op] of ops) {
      let made = 0;
      const list = lazyList(() => {
        made++;
        return [1, 2, 3];
      });
      expect(made, name).toBe(0);
      expect(op(list), name).toEqual(op(Object.freeze([1, 2, 3])));
      op(list);
      expect(made, name).toBe(1);
    }
    const list = lazyList(() => [1, 2, 3]);
    expect(Array.isArray(list)).toBe(true);
    expect(() => (list as number[]).push(4)).toThrow(TypeError);
    expect(() => {
      (list as number[])[0] = 9;
    }).toThrow(TypeError);
    expect(list).toEqual([1, 2, 3]);
  });

  it('is not made by deepFreeze, and is frozen once made', () => {
    let made = 0;
    const ctx = deepFreeze({ tenants: lazyList(() => (made++, [{ id: 'a' }])), platform: { labels: {} } });
    expect(made).toBe(0);
    expect(Object.isFrozen(ctx.platform)).toBe(true);
    expect(Object.isFrozen(ctx.tenants)).toBe(true);
    expect(made).toBe(1);
    // The items are the maker's: freezing them is the maker's job (viewOf freezes each tenant).
    expect(Object.isFrozen(ctx.tenants[0])).toBe(false);
  });

  it('parses a tenant only when its templates run or the list is read', () => {
    const shared = JSON.stringify({ platform: { labels: {} } });
    // The second text is not JSON: parsing it would throw.
    const view = viewOf({ file: 'tenants.yaml', locate: () => ({ line: 1, column: 1 }) }, shared, ['{"id":"a"}', 'not json', '{"id":"c"}']);
    expect(view.tenantAt(0).id).toBe('a');
    expect(view.tenantAt(2).id).toBe('c');
    expect(Object.isFrozen(view.tenantAt(0))).toBe(true);
    expect(() => view.config.tenants.length).toThrow(SyntaxError);
    const good = viewOf({ file: 'tenants.yaml', locate: () => ({ line: 1, column: 1 }) }, shared, ['{"id":"a"}', '{"id":"b"}']);
    const first = good.tenantAt(1);
    // One object per tenant, whichever way it is reached.
    expect(good.config.tenants[1]).toBe(first);
    expect(good.config.tenants.map((t) => t.id)).toEqual(['a', 'b']);
  });

  it('gives templates that read the list every tenant, and refuses changes to it', async () => {
    const root = await tempRepo();
    await writeFile(path.join(root, 'templates/cluster/configmap-ids.yaml.ejs'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ids\n  namespace: default\ndata:\n  ids: <%- v(tenants.map((t) => t.id).join(",")) %>\n');
    const r = await renderInMemory({ root });
    expect(r.diagnostics).toEqual([]);
    const ids = r.config!.tenants.map((t) => t.id).sort();
    expect(ids.length).toBeGreaterThan(1);
    expect(r.render!.files.get('rendered/default/configmap-ids.yaml')).toContain(`ids: ${ids.join(',')}`);
    await writeFile(path.join(root, 'templates/tenant/zz-mutates.yaml.ejs'), '<% tenants.push(tenant) %>apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m\n  namespace: <%- v(tenant.namespace) %>\n');
    const mutated = await renderInMemory({ root });
    expect(mutated.diagnostics.map((d) => d.ruleId)).toContain('render/template');
    expect(mutated.diagnostics[0]!.file?.path).toBe('templates/tenant/zz-mutates.yaml.ejs');
  });
});
