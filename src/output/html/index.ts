import type { Formatter } from '../types.js';
import { checkSubtitle, reportPage } from './page.js';

export { reportPage, checkSubtitle, type PageParts } from './page.js';
export { escapeHtml } from './escape.js';
export { planHtml, type PlanDocument } from './plan.js';

/** `check --format html`: the verdict, the isolation matrix, quota headroom and the findings in one self-contained page. */
export const html: Formatter = (result, opts) => reportPage(result, opts, { title: 'tenantctl check report', subtitle: checkSubtitle(result, opts) });
