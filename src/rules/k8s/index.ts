import type { AnyRule } from '../types.js';
import { containerPortNames } from './container-port-names.js';
import { duplicateObject } from './duplicate-object.js';
import { labelSyntax } from './label-syntax.js';
import { nameSyntax } from './name-syntax.js';
import { namespaceRequired } from './namespace-required.js';
import { objectSize } from './object-size.js';
import { selectorMatchesTemplate } from './selector-matches-template.js';
import { serviceSelectorTargets } from './service-selector-targets.js';

/** What the API server (or the Service controller) enforces beyond the OpenAPI schemas. */
export const k8sRules = {
  'k8s/name-syntax': nameSyntax,
  'k8s/label-syntax': labelSyntax,
  'k8s/selector-matches-template': selectorMatchesTemplate,
  'k8s/container-port-names': containerPortNames,
  'k8s/service-selector-targets': serviceSelectorTargets,
  'k8s/object-size': objectSize,
  'k8s/duplicate-object': duplicateObject,
  'k8s/namespace-required': namespaceRequired,
} satisfies Record<string, AnyRule>;
