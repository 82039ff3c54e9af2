import type { KubeObject } from '../../manifest/types.js';
import { parseQuantity, UNIT } from '../../manifest/quantity.js';
import type { ClaimScopeFacts } from './scopes.js';
import type { Scenario } from './types.js';

/*
 * Quota charges that are not pod compute: object counts (`count/...` and the
 * legacy names) and persistent storage, including the claims a StatefulSet
 * creates per replica from its volumeClaimTemplates.
 */

const countNames: Record<string, string[]> = {
  ConfigMap: ['count/configmaps', 'configmaps'],
  Secret: ['count/secrets', 'secrets'],
  Service: ['count/services', 'services'],
  PersistentVolumeClaim: ['count/persistentvolumeclaims', 'persistentvolumeclaims'],
  ReplicationController: ['count/replicationcontrollers', 'replicationcontrollers'],
  ResourceQuota: ['count/resourcequotas', 'resourcequotas'],
  Deployment: ['count/deployments.apps'],
  StatefulSet: ['count/statefulsets.apps'],
  DaemonSet: ['count/daemonsets.apps'],
  ReplicaSet: ['count/replicasets.apps'],
  Job: ['count/jobs.batch'],
  CronJob: ['count/cronjobs.batch'],
  HorizontalPodAutoscaler: ['count/horizontalpodautoscalers.autoscaling'],
  Ingress: ['count/ingresses.networking.k8s.io'],
  NetworkPolicy: ['count/networkpolicies.networking.k8s.io'],
  Role: ['count/roles.rbac.authorization.k8s.io'],
  RoleBinding: ['count/rolebindings.rbac.authorization.k8s.io'],
  ServiceAccount: ['count/serviceaccounts'],
};

export interface Charge {
  /** Label used in arithmetic (object or workload name). */
  label: string;
  resource: string;
  /** Multiplier per scenario (1 for a plain object; replicas for per-replica claims). */
  count: Record<Scenario, number>;
  /** Exact amount in milli-units (one object is UNIT). */
  amount: bigint;
  /** Set for a PersistentVolumeClaim's charges: what a VolumeAttributesClass scope selects on. */
  claim?: ClaimScopeFacts;
}

const once: Record<Scenario, number> = { steady: 1, hpaMax: 1, rollout: 1, rolloutAtHpaMax: 1 };

function objectCharges(o: KubeObject): Charge[] {
  const label = `${o.kind}/${o.metadata?.name ?? ''}`;
  const out = (countNames[o.kind] ?? []).map((resource) => ({ label, resource, count: once, amount: UNIT }));
  if (o.kind === 'Service') {
    const type = (o.spec as { type?: string } | undefined)?.type;
    if (type === 'LoadBalancer') out.push({ label, resource: 'services.loadbalancers', count: once, amount: UNIT });
    if (type === 'LoadBalancer' || type === 'NodePort') {
      out.push({ label, resource: 'services.nodeports', count: once, amount: UNIT });
    }
  }
  return out;
}

function claimCharges(label: string, claim: unknown, count: Record<Scenario, number>): Charge[] {
  const spec = (claim as { spec?: { storageClassName?: string; volumeAttributesClassName?: string; resources?: { requests?: Record<string, unknown> } } })?.spec;
  const storage = parseQuantity(spec?.resources?.requests?.storage) ?? 0n;
  const facts: ClaimScopeFacts = spec?.volumeAttributesClassName ? { volumeAttributesClassName: spec.volumeAttributesClassName } : {};
  const out: Charge[] = [{ label, resource: 'requests.storage', count, amount: storage, claim: facts }];
  if (spec?.storageClassName) {
    const cls = `${spec.storageClassName}.storageclass.storage.k8s.io`;
    out.push({ label, resource: `${cls}/requests.storage`, count, amount: storage, claim: facts });
    out.push({ label, resource: `${cls}/persistentvolumeclaims`, count, amount: UNIT, claim: facts });
  }
  return out;
}

/** Every non-compute quota charge of the given objects; `replicas` gives a StatefulSet's pods per scenario. */
export function nonPodCharges(
  objects: readonly KubeObject[],
  replicas: (index: number) => Record<Scenario, number> | undefined,
): Charge[] {
  const out: Charge[] = [];
  objects.forEach((o, i) => {
    const own = objectCharges(o);
    if (o.kind === 'PersistentVolumeClaim') {
      const charges = claimCharges(`PersistentVolumeClaim/${o.metadata?.name ?? ''}`, o, once);
      // The claim's object counts are selected by its volume attributes class too.
      for (const c of own) c.claim = charges[0]!.claim!;
      own.push(...charges);
    }
    out.push(...own);
    if (o.kind === 'StatefulSet') {
      const r = replicas(i);
      const templates = (o.spec as { volumeClaimTemplates?: unknown[] } | undefined)?.volumeClaimTemplates ?? [];
      if (!r) return;
      for (const t of templates) {
        const name = (t as { metadata?: { name?: string } }).metadata?.name ?? '';
        const label = `${o.metadata?.name ?? ''}/${name}`;
        const charges = claimCharges(label, t, r);
        out.push(...charges);
        out.push({ label, resource: 'persistentvolumeclaims', count: r, amount: UNIT, claim: charges[0]!.claim! });
        out.push({ label, resource: 'count/persistentvolumeclaims', count: r, amount: UNIT, claim: charges[0]!.claim! });
      }
    }
  });
  return out;
}
