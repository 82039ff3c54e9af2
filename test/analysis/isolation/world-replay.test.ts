import { describe, expect, it } from 'vitest';
import { buildWorld, surfaceOf, type NetworkReplay, type TenantNetwork, type World } from '../../../src/analysis/isolation/world.js';
import { WORKLOAD_KINDS } from '../../../src/analysis/netpol/index.js';
import { headOf, namespaceOfManifest, type Manifest } from '../../../src/manifest/types.js';
import type { TenantsConfig } from '../../../src/tenants/types.js';
import { fixture, manifestsOf } from '../../rules/harness.js';

/** A replay over a plain map, every tenant's namespace a unit (the bundled tree's tenants hold only their own objects). */
function mapReplay(config: TenantsConfig, store = new Map<string, TenantNetwork>()): NetworkReplay & { store: Map<string, TenantNetwork>; asked: string[]; kept: string[] } {
  const byNs = new Map(config.tenants.map((t) => [t.namespace, t.id]));
  const asked: string[] = [];
  const kept: string[] = [];
  return {
    store,
    asked,
    kept,
    unitOf: (m) => byNs.get(namespaceOfManifest(m) ?? ''),
    recorded(unit) {
      asked.push(unit);
      return store.get(unit);
    },
    record(unit, network) {
      kept.push(unit);
      store.set(unit, JSON.parse(JSON.stringify(network)) as TenantNetwork);
    },
  };
}

const readsModel = (kind: string) => kind === 'Service' || kind === 'NetworkPolicy' || WORKLOAD_KINDS.includes(kind);

/** What the proof reads of a world: every namespace's policies are asked for, so deferred ones are modelled here. */
function contents(world: World) {
  const { policiesByNs, keptSurfaces: _kept, ...rest } = world;
  return { ...rest, policies: [...world.namespaces.keys()].map((ns) => [ns, policiesByNs.get(ns) ?? []]), surfaces: world.tenants.map((t) => surfaceOf(world, t)) };
}

/** The same manifests, with the workloads, Services and NetworkPolicies of `units` refusing to be read. */
function unreadable(manifests: readonly Manifest[], unitOf: (m: Manifest) => string | undefined, units: ReadonlySet<string>): Manifest[] {
  return manifests.map((m) => {
    const unit = unitOf(m);
    if (unit === undefined || !units.has(unit) || !readsModel(headOf(m).kind)) return m;
    const head = headOf(m);
    return {
      file: m.file,
      docIndex: m.docIndex,
      head,
      ...(m.origin ? { origin: m.origin } : {}),
      get object(): never {
        throw new Error(`read ${head.kind} ${head.namespace}/${head.name}`);
      },
      locate: (p: string) => m.locate(p),
    };
  });
}

describe('the network world from kept tenant networks', () => {
  it('is the world the objects give, without reading a kept tenant\'s workloads, Services or NetworkPolicies', async () => {
    const f = await fixture();
    const manifests = manifestsOf(f);
    const plain = contents(buildWorld(manifests, f.config));
    const replay = mapReplay(f.config);
    expect(contents(buildWorld(manifests, f.config, undefined, replay))).toEqual(plain);
    const units = new Set(replay.store.keys());
    expect([...units].sort()).toEqual(f.config.tenants.map((t) => t.id).sort());
    for (const n of replay.store.values()) {
      expect(n.workloads.map((w) => w.name).sort()).toEqual(['api', 'worker']);
      expect(n.services.map((s) => s.name)).toEqual(['api']);
      expect(n.policies.policies.map(([name]) => name)).toContain('default-deny-all');
    }

    // The cross-tenant search and the matrix read the kept surfaces: no kept object is read.
    const again = mapReplay(f.config, replay.store);
    const world = buildWorld(unreadable(manifests, again.unitOf, units), f.config, undefined, again);
    expect(world.tenants.map((t) => surfaceOf(world, t))).toEqual(plain.surfaces);
    expect(world.tenants.map(({ tenant, workloads }) => [tenant.id, workloads])).toEqual(plain.tenants.map(({ tenant, workloads }) => [tenant.id, workloads]));
    // Each unit asked once, and nothing new to keep: every unit's network was replayed.
    expect(again.asked.sort()).toEqual([...units].sort());
    expect(again.kept).toEqual([]);
    // A kept tenant's policies are modelled from its objects when asked for.
    const first = f.config.tenants[0]!;
    expect(() => world.policiesByNs.get(first.namespace)).toThrow(/^read NetworkPolicy /);
    const readable = buildWorld(manifests, f.config, undefined, mapReplay(f.config, replay.store));
    expect(readable.keptSurfaces.size).toBe(units.size);
    expect(contents(readable)).toEqual(plain);
  });

  it('reads the objects of a tenant whose kept network names another namespace, and keeps what they give', async () => {
    const f = await fixture();
    const manifests = manifestsOf(f);
    const plain = buildWorld(manifests, f.config);
    const replay = mapReplay(f.config);
    buildWorld(manifests, f.config, undefined, replay);
    const [first, second] = f.config.tenants;
    const good = replay.store.get(first!.id)!;
    const moved = good.workloads.map((w) => ({ ...w, namespace: second!.namespace, id: w.id.replace(first!.namespace, second!.namespace) }));
    // The first tenant's record moved to the second tenant's namespace, whole or only its workloads: not the first tenant's objects.
    for (const wrong of [{ ...good, namespace: second!.namespace, workloads: moved }, { ...good, workloads: moved }]) {
      replay.store.set(first!.id, wrong);
      replay.kept.length = 0;
      const world = buildWorld(unreadable(manifests, replay.unitOf, new Set([second!.id])), f.config, undefined, replay);
      expect(world.tenants).toEqual(plain.tenants);
      expect(world.keptSurfaces.has(first!.namespace)).toBe(false);
      expect(world.tenants.map((t) => surfaceOf(world, t))).toEqual(plain.tenants.map((t) => surfaceOf(plain, t)));
      expect(replay.kept).toEqual([first!.id]);
      expect(replay.store.get(first!.id)).toEqual(good);
    }
  });

  it('stands a kept api Service in for the object: its selector picks the api workload and its target the port', async () => {
    const f = await fixture();
    const manifests = manifestsOf(f);
    const replay = mapReplay(f.config);
    buildWorld(manifests, f.config, undefined, replay);
    const t = f.config.tenants[0]!;
    const kept = replay.store.get(t.id)!;
    const worker = kept.workloads.find((w) => w.name === 'worker')!;
    replay.store.set(t.id, { ...kept, services: [{ name: 'api', selector: worker.labels, target: 9999 }] });
    const world = buildWorld(unreadable(manifests, replay.unitOf, new Set([t.id])), f.config, undefined, replay);
    const net = world.tenants.find((n) => n.tenant.id === t.id)!;
    expect(net.api?.name).toBe('worker');
    expect(net.apiPort).toBe(9999);
  });
});
