import { describe, expect, it } from 'vitest';
import { containerPortNames } from '../../src/rules/k8s/container-port-names.js';
import { portName } from '../../src/manifest/names.js';
import { expectFinding, runRule, tenantA } from './harness.js';

const id = 'k8s/container-port-names';
const file = `${tenantA}/workloads/deployment-api.yaml`;
const port = '            - name: http\n              containerPort: 8000\n';

describe('k8s/container-port-names', () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(containerPortNames);
    expect(diagnostics).toEqual([]);
  });

  it('fails on a port name longer than 15 characters', async () => {
    const { diagnostics, fixture } = await runRule(containerPortNames, [{ file, from: port, to: port.replace('http', 'http-metrics-endpoint') }]);
    const d = expectFinding(diagnostics, fixture, id, file, 'name: http-metrics-endpoint');
    expect(d.message).toContain('must be no more than 15 characters');
    expect(d.field?.pointer).toBe('/spec/template/spec/containers/0/ports/0/name');
  });

  it('fails on an upper-case port name', async () => {
    const { diagnostics, fixture } = await runRule(containerPortNames, [{ file, from: port, to: port.replace('http', 'HTTP') }]);
    expect(expectFinding(diagnostics, fixture, id, file, 'name: HTTP').message).toContain('alpha-numeric');
  });

  it('fails when a second container reuses a port name', async () => {
    const sidecar = '        - name: proxy\n          image: ghcr.io/example/proxy:1.0.0\n          ports:\n            - name: http\n              containerPort: 9000\n';
    const { diagnostics, fixture } = await runRule(containerPortNames, [{ file, from: '      securityContext:\n        fsGroup', to: `${sidecar}      securityContext:\n        fsGroup` }]);
    const d = expectFinding(diagnostics, fixture, id, file, '- name: http', 1);
    expect(d.message).toBe('container proxy port name "http" is already used by container api in this pod');
  });

  it.each([
    ['http', true],
    ['metrics-9090', true],
    ['a'.repeat(15), true],
    ['a'.repeat(16), false],
    ['8080', false],
    ['http--alt', false],
    ['-http', false],
    ['http-', false],
    ['http_alt', false],
  ])('port name %s valid = %s', (name, valid) => {
    expect(portName(name) === undefined).toBe(valid);
  });
});
