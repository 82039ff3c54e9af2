import { defaultDeny } from './default-deny.js';
import { namespaceConfinement } from './namespace-confinement.js';
import { networkAllowScope } from './network-allow-scope.js';
import { serviceAccount } from './service-account.js';

export const isolationRules = {
  'isolation/default-deny': defaultDeny,
  'isolation/namespace-confinement': namespaceConfinement,
  'isolation/network-allow-scope': networkAllowScope,
  'isolation/service-account': serviceAccount,
};
