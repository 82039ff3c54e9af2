#!/usr/bin/env -S node --max-old-space-size=1280
// The heap cap keeps a check of 10,000 tenants under 1.5 GiB of memory: without
// it V8 grows the heap far past the live set. For larger repositories run
// `node --max-old-space-size=<MiB> node_modules/.bin/tenantctl …`.
import { staleness } from './freshness.js';

const stale = staleness();
if (stale) {
  process.stderr.write(`tenantctl: ${stale}: run \`npm run build\` (npm run render and npm run check rebuild by themselves)\n`);
  process.exitCode = 2;
} else {
  const { main } = await import('../dist/cli.js');
  await main(process.argv.slice(2));
}
