import { fileURLToPath } from 'node:url';

/** Whether this code runs from the TypeScript sources (the tests), not from dist/. */
const fromSources = fileURLToPath(import.meta.url).endsWith('.ts');

/**
 * The script of a worker thread, by its path under dist/ (`render/worker.js`):
 * a thread runs compiled JavaScript, so from the sources it is the build's.
 */
export const workerFile = (rel: string): string => fileURLToPath(new URL(fromSources ? `../dist/${rel}` : `./${rel}`, import.meta.url));
