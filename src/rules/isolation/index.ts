import { defaultDeny } from './default-deny.js';

export const isolationRules = {
  'isolation/default-deny': defaultDeny,
};
