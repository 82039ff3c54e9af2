import { coupled } from './coupled.js';

export const deliveryRules = {
  'delivery/coupled-tenants': coupled,
};
