import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../src/cli.js';
import { pushTo } from '../src/collections.js';
import { renderInMemory, type Rendered } from '../src/pipeline.js';
import type { CommandResult } from '../src/commands/types.js';
import { forEachLine, type TreeDigests } from '../src/tree/background.js';
import type { Listing } from '../src/tree/list.js';
import { readTree } from '../src/tree/read.js';
import { readPack, RenderCache, type CachedTenant, type FindingsKind } from '../src/render/cache.js';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const sharedDir = path.resolve(repoRoot, '../shared');

const made: string[] = [];

/** A temporary copy of the repository's inputs (tenants.yaml, templates/, and optionally rendered/). */
export async function tempRepo(opts: { rendered?: boolean; tenants?: string } = {}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tenantctl-'));
  made.push(dir);
  await cp(path.join(repoRoot, 'templates'), path.join(dir, 'templates'), { recursive: true });
  if (opts.tenants !== undefined) await writeFile(path.join(dir, 'tenants.yaml'), opts.tenants);
  else await cp(path.join(repoRoot, 'tenants.yaml'), path.join(dir, 'tenants.yaml'));
  if (opts.rendered) await cp(path.join(repoRoot, 'rendered'), path.join(dir, 'rendered'), { recursive: true });
  return dir;
}

/** An empty temporary folder (a cache folder, a tree), removed with the temporary repositories by cleanupTempRepos. */
export async function tempDir(prefix = 'tenantctl-dir-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export async function cleanupTempRepos(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** Runs the CLI in-process against a directory, as `tenantctl ARGS` would from there. */
export function cli(cwd: string, ...argv: string[]): Promise<CommandResult> {
  return runCli(argv, { cwd, env: {}, isTTY: false });
}

/** Runs the compiled CLI as a real process (exit codes, signals). */
export function spawnCli(cwd: string, argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(repoRoot, 'bin/tenantctl.js'), ...argv], { cwd, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

export async function treeOf(root: string): Promise<Map<string, string>> {
  return readTree(path.join(root, 'rendered'), 'rendered');
}

export async function bundledTenants(): Promise<string> {
  return readFile(path.join(repoRoot, 'tenants.yaml'), 'utf8');
}

/** `tenants` (the bundled file by default) delivered by Flux from its usual namespace, flux-system. */
export async function fluxTenants(tenants?: string): Promise<string> {
  const text = tenants ?? (await bundledTenants());
  // Without these lines the copy would quietly stay on Argo CD and Flux tests would judge nothing.
  if (!text.includes('tool: argocd') || !text.includes('    namespace: argocd\n')) throw new Error('tenants.yaml no longer sets tool: argocd and namespace: argocd');
  return text.replace('tool: argocd', 'tool: flux').replace('    namespace: argocd\n', '    namespace: flux-system\n');
}

/** The findings pack of one kind in a cache folder (render/cache.ts), as stored: tenant → its keys, newest first. */
export async function packedKeys(dir: string, kind: FindingsKind): Promise<Map<string, string[]>> {
  const keys = new Map<string, string[]>();
  // The pack with its log's chunks put again, as a run reads it.
  for (const [tenant, entries] of readPack(path.dirname(packFile(dir, kind))).entries) for (const e of entries) pushTo(keys, tenant, e.key);
  return keys;
}

export const packFile = (dir: string, kind: string): string => path.join(dir, 'packs', kind, 'pack');

/** The 1-based line of the `nth` (0-based) occurrence of `needle`; throws if there are fewer. */
export function lineOf(text: string, needle: string, nth = 0): number {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`needle not found: ${needle}`);
  }
  return text.slice(0, at).split('\n').length;
}

/** A depth-8 "billion laughs" under top-level keys `<key>_a` … `<key>_i`: 9^8 strings if anything expanded it. */
export function aliasBomb(key: string): string {
  const lines = [`${key}_a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]`];
  let prev = 'a';
  for (const n of 'bcdefghi') {
    lines.push(`${key}_${n}: &${n} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    prev = n;
  }
  return `${lines.join('\n')}\n`;
}

/** A change to a temporary copy's inputs: replace text in a file (once), or remove the file. */
export type InputEdit = { file: string; from: string; to: string } | { remove: string };

/** Applies the edits to the files under `root`; an edit whose text is not there is an error, not a no-op. */
export async function applyInputEdits(root: string, edits: readonly InputEdit[]): Promise<void> {
  for (const e of edits) {
    if ('remove' in e) {
      await rm(path.join(root, e.remove));
      continue;
    }
    const file = path.join(root, e.file);
    const text = await readFile(file, 'utf8');
    if (!text.includes(e.from)) throw new Error(`${e.file} lacks ${e.from}`);
    await writeFile(file, text.replace(e.from, e.to));
  }
}

/** A temporary copy with `tenants`, the edits applied, rendered in memory (and required to render cleanly). */
export async function renderedWith(tenants: string, edits: readonly InputEdit[] = []): Promise<Rendered> {
  const root = await tempRepo({ tenants });
  await applyInputEdits(root, edits);
  const r = await renderInMemory({ root });
  if (r.diagnostics.length > 0) throw new Error(`the edited copy does not render: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r;
}

/** A cache that counts the entries a run reads, and whose: what a run placing tenants from their summaries must not do. */
export class CountingCache extends RenderCache {
  gets = 0;
  prefetched = 0;
  /** The tenants whose entries were read, in order. */
  readFor: string[] = [];
  override get(tenant: string, key: string): CachedTenant | undefined {
    this.gets++;
    this.readFor.push(tenant);
    return super.get(tenant, key);
  }
  override prefetch(requests: Iterable<readonly [tenant: string, key: string]>): void {
    const all = [...requests];
    this.prefetched += all.length;
    super.prefetch(all);
  }
}

/** What reader threads read (TreeDigests), as the listing and each file's digest in its order, paths without the prefix. */
export function listingOf(d: TreeDigests): { files: string[]; digests: string[]; links: Listing['links'] } {
  const files: string[] = [];
  const digests: string[] = [];
  for (const text of d.texts)
    forEachLine(text, (p, digest) => {
      files.push(p.slice(d.prefix.length));
      digests.push(digest);
    });
  return { files, digests, links: d.links };
}
