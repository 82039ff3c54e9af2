import { describe, expect, it } from 'vitest';
import { toCanonicalYaml } from '../../src/manifest/canonical.js';
import { parseManifests } from '../../src/manifest/parse.js';
import { dateTimeProblem } from '../../src/schema/date-time.js';
import { EMPTY_ACCEPTED_ENUMS } from '../../src/schema/generate/convert.js';
import { loadSchemaRegistry, validateManifests } from '../../src/schema/validate.js';

// Schema fidelity against the API server (docs/schema-fidelity.md). Each row: a manifest, whether the
// bundled schemas accept it, and for a reject the message it must carry.
const registry = loadSchemaRegistry();

type Row = [name: string, object: Record<string, unknown>, verdict: 'accept' | 'reject', message?: string];

function check([, object, verdict, message]: Row): void {
  const parsed = parseManifests(toCanonicalYaml(object), { file: 'fragment.yaml' });
  expect(parsed.diagnostics).toEqual([]);
  const found = validateManifests(parsed.manifests, registry).map((d) => d.message);
  if (verdict === 'accept') expect(found).toEqual([]);
  else {
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(message);
  }
}

const meta = (extra: Record<string, unknown> = {}) => ({ name: 'x', namespace: 'team-a', ...extra });
const configMap = (m: Record<string, unknown>, data?: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(m), ...(data ? { data } : {}) });
const pod = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: meta(), spec: { containers: [{ name: 'app', image: 'app:1' }], ...spec } });
const container = (c: Record<string, unknown>) => pod({ containers: [{ name: 'app', image: 'app:1', ...c }] });
const service = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Service', metadata: meta(), spec: { ports: [{ port: 80 }], ...spec } });
const deployment = (spec: Record<string, unknown>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: meta(),
  spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'app', image: 'app:1' }] } }, ...spec },
});

describe('class 1: null values in string maps', () => {
  // "null" decodes into a Go map[string]string as the zero value "", which the API server stores.
  const rows: Row[] = [
    ['label value null', configMap({ labels: { team: null } }), 'accept'],
    ['annotation value null', configMap({ annotations: { note: null } }), 'accept'],
    ['ConfigMap data value null', configMap({}, { key: null }), 'accept'],
    ['Secret stringData value null', { apiVersion: 'v1', kind: 'Secret', metadata: meta(), stringData: { password: null } }, 'accept'],
    ['Service selector value null', service({ selector: { app: null } }), 'accept'],
    ['Deployment matchLabels value null', deployment({ selector: { matchLabels: { app: null } } }), 'accept'],
    ['Pod nodeSelector value null', pod({ nodeSelector: { disk: null } }), 'accept'],
    ['whole labels map null', configMap({ labels: null }), 'accept'],
    ['label value a number (Go refuses to decode it into a string)', configMap({ labels: { team: 5 } }), 'reject', 'metadata.labels.team: expected string, got integer 5'],
    ['label value a list', configMap({ labels: { team: ['a'] } }), 'reject', 'expected string, got array'],
    // Flux's Kustomization is a CRD: its structural schema rejects null in a string map.
    ['Flux postBuild.substitute value null (CRD, stays strict)', {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: meta(),
      spec: { interval: '5m', prune: true, sourceRef: { kind: 'GitRepository', name: 'r' }, postBuild: { substitute: { A: null } } },
    }, 'reject', 'expected string, got null'],
  ];
  it.each(rows)('%s: %s', (...row) => check(row as Row));
});

describe('class 2: "" on enums the API server defaults', () => {
  const rows: Row[] = [
    // "Defaults to Always if :latest tag is specified, or IfNotPresent otherwise." (Container.imagePullPolicy)
    ['imagePullPolicy ""', container({ imagePullPolicy: '' }), 'accept'],
    // "Must be UDP, TCP, or SCTP. Defaults to \"TCP\"." (ContainerPort.protocol)
    ['container port protocol ""', container({ ports: [{ containerPort: 8000, protocol: '' }] }), 'accept'],
    // "Supports \"TCP\", \"UDP\", and \"SCTP\". Default is TCP." (ServicePort.protocol)
    ['Service port protocol ""', service({ ports: [{ port: 80, protocol: '' }] }), 'accept'],
    // "type determines how the Service is exposed. Defaults to ClusterIP." (ServiceSpec.type)
    ['Service type ""', service({ type: '' }), 'accept'],
    // "Type of deployment. Can be \"Recreate\" or \"RollingUpdate\". Default is RollingUpdate." (DeploymentStrategy.type)
    ['Deployment strategy type ""', deployment({ strategy: { type: '' } }), 'accept'],
    // "Effect indicates the taint effect to match. Empty means match all taint effects." (Toleration.effect)
    ['toleration effect ""', pod({ tolerations: [{ key: 'k', operator: 'Exists', effect: '' }] }), 'accept'],
    // "Valid operators are Exists, Equal, Lt, and Gt. Defaults to Equal." (Toleration.operator)
    ['toleration operator ""', pod({ tolerations: [{ key: 'k', operator: '', value: 'v' }] }), 'accept'],
    // "Default to Always." (PodSpec.restartPolicy); "Defaults to \"ClusterFirst\"." (PodSpec.dnsPolicy)
    ['restartPolicy and dnsPolicy ""', pod({ restartPolicy: '', dnsPolicy: '' }), 'accept'],
    ['named values still accepted', container({ imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 53, protocol: 'UDP' }] }), 'accept'],
    ['imagePullPolicy in the wrong case', container({ imagePullPolicy: 'always' }), 'reject', 'imagePullPolicy: "always" is not an allowed value (allowed: "Always", "IfNotPresent", "Never", or "" for the default)'],
    ['Service type unknown', service({ type: 'Internal' }), 'reject', 'spec.type: "Internal" is not an allowed value'],
    // NetworkPolicyPort.protocol is a *Protocol: defaulted only when absent, so "" is invalid.
    ['NetworkPolicy port protocol "" (pointer field, not defaulted)', {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(),
      spec: { podSelector: {}, ingress: [{ ports: [{ port: 80, protocol: '' }] }] },
    }, 'reject', 'protocol: "" is not an allowed value (allowed: "SCTP", "TCP", "UDP")'],
    ['PVC volumeMode "" (pointer field, not defaulted)', {
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta(),
      spec: { accessModes: ['ReadWriteOnce'], volumeMode: '', resources: { requests: { storage: '1Gi' } } },
    }, 'reject', 'volumeMode: "" is not an allowed value'],
  ];
  it.each(rows)('%s: %s', (...row) => check(row as Row));

  it('every listed field quotes the upstream description it relies on', () => {
    for (const [field, quote] of Object.entries(EMPTY_ACCEPTED_ENUMS)) {
      expect(field).toMatch(/^IoK8sApi\w+\.\w+$/);
      expect(quote.length, field).toBeGreaterThan(10);
    }
  });
});

describe('class 3: impossible timestamps', () => {
  const at = (ts: string) => configMap({ creationTimestamp: ts });
  const rows: Row[] = [
    ['a plain UTC time', at('2024-03-01T12:00:00Z'), 'accept'],
    ['29 February in a leap year', at('2024-02-29T00:00:00Z'), 'accept'],
    ['29 February 2000 (divisible by 400)', at('2000-02-29T00:00:00Z'), 'accept'],
    ['fractional seconds and an offset', at('2024-12-31T23:59:59.123456+05:30'), 'accept'],
    ['month 13', at('2024-13-01T00:00:00Z'), 'reject', '"2024-13-01T00:00:00Z" is not a valid date-time: month 13 does not exist'],
    ['month 00', at('2024-00-10T00:00:00Z'), 'reject', 'month 00 does not exist'],
    ['30 February', at('2024-02-30T00:00:00Z'), 'reject', 'February 2024 has 29 days, so day 30 does not exist'],
    ['29 February in a common year', at('2023-02-29T00:00:00Z'), 'reject', 'February 2023 has 28 days, so day 29 does not exist'],
    ['29 February 1900 (divisible by 100, not 400)', at('1900-02-29T00:00:00Z'), 'reject', 'February 1900 has 28 days'],
    ['31 April', at('2024-04-31T00:00:00Z'), 'reject', 'April 2024 has 30 days, so day 31 does not exist'],
    ['day 00', at('2024-01-00T00:00:00Z'), 'reject', 'January 2024 has 31 days, so day 00 does not exist'],
    ['hour 24', at('2024-01-01T24:00:00Z'), 'reject', 'hour 24 is out of range'],
    ['minute 60', at('2024-01-01T10:60:00Z'), 'reject', 'minute 60 is out of range'],
    ['leap second', at('2016-12-31T23:59:60Z'), 'reject', 'second 60 is out of range'],
    ['offset +24:00', at('2024-01-01T00:00:00+24:00'), 'reject', 'time zone offset 24:00 is out of range'],
    ['a date only', at('2024-01-01'), 'reject', 'expected an RFC 3339 date-time such as 2024-02-29T13:45:00Z'],
    ['no time zone', at('2024-01-01T00:00:00'), 'reject', 'expected an RFC 3339 date-time'],
  ];
  it.each(rows)('%s: %s', (...row) => check(row as Row));

  it('agrees with the calendar for every day of four years, leap years included', () => {
    for (const year of [1900, 2000, 2023, 2024]) {
      for (let month = 1; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const s = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T00:00:00Z`;
          const d = new Date(Date.UTC(year, month - 1, day));
          const real = month <= 12 && day >= 1 && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
          expect(dateTimeProblem(s) === undefined, s).toBe(real);
        }
      }
    }
  });
});

describe('class 4: stricter than the OpenAPI document on purpose', () => {
  const rows: Row[] = [
    ['an unknown field (the API server drops or, with strict field validation, rejects it)', container({ imagePullPolicyy: 'Always' }), 'reject', 'imagePullPolicyy'],
    ['a float where the API takes an integer', deployment({ replicas: 1.5 }), 'reject', '1.5 is a float, but the field takes an integer'],
    ['a value outside an enum', deployment({ strategy: { type: 'BlueGreen' } }), 'reject', 'spec.strategy.type: "BlueGreen" is not an allowed value'],
  ];
  it.each(rows)('%s: %s', (...row) => check(row as Row));
});
