import { controllerNamespace } from './controller-namespace.js';
import { coupled } from './coupled.js';
import { fluxLockdown } from './flux-lockdown.js';

export const deliveryRules = {
  'delivery/controller-namespace': controllerNamespace,
  'delivery/coupled-tenants': coupled,
  'delivery/flux-lockdown': fluxLockdown,
};
