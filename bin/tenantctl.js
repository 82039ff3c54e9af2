#!/usr/bin/env -S node --max-old-space-size=1280
// The heap cap keeps a check of 10,000 tenants under 1.5 GiB of memory: without
// it V8 grows the heap far past the live set. A larger repository gets a larger
// limit (heap.js); a limit set with node --max-old-space-size=<MiB> is kept.
import os from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { staleness } from './freshness.js';
import { childSide, heapPlan, requestedHeapMiB, runSized, SIZED_ENV } from './heap.js';

const args = process.argv.slice(2);
// The process that started this one checked the build already.
const stale = process.env[SIZED_ENV] === undefined ? staleness() : undefined;
if (stale) {
  process.stderr.write(`tenantctl: ${stale}: run \`npm run build\` (npm run render and npm run check rebuild by themselves)\n`);
  process.exitCode = 2;
} else {
  const sized = heapPlan({
    args,
    execArgv: process.execArgv,
    nodeOptions: process.env.NODE_OPTIONS ?? '',
    env: process.env,
    cwd: process.cwd(),
    current: requestedHeapMiB(process.execArgv, process.env.NODE_OPTIONS ?? '') ?? Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20),
    machine: Math.floor(os.totalmem() / 2 ** 20),
  });
  if (sized !== undefined) {
    await runSized(sized, fileURLToPath(import.meta.url), args);
  } else {
    childSide();
    const { main } = await import('../dist/cli.js');
    await main(args);
  }
}
