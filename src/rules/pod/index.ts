import { podResources } from './resources.js';
import { podSecurityStandards } from './security-standards.js';

export const podRules = {
  'pod/resources': podResources,
  'pod/security-standards': podSecurityStandards,
};
