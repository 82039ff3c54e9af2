export type { Level, PodMeta, Violation } from './types.js';
export { evaluatePod, formatViolations, checksFor, maxPolicyMinor, parsePolicyVersion } from './registry.js';
export { parsePodSecurityLabels, type PodSecurityPolicy, type LevelVersion, type LabelError } from './labels.js';
export { podTemplateOf, listContainers, podTemplateKinds, type PodTemplateRef, type ContainerRef } from '../../manifest/pod-template.js';
