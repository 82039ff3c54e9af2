import { bindingSubjects } from './binding-subjects.js';
import { roleHygiene } from './role-hygiene.js';

export const rbacRules = {
  'rbac/binding-subjects': bindingSubjects,
  'rbac/role-hygiene': roleHygiene,
};
