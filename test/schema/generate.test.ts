import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { generateSchemas } from '../../src/schema/generate/generate.js';
import { schemaFileName } from '../../src/schema/layout.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('schema generator', () => {
  const first = generateSchemas(root);

  it('is deterministic and matches the committed schemas/ tree', () => {
    const second = generateSchemas(root);
    expect([...second.files.keys()]).toEqual([...first.files.keys()]);
    for (const [rel, text] of first.files) {
      expect(second.files.get(rel), rel).toBe(text);
      expect(readFileSync(`${root}schemas/${rel}`, 'utf8'), `schemas/${rel} is stale: run npm run schemas`).toBe(text);
    }
  });

  it('covers built-in, Argo CD and Flux kinds with kubeconform file names', () => {
    const files = new Set(first.kinds.map((k) => k.file));
    for (const f of [
      'deployment-apps-v1.json', 'service-v1.json', 'networkpolicy-networking-v1.json',
      'horizontalpodautoscaler-autoscaling-v2.json', 'application-argoproj-v1alpha1.json',
      'applicationset-argoproj-v1alpha1.json', 'appproject-argoproj-v1alpha1.json',
      'kustomization-kustomize-v1.json', 'gitrepository-source-v1.json', 'helmrelease-helm-v2.json',
    ]) {
      expect(files.has(`kubernetes/${f}`), f).toBe(true);
    }
    expect(files.has('kubernetes/deployment-extensions-v1beta1.json')).toBe(false);
    expect(schemaFileName('kustomize.toolkit.fluxcd.io/v1', 'Kustomization')).toBe('kustomization-kustomize-v1.json');
  });

  it('maps the special types as the API server reads them', () => {
    const defs = JSON.parse(first.files.get('kubernetes/_definitions.json')!).definitions;
    const port = defs.IoK8sApiCoreV1ServicePort.properties;
    expect(port.targetPort.type).toEqual(['integer', 'string', 'null']);
    expect(port.port).toEqual({ type: 'integer' });
    // "" is defaulted to TCP by the API server, so it is accepted (docs/schema-fidelity.md).
    expect(port.protocol.enum).toEqual(['', 'SCTP', 'TCP', 'UDP', null]);
    expect(defs.IoK8sApiNetworkingV1NetworkPolicyPort.properties.protocol.enum).toEqual(['SCTP', 'TCP', 'UDP', null]);
    expect(defs.IoK8sApimachineryPkgApisMetaV1ObjectMeta.properties.labels.additionalProperties).toEqual({ type: ['string', 'null'] });
    expect(defs.IoK8sApiCoreV1ResourceRequirements.properties.limits.additionalProperties.type).toEqual(['number', 'string']);
    expect(defs.IoK8sApimachineryPkgApisMetaV1ObjectMeta.properties.creationTimestamp.format).toBe('date-time');
    expect(defs.IoK8sApiCoreV1PodSpec.additionalProperties).toBe(false);
  });

  it('produces schemas that every compile', () => {
    const ajv = new Ajv({ strict: false, validateSchema: false, logger: false });
    ajv.addFormat('date-time', true);
    ajv.addSchema(JSON.parse(first.files.get('kubernetes/_definitions.json')!), '_definitions.json');
    const dir = `${root}schemas/kubernetes/`;
    const kinds = readdirSync(dir).filter((f) => f !== '_definitions.json');
    expect(kinds.length).toBe(first.kinds.length);
    // Compiling the lot is slow; a sample across groups and the recursive CRD schema suffices.
    for (const f of ['customresourcedefinition-apiextensions-v1.json', 'pod-v1.json', 'helmrelease-helm-v2.json', 'applicationset-argoproj-v1alpha1.json']) {
      expect(() => ajv.compile(JSON.parse(readFileSync(dir + f, 'utf8'))), f).not.toThrow();
    }
  });
});
