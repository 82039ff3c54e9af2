import { describe, expect, it } from 'vitest';
import { fromRepository, imageRepository } from '../../src/rules/workload/image-repository.js';
import { expectFinding, runRule, tenantA } from './harness.js';

const id = 'workload/image-repository';
const api = `${tenantA}/workloads/deployment-api.yaml`;
const repo = 'ghcr.io/example/ai-agents';

describe(id, () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(imageRepository);
    expect(diagnostics).toEqual([]);
  });

  it.each([
    [`${repo}:1.4.2`, true],
    [`${repo}@sha256:${'a'.repeat(64)}`, true],
    [repo, true],
    [`${repo}-evil:1.0`, false],
    [`${repo}/sidecar:1.0`, false],
    ['docker.io/library/nginx:1.27', false],
    [`evil.example.com/${repo}:1.0`, false],
  ])('reads %s as from the repository: %s', (image, expected) => {
    expect(fromRepository(image, repo)).toBe(expected);
  });

  it('fails on an image from another registry, at the image line', async () => {
    const { diagnostics, fixture } = await runRule(imageRepository, [{ file: api, from: `image: ${repo}:1.4.2`, to: 'image: docker.io/library/nginx:1.27' }]);
    const d = expectFinding(diagnostics, fixture, id, api, 'image:');
    expect(d.message).toBe(`container api image docker.io/library/nginx:1.27 is not from the platform repository ${repo}`);
  });

  it('fails on a look-alike repository name (a prefix is not enough)', async () => {
    const { diagnostics, fixture } = await runRule(imageRepository, [{ file: api, from: `image: ${repo}:1.4.2`, to: `image: ${repo}-evil:1.4.2` }]);
    expectFinding(diagnostics, fixture, id, api, 'image:');
  });

  it('passes on a digest of the platform image', async () => {
    const { diagnostics } = await runRule(imageRepository, [{ file: api, from: `image: ${repo}:1.4.2`, to: `image: ${repo}@sha256:${'c'.repeat(64)}` }]);
    expect(diagnostics).toEqual([]);
  });
});
