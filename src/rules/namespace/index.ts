import { namespaceLabels } from './labels.js';

export const namespaceRules = {
  'namespace/labels': namespaceLabels,
};
