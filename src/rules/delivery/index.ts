import { controllerNamespace } from './controller-namespace.js';
import { coupled } from './coupled.js';

export const deliveryRules = {
  'delivery/controller-namespace': controllerNamespace,
  'delivery/coupled-tenants': coupled,
};
