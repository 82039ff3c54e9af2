import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import { afterAll, describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/manifest/parse.js';
import { cleanupTempRepos, cli, fluxTenants, repoRoot, tempRepo } from '../helpers.js';
import { kubectl } from './kubectl.js';

afterAll(cleanupTempRepos);

/**
 * `flux bootstrap --path=P` commits Flux's components to P/flux-system/
 * (gotk-components.yaml, gotk-sync.yaml, kustomization.yaml: the layout Flux's
 * bootstrap customisation guide creates by hand) and reconciles P. These tests
 * write what the bootstrap writes, at the path the operator guide tells
 * operators to use, into a real repository, and run tenantctl over it.
 */
const GUIDE = 'docs/operations/tenant-namespace-provisioning.md';

async function bootstrapPaths(): Promise<string[]> {
  const guide = await readFile(path.join(repoRoot, GUIDE), 'utf8');
  return [...guide.matchAll(/flux bootstrap \S+ .*--path=(\S+)/g)].map((m) => m[1]!);
}

/** What `flux bootstrap` commits under <path>/flux-system/ (abridged components; the sync objects as bootstrap writes them). */
function bootstrapFiles(bootstrapPath: string): Record<string, string> {
  return {
    'gotk-components.yaml': `---\n# Flux Version: v2.4.0\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: kustomize-controller\n  namespace: flux-system\nspec:\n  selector:\n    matchLabels:\n      app: kustomize-controller\n  template:\n    metadata:\n      labels:\n        app: kustomize-controller\n    spec:\n      serviceAccountName: kustomize-controller\n      containers:\n      - name: manager\n        image: ghcr.io/fluxcd/kustomize-controller:v1.4.0\n        args:\n        - --events-addr=http://notification-controller.flux-system.svc.cluster.local./\n        - --watch-all-namespaces=true\n        - --log-level=info\n        - --log-encoding=json\n        - --enable-leader-election\n`,
    'gotk-sync.yaml': `---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  interval: 1m0s\n  ref:\n    branch: main\n  secretRef:\n    name: flux-system\n  url: ssh://git@github.com/example/ai-agents-tenants.git\n---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  interval: 10m0s\n  path: ./${bootstrapPath}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`,
    'kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- gotk-components.yaml\n- gotk-sync.yaml\n',
  };
}

async function bootstrap(root: string, bootstrapPath: string): Promise<Record<string, string>> {
  const files = bootstrapFiles(bootstrapPath);
  await mkdir(path.join(root, bootstrapPath, 'flux-system'), { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(root, bootstrapPath, 'flux-system', name), text);
  return files;
}

describe("Flux's bootstrap folder coexists with rendered/", async () => {
  const flux = await fluxTenants();

  it('the guide bootstraps into the GitOps folder tenantctl renders', async () => {
    expect(await bootstrapPaths()).toEqual(['rendered/flux-system']);
    const root = await tempRepo({ tenants: flux });
    expect((await cli(root, 'render')).exitCode).toBe(0);
    expect(existsSync(path.join(root, 'rendered/flux-system/gitrepository-ai-agents-platform.yaml'))).toBe(true);
  });

  it('check reports no drift for the bootstrap files, and render keeps them byte for byte', async () => {
    const root = await tempRepo({ tenants: flux });
    expect((await cli(root, 'render')).exitCode).toBe(0);
    const [bootstrapPath] = await bootstrapPaths();
    const files = await bootstrap(root, bootstrapPath!);
    const check = await cli(root, 'check');
    expect(check.stdout).not.toContain('drift/');
    expect(check.exitCode).toBe(0);
    // A change that re-renders the tree (a new tenant) leaves Flux's folder alone.
    expect((await cli(root, 'add', '--tenant-id', 'acme', '--name', 'Acme')).exitCode).toBe(0);
    const again = await cli(root, 'render');
    expect(again.exitCode).toBe(0);
    for (const [name, text] of Object.entries(files)) expect(await readFile(path.join(root, bootstrapPath!, 'flux-system', name), 'utf8')).toBe(text);
    expect(existsSync(path.join(root, 'rendered/ai-agents-acme'))).toBe(true);
    expect((await cli(root, 'check')).exitCode).toBe(0);
  });

  it('leaves the bootstrap path without a kustomization.yaml, so Flux builds every manifest there and its own folder', async () => {
    const root = await tempRepo({ tenants: flux });
    expect((await cli(root, 'render')).exitCode).toBe(0);
    const folder = path.join(root, 'rendered/flux-system');
    expect(existsSync(path.join(folder, 'kustomization.yaml'))).toBe(false);
    // Flux's generated kustomization requires every YAML file under the path to be a Kubernetes manifest.
    const names = (await readdir(folder)).sort();
    expect(names.length).toBeGreaterThan(1);
    for (const name of names) {
      const parsed = parseManifests(await readFile(path.join(folder, name), 'utf8'), { file: name });
      expect(parsed.diagnostics).toEqual([]);
      expect(parsed.manifests.map((m) => m.object.metadata?.namespace)).toEqual(['flux-system']);
    }
  });

  it('with several clusters each cluster is bootstrapped into its own GitOps folder', async () => {
    const twoClusters = await fluxTenants(await readFile(path.join(repoRoot, 'test/golden/cases/two-clusters/tenants.yaml'), 'utf8'));
    const root = await tempRepo({ tenants: twoClusters });
    expect((await cli(root, 'render')).exitCode).toBe(0);
    const files = await bootstrap(root, 'rendered/us-east/flux-system');
    await bootstrap(root, 'rendered/eu-west/flux-system');
    const check = await cli(root, 'check');
    expect(check.stdout).not.toContain('drift/');
    expect(check.exitCode).toBe(0);
    expect((await cli(root, 'render')).exitCode).toBe(0);
    for (const [name, text] of Object.entries(files)) expect(await readFile(path.join(root, 'rendered/us-east/flux-system/flux-system', name), 'utf8')).toBe(text);
  });

  it('a folder that is not the bootstrap\'s is still drift', async () => {
    const root = await tempRepo({ tenants: flux });
    expect((await cli(root, 'render')).exitCode).toBe(0);
    await mkdir(path.join(root, 'rendered/flux-system/other'), { recursive: true });
    await writeFile(path.join(root, 'rendered/flux-system/other/x.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: flux-system\n');
    const check = await cli(root, 'check');
    expect(check.stdout).toContain('drift/');
    expect(check.exitCode).toBe(1);
  });
});

/** The patches the guide tells operators to add to the bootstrap's kustomization.yaml: the YAML block after "Lock Flux down". */
async function lockdownPatches(): Promise<string> {
  const guide = await readFile(path.join(repoRoot, GUIDE), 'utf8');
  const block = /Lock Flux down[\s\S]*?```yaml\n([\s\S]*?)```/.exec(guide);
  if (!block) throw new Error(`${GUIDE} has no lockdown patches after "Lock Flux down"`);
  return block[1]!;
}

interface FluxRef {
  name: string;
  namespace?: string;
}
interface FluxKustomization {
  kind: 'Kustomization';
  metadata: { name: string; namespace: string };
  spec: { serviceAccountName?: string; sourceRef: FluxRef; dependsOn?: FluxRef[] };
}

const k = kubectl();
if (!k.bin) console.warn(`SKIPPED Flux lockdown build test: ${k.why}`);

describe.skipIf(!k.bin)("the guide's Flux lockdown, built with kubectl kustomize", async () => {
  const flux = await fluxTenants();

  it('gives kustomize-controller the lockdown flags, and every Kustomization in the GitOps folder works under them', async () => {
    const root = await tempRepo({ tenants: flux });
    expect((await cli(root, 'render')).exitCode).toBe(0);
    const [bootstrapPath] = await bootstrapPaths();
    await bootstrap(root, bootstrapPath!);
    const own = path.join(root, bootstrapPath!, 'flux-system/kustomization.yaml');
    await writeFile(own, (await readFile(own, 'utf8')) + (await lockdownPatches()));
    // The guide leaves the repository as check wants it.
    expect((await cli(root, 'check')).exitCode).toBe(0);

    // Flux builds a path without kustomization.yaml from one it generates listing everything there.
    const scratch = await mkdtemp(path.join(tmpdir(), 'tenantctl-flux-'));
    const build = path.join(scratch, 'path');
    await cp(path.join(root, bootstrapPath!), build, { recursive: true });
    const entries = (await readdir(build)).sort();
    await writeFile(path.join(build, 'kustomization.yaml'), `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${entries.map((e) => `- ${e}\n`).join('')}`);
    const r = spawnSync(k.bin!, ['kustomize', build], { encoding: 'utf8' });
    await rm(scratch, { recursive: true, force: true });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const objects = parseManifests(r.stdout, { file: 'build.yaml' }).manifests.map((m) => m.object);

    const controller = objects.find((o) => o.kind === 'Deployment' && o.metadata?.name === 'kustomize-controller') as Deployment;
    expect(controller.spec?.template.spec?.containers[0]?.args).toEqual(expect.arrayContaining(['--no-cross-namespace-refs=true', '--no-remote-bases=true', '--default-service-account=default']));
    const kustomizations = objects.filter((o) => o.kind === 'Kustomization') as unknown as FluxKustomization[];
    // The bootstrap's own, the platform's, and one per tenant.
    expect(kustomizations.length).toBeGreaterThanOrEqual(2 + flux.match(/^ {2}- id: /gm)!.length);
    expect(kustomizations.find((x) => x.metadata.name === 'flux-system')?.spec.serviceAccountName).toBe('kustomize-controller');
    for (const x of kustomizations) {
      const name = `${x.metadata.namespace}/${x.metadata.name}`;
      // --default-service-account: one that names none would run as "default", which has no rights.
      expect(x.spec.serviceAccountName, name).toBeTruthy();
      // --no-cross-namespace-refs: a source or dependency in another namespace is refused.
      for (const ref of [x.spec.sourceRef, ...(x.spec.dependsOn ?? [])]) expect(ref.namespace ?? x.metadata.namespace, name).toBe(x.metadata.namespace);
    }
  });
});
