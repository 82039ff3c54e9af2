import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempRepos, cli, tempRepo } from '../helpers.js';
import { commitAll, editTenants, git, gitRepo, tenantA } from '../lifecycle/git-fixture.js';

afterAll(cleanupTempRepos);

/** A pull request that adds one tenant, changes one and removes one without decommissioning it. */
async function pullRequest(): Promise<string> {
  const root = await gitRepo();
  await editTenants(root, tenantA, '');
  await editTenants(root, '      LOG_LEVEL: debug\n', '      LOG_LEVEL: warning\n');
  expect((await cli(root, 'add', '--tenant-id', 'acme', '--name', 'Acme Corp', '--tier', 'premium')).exitCode).toBe(0);
  return root;
}

describe('tenantctl plan', () => {
  it('text output (golden)', async () => {
    const root = await pullRequest();
    const r = await cli(root, 'plan', '--base', 'main');
    expect(r.exitCode).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot('__golden__/plan.txt');
  });

  it('exits 0 whatever the verdict says: the plan was produced; the verdict carries check\'s exit status', async () => {
    const root = await pullRequest();
    const r = await cli(root, 'plan', '--base', 'main', '--format', 'json');
    expect(r.exitCode).toBe(0);
    const { verdict } = JSON.parse(r.stdout) as { verdict: { exitCode: number; passes: boolean; findings: { ruleId: string; deletion?: boolean }[] } };
    const check = await cli(root, 'check', '--base', 'main');
    expect(verdict.exitCode).toBe(check.exitCode);
    expect(verdict).toMatchObject({ exitCode: 1, passes: false, findings: [{ ruleId: 'lifecycle/tenant-removal', deletion: true }] });
  });

  it('json output for tools (golden), the same plan as data', async () => {
    const root = await pullRequest();
    const r = await cli(root, 'plan', '--base', 'main', '--format', 'json');
    expect(r.exitCode).toBe(0);
    const plan = JSON.parse(r.stdout) as { version: number; summary: Record<string, number>; tenants: { id: string; change: string }[] };
    expect(plan.version).toBe(1);
    expect(plan.summary).toMatchObject({ added: 1, changed: 1, removed: 1 });
    expect(plan.tenants.map((t) => `${t.change} ${t.id}`)).toEqual(expect.arrayContaining(['added acme']));
    await expect(r.stdout).toMatchFileSnapshot('__golden__/plan.json');
  });

  it('markdown output for the pull-request summary (golden)', async () => {
    const root = await pullRequest();
    const r = await cli(root, 'plan', '--base', 'main', '--format', 'markdown');
    expect(r.exitCode).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot('__golden__/plan.md');
  });

  it('is deterministic and says when nothing changes', async () => {
    const root = await gitRepo();
    await cli(root, 'render');
    await commitAll(root, 'rendered');
    const r = await cli(root, 'plan', '--base', 'main');
    expect(r.stdout).toBe('Plan against main: 0 tenant(s) added, 0 changed, 0 removed\nVerdict: `tenantctl check --base main` passes on the head (exit 0): no findings\nNo changes.\n');
    const md = await cli(root, 'plan', '--base', 'main', '--format', 'markdown');
    expect(md.stdout).toContain('No changes.');
  });

  it('shows a decommissioning as a change that withdraws the workloads, and the later removal as deliberate', async () => {
    const root = await gitRepo();
    await editTenants(root, '    name: Test Tenant A\n', '    name: Test Tenant A\n    decommissioned: true\n');
    expect((await cli(root, 'render')).exitCode).toBe(0);
    const step1 = await cli(root, 'plan', '--base', 'main');
    expect(step1.stdout).toContain('~ tenant test-tenant-a');
    expect(step1.stdout).toContain('decommissioned: false → true');
    expect(step1.stdout).toContain('- Deployment ai-agents-test-tenant-a/api');
    expect(step1.stdout).not.toContain('- Namespace ai-agents-test-tenant-a');
    await commitAll(root, 'decommission');
    await editTenants(root, '  - id: test-tenant-a\n    name: Test Tenant A\n    decommissioned: true\n    tier: standard\n\n', '');
    const step2 = await cli(root, 'plan', '--base', 'HEAD');
    expect(step2.stdout).toContain('removal is deliberate');
  });

  it('rejects an unknown format and an unknown ref', async () => {
    const root = await gitRepo();
    expect((await cli(root, 'plan', '--base', 'main', '--format', 'yaml')).exitCode).toBe(2);
    expect((await cli(root, 'plan', '--base', 'nope')).exitCode).toBe(2);
  });
});

describe('plan against a ref that does not exist', () => {
  it('says the ref could not be read, not that none was passed', async () => {
    const root = await gitRepo();
    const r = await cli(root, 'plan', '--base', 'nonexistent');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('git cannot resolve "nonexistent"');
    expect(r.stderr).toContain('nothing to compare with: the base "nonexistent" could not be read (see above)');
    expect(r.stderr).not.toContain('pass --base REF');
  });
});

describe('NO_COLOR', () => {
  it('keeps escape codes out of every command on a terminal', async () => {
    const { runCli } = await import('../../src/cli.js');
    const root = await tempRepo({ tenants: 'platform: [\n' });
    for (const argv of [['render'], ['check'], ['add', '--tenant-id', 'x', '--name', 'X']]) {
      const r = await runCli(argv, { cwd: root, env: { NO_COLOR: '1' }, isTTY: true });
      expect(`${r.stdout}${r.stderr ?? ''}`, argv.join(' ')).not.toMatch(/\u001b\[/);
      const coloured = await runCli(argv, { cwd: root, env: {}, isTTY: true });
      expect(`${coloured.stdout}${coloured.stderr ?? ''}`, argv.join(' ')).toMatch(/\u001b\[/);
    }
  });

  it('FORCE_COLOR colours output without a terminal (CI logs), and NO_COLOR still wins', async () => {
    const { runCli } = await import('../../src/cli.js');
    const root = await tempRepo({ tenants: 'platform: [\n' });
    for (const argv of [['render'], ['check'], ['add', '--tenant-id', 'x', '--name', 'X']]) {
      const out = async (env: Record<string, string>) => {
        const r = await runCli(argv, { cwd: root, env, isTTY: false });
        return `${r.stdout}${r.stderr ?? ''}`;
      };
      expect(await out({}), argv.join(' ')).not.toMatch(/\u001b\[/);
      expect(await out({ FORCE_COLOR: '1' }), argv.join(' ')).toMatch(/\u001b\[/);
      expect(await out({ FORCE_COLOR: '0' }), argv.join(' ')).not.toMatch(/\u001b\[/);
      expect(await out({ FORCE_COLOR: '1', NO_COLOR: '1' }), argv.join(' ')).not.toMatch(/\u001b\[/);
    }
  });
});

type Edit = [from: string, to: string];

/** A pull request: main holds tenants.yaml with the `base` edits, rendered; `branch` has the `head` edits on top, rendered. */
async function pullRequestWith(branch: string, head: Edit[], base: Edit[] = []): Promise<string> {
  const root = await gitRepo();
  for (const [from, to] of base) await editTenants(root, from, to);
  await cli(root, 'render');
  await commitAll(root, 'rendered');
  git(root, 'checkout', '-q', '-b', branch);
  for (const [from, to] of head) await editTenants(root, from, to);
  await cli(root, 'render');
  return root;
}

describe('plan of a tier change', () => {
  it('shows the new tier in the header and each quota key with its values', async () => {
    const root = await pullRequestWith('upgrade', [['  - id: test-tenant-a\n    name: Test Tenant A\n    tier: standard\n', '  - id: test-tenant-a\n    name: Test Tenant A\n    tier: premium\n']]);
    const r = await cli(root, 'plan', '--base', 'main');
    expect(r.stdout).toContain('~ tenant test-tenant-a (ai-agents-test-tenant-a, tier premium');
    expect(r.stdout).toContain('    tier: standard → premium');
    expect(r.stdout).toContain('    quota.limits.cpu: 4 → 16');
    expect(r.stdout).toContain('    quota.requests.cpu: 2 → 8');
    expect(r.stdout).toMatch(/Capacity: \d+ quota resource\(s\) change/);
    expect(r.stdout).toContain('    test-tenant-a limits.cpu: hard 4 → 16, peak use 3, headroom 1 → 13');
  });
});

describe('plan of a namespace move', () => {
  it('shows each tenant\'s namespace change, and the move as a deletion hazard first', async () => {
    const root = await pullRequestWith('prefix', [['namespacePrefix: ai-agents-', 'namespacePrefix: agents-']]);
    const r = await cli(root, 'plan', '--base', 'main');
    expect(r.stdout.split('\n')[0]).toBe('Plan against main: 2 unintended deletion(s) by the GitOps controller; 0 tenant(s) added, 2 changed, 0 removed');
    expect(r.stdout).toContain('    namespace: ai-agents-test-tenant-a → agents-test-tenant-a');
    expect(r.stdout).toContain('    namespace: ai-agents-test-tenant-b → agents-test-tenant-b');
  });
});

describe('plan of a tenant with waivers', () => {
  const tenantB = '  - id: test-tenant-b\n    name: Test Tenant B\n    tier: standard\n';
  const withWaiver: Edit = [tenantB, `${tenantB}    waivers:\n      - rule: workload/image-pinned\n        object: Deployment/api\n        reason: "vendor image"\n`];

  it('does not show the tenant as changed when a tenant added above it moves its waivers in the file', async () => {
    const root = await pullRequestWith('add', [[tenantA, `${tenantA}  - id: test-tenant-0\n    name: Test Tenant 0\n    tier: standard\n\n`]], [withWaiver]);
    const r = await cli(root, 'plan', '--base', 'main', '--format', 'json');
    const plan = JSON.parse(r.stdout) as { tenants: { id: string; change: string }[] };
    expect(plan.tenants.map((t) => `${t.id} ${t.change}`)).toEqual(['test-tenant-0 added']);
  });

  it('shows a waiver that changes, without where it is written', async () => {
    const root = await pullRequestWith('reason', [['reason: "vendor image"', 'reason: "vendor image, pinned upstream"']], [withWaiver]);
    const r = await cli(root, 'plan', '--base', 'main');
    expect(r.stdout).toContain('~ tenant test-tenant-b');
    expect(r.stdout).toContain('    waivers: [{"rule":"workload/image-pinned","object":"Deployment/api","reason":"vendor image"}] → [{"rule":"workload/image-pinned","object":"Deployment/api","reason":"vendor image, pinned upstream"}]');
    expect(r.stdout).not.toContain('pointer');
  });
});

describe('plan renders the base with its own templates', () => {
  it('falls back to the current templates, with a warning, when the base templates no longer render', async () => {
    const { writeFile, readFile } = await import('node:fs/promises');
    const path = await import('node:path');
    const root = await gitRepo();
    const file = path.join(root, 'templates/tenant/configmap.yaml.ejs');
    const good = await readFile(file, 'utf8');
    await writeFile(file, `<%- helperThisVersionLacks() %>\n${good}`);
    await commitAll(root, 'a base whose template calls a helper that is gone');
    git(root, 'checkout', '-q', '-b', 'fix');
    await writeFile(file, good);
    await editTenants(root, '      LOG_LEVEL: debug\n', '      LOG_LEVEL: warning\n');
    await commitAll(root, 'fix');
    const r = await cli(root, 'plan', '--base', 'main~0');
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('warning: the templates at "main~0" do not render with this version of tenantctl (templates/tenant/configmap.yaml.ejs');
    expect(r.stderr).toContain('template changes are not compared');
    expect(r.stdout).toContain('config.LOG_LEVEL: debug → warning');
  });
});

describe('plan over objects whose shapes their schemas refuse', () => {
  /** A pull request whose templates write a number where a list belongs, in a RoleBinding and a Deployment. */
  async function refusedShapes(): Promise<string> {
    const { writeFile, readFile } = await import('node:fs/promises');
    const path = await import('node:path');
    const root = await gitRepo();
    const edit = async (template: string, from: string, to: string) => {
      const file = path.join(root, 'templates/tenant', template);
      const text = await readFile(file, 'utf8');
      expect(text).toContain(from);
      await writeFile(file, text.replace(from, to));
    };
    await edit('rolebinding.yaml.ejs', 'subjects:', 'subjects: 5\nx_subjects:');
    await edit('deployment-api.yaml.ejs', 'containers:', 'containers: 5\n      x_containers:');
    expect((await cli(root, 'render')).exitCode).toBe(0);
    return root;
  }

  it('says which sections it could not compute and where, in every format, instead of failing', async () => {
    const root = await refusedShapes();
    const text = await cli(root, 'plan', '--base', 'main');
    expect(text.stderr ?? '').not.toContain('internal error');
    expect(text.exitCode).toBe(0);
    // The verdict fails on the schema findings; the sections the refused shapes stopped say so, with the first object's place.
    expect(text.stdout).toMatch(/fails on the head/);
    const notComputed = text.stdout.split('\n').filter((l) => l.startsWith('! ') && l.includes('not computed'));
    expect(notComputed.map((l) => l.slice(2, l.indexOf(' not computed')))).toEqual(['Permissions', 'Capacity']);
    for (const l of notComputed) expect(l).toContain('rendered/ai-agents-test-tenant-a/rolebinding-tenant-test-tenant-a-rolebinding.yaml:');
    expect(notComputed[0]).toContain('and 3 more object(s) have shapes their schemas refuse (schema/invalid)');
    const json = JSON.parse((await cli(root, 'plan', '--base', 'main', '--format', 'json')).stdout) as { notComputed: string[] };
    expect(json.notComputed).toEqual(notComputed.map((l) => l.slice(2)));
    const md = (await cli(root, 'plan', '--base', 'main', '--format', 'markdown')).stdout;
    expect(md).toContain(`> [!WARNING]\n> ${json.notComputed[0]}\n> ${json.notComputed[1]}\n`);
    const html = (await cli(root, 'plan', '--base', 'main', '--format', 'html')).stdout;
    expect(html).toContain('id="delta-not-computed"');
    expect(html).toContain('Permissions not computed: rendered/ai-agents-test-tenant-a/rolebinding-tenant-test-tenant-a-rolebinding.yaml:');
  });

  it('leaves the sections out of a plan whose shapes are all valid', async () => {
    const root = await gitRepo();
    await editTenants(root, '      LOG_LEVEL: debug\n', '      LOG_LEVEL: warning\n');
    const json = JSON.parse((await cli(root, 'plan', '--base', 'main', '--format', 'json')).stdout) as Record<string, unknown>;
    expect(json).not.toHaveProperty('notComputed');
  });
});
