import { defineConfig } from 'vitest/config';

/**
 * Two projects. `unit` is `npm test`: everything a change needs to be proven,
 * in memory where possible. `slow` holds what measures time or kills processes
 * (the atomic-render kill test, proof scaling, schema regeneration) or runs an
 * external binary (kubectl kustomize on the golden trees); `.ci/run`
 * runs it too, as `npm run test:slow`.
 */
const slow = ['test/tree/atomic.test.ts', 'test/tree/concurrency.test.ts', 'test/tree/failures.test.ts', 'test/browser/report-scale.test.ts', 'test/analysis/isolation/scale.test.ts', 'test/schema/generate.test.ts', 'test/gitops/kustomize.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: slow, isolate: false } },
      { extends: true, test: { name: 'slow', include: slow } },
    ],
  },
});
