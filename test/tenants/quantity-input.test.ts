import { afterAll, describe, expect, it } from 'vitest';
import { bundledTenants, cleanupTempRepos, cli, tempRepo } from '../helpers.js';

afterAll(cleanupTempRepos);

// "No quantity may represent a number greater than 2^63-1 in magnitude … Numbers larger … will be capped"
// (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/): the API server would
// store a different value than the one written, so tenants.yaml refuses it at its line instead.
const base = await bundledTenants();
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

const rows: { name: string; from: string; to: string; message: string }[] = [
  { name: 'binary suffix past 2^63-1', from: '      requests.storage: 20Gi\n', to: '      requests.storage: 8Ei\n', message: 'requests.storage: "8Ei" is larger than the largest quantity Kubernetes represents (2^63-1)' },
  { name: 'decimal exponent past 2^63-1', from: '    pods: "50"\n', to: '    pods: "1e19"\n', message: 'pods: "1e19" is larger than the largest quantity' },
  { name: 'plain integer one past 2^63-1', from: '    limits.memory: 64Gi\n', to: '    limits.memory: "9223372036854775808"\n', message: 'limits.memory: "9223372036854775808" is larger' },
];

describe('tenants.yaml quantities beyond what a Quantity represents', () => {
  it.each(rows)('$name: exit 2 at its line', async (row) => {
    expect(base).toContain(row.from);
    const text = base.replace(row.from, row.to);
    const root = await tempRepo({ tenants: text });
    const r = await cli(root, 'render');
    expect(r.exitCode).toBe(2);
    const out = r.stdout + (r.stderr ?? '');
    expect(out).toContain(row.message);
    expect(out).toContain(`tenants.yaml:${lineOf(text, row.to)}:`);
    expect(out).toContain('write at most 8Ei');
  });

  it('2^63-1 itself is accepted', async () => {
    const root = await tempRepo({ tenants: base.replace('    pods: "50"\n', '    pods: "9223372036854775807"\n') });
    expect((await cli(root, 'render')).exitCode).toBe(0);
  });
});
