import vm from 'node:vm';

/**
 * Template code is the repository's own JavaScript: a loop that never ends
 * would hang `render` and `check` forever. Each batch of template calls runs
 * under V8's execution timeout, which interrupts even a tight loop. One
 * bounded call per batch (the global templates, a cluster's, up to 64
 * tenants') rather than per template keeps the cost negligible.
 */
export const TEMPLATE_TIME_LIMIT_MS = 10_000;

const SLOT = '__tenantctlBoundedBatch';
const script = new vm.Script(`globalThis.${SLOT}()`, { filename: 'tenantctl-template-batch' });

export class TemplateTimeout extends Error {}

export function bounded(limitMs: number, fn: () => void): void {
  const g = globalThis as unknown as Record<string, unknown>;
  g[SLOT] = fn;
  try {
    script.runInThisContext({ timeout: limitMs, breakOnSigint: false });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new TemplateTimeout(`did not finish within ${limitMs / 1000} s`);
    throw e;
  } finally {
    delete g[SLOT];
  }
}
