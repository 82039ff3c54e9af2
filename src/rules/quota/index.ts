import { quotaFit } from './fit.js';
import { quotaPresent } from './present.js';

export const quotaRules = {
  'quota/present': quotaPresent,
  'quota/fit': quotaFit,
};
