import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type { Container, PodSpec } from 'kubernetes-types/core/v1.js';
import { toPointer } from './locate.js';

/** The pod template inside any workload object, and where it sits in that object. */
export interface PodTemplateRef {
  /** JSON pointer of the template (an object with `metadata` and `spec`) inside the object; '' for a Pod. */
  pointer: string;
  metadata: ObjectMeta;
  spec: PodSpec;
}

const templatePaths: Record<string, readonly string[]> = {
  Pod: [],
  PodTemplate: ['template'],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Kinds whose objects carry a pod template, for callers that want to scope a walk. */
export const podTemplateKinds: readonly string[] = Object.keys(templatePaths);

/**
 * Pod template of a workload, or undefined when the kind has none or the
 * template is missing (schema validation reports that, not this walk).
 */
export function podTemplateOf(object: unknown): PodTemplateRef | undefined {
  if (!isRecord(object) || typeof object.kind !== 'string') return undefined;
  const path = templatePaths[object.kind];
  if (!path) return undefined;
  let node: unknown = object;
  for (const seg of path) {
    if (!isRecord(node)) return undefined;
    node = node[seg];
  }
  if (!isRecord(node) || !isRecord(node.spec)) return undefined;
  return {
    pointer: toPointer(path),
    metadata: isRecord(node.metadata) ? (node.metadata as ObjectMeta) : {},
    spec: node.spec as unknown as PodSpec,
  };
}

export type ContainerKind = 'initContainers' | 'containers' | 'ephemeralContainers';

export interface ContainerRef {
  kind: ContainerKind;
  index: number;
  container: Container;
  /** JSON pointer relative to the pod template, e.g. `/spec/containers/0`. */
  pointer: string;
}

/**
 * Every container of a pod spec with its pointer, in upstream's visiting order
 * (init, regular, ephemeral) so messages list names as admission would.
 */
export function listContainers(spec: PodSpec | undefined): ContainerRef[] {
  const out: ContainerRef[] = [];
  if (!spec) return out;
  for (const kind of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    const list = (spec as unknown as Record<string, unknown>)[kind];
    if (!Array.isArray(list)) continue;
    list.forEach((c: unknown, index) => {
      if (isRecord(c)) out.push({ kind, index, container: c as unknown as Container, pointer: `/spec/${kind}/${index}` });
    });
  }
  return out;
}
