// A synthetic N-tenant repository: the shipped platform settings and templates, N tenants.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const live = new Set<string>();

// spawnSync blocks, so a Ctrl-C lands here only after the (equally interrupted) child exits.
process.once('SIGINT', () => {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  process.exit(130);
});

/** tenants.yaml with the shipped header and N tenants; every tenth is premium, `flipped` ones swap tier. */
export function syntheticTenants(base: string, n: number, flipped: ReadonlySet<number> = new Set()): string {
  const head = base.slice(0, base.indexOf('\ntenants:') + '\ntenants:'.length);
  const lines = [head];
  for (let i = 0; i < n; i++) {
    const premium = (i % 10 === 0) !== flipped.has(i);
    lines.push(`  - id: tenant-${String(i).padStart(5, '0')}\n    name: "Tenant ${i}"\n    tier: ${premium ? 'premium' : 'standard'}`);
  }
  return `${lines.join('\n')}\n`;
}

export interface SyntheticRepo {
  root: string;
  /** Rewrites tenants.yaml with these tenants' tiers swapped. */
  flip(flipped: ReadonlySet<number>): Promise<void>;
  dispose(): Promise<void>;
}

export async function syntheticRepo(repo: string, n: number): Promise<SyntheticRepo> {
  const root = await mkdtemp(path.join(tmpdir(), 'tenantctl-bench-'));
  live.add(root);
  const base = await readFile(path.join(repo, 'tenants.yaml'), 'utf8');
  await cp(path.join(repo, 'templates'), path.join(root, 'templates'), { recursive: true });
  const flip = (flipped: ReadonlySet<number>): Promise<void> => writeFile(path.join(root, 'tenants.yaml'), syntheticTenants(base, n, flipped));
  await flip(new Set());
  return {
    root,
    flip,
    async dispose() {
      await rm(root, { recursive: true, force: true });
      live.delete(root);
    },
  };
}

/** A copy of the bundled repository (tenants.yaml, templates, rendered/). */
export async function bundledRepo(repo: string): Promise<SyntheticRepo> {
  const r = await syntheticRepo(repo, 0);
  for (const part of ['tenants.yaml', 'rendered']) await cp(path.join(repo, part), path.join(r.root, part), { recursive: true });
  return r;
}
