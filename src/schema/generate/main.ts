import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSchemas } from './generate.js';

/**
 * `main.js` writes schemas/; `main.js --check` regenerates in memory and exits 1
 * listing every file that differs from the committed tree (CI drift guard).
 */
function main(argv: readonly string[]): number {
  const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
  const outIndex = argv.indexOf('--out');
  const outDir = outIndex >= 0 && argv[outIndex + 1] ? argv[outIndex + 1]! : join(repoRoot, 'schemas');
  const started = Date.now();
  const { files, kinds } = generateSchemas(repoRoot);
  if (argv.includes('--check')) {
    const differing = [...files].filter(([rel, text]) => read(join(outDir, rel)) !== text).map(([rel]) => rel);
    const extra = listDir(join(outDir, 'kubernetes'))
      .map((f) => `kubernetes/${f}`)
      .filter((rel) => !files.has(rel));
    for (const rel of differing) process.stderr.write(`schemas/${rel}: differs from the generated file\n`);
    for (const rel of extra) process.stderr.write(`schemas/${rel}: not produced by the generator\n`);
    if (differing.length + extra.length > 0) {
      process.stderr.write('run `npm run schemas` and commit the result\n');
      return 1;
    }
    process.stdout.write(`schemas/ is up to date (${files.size} files)\n`);
    return 0;
  }
  // Stale kinds from an older package version must not linger.
  rmSync(join(outDir, 'kubernetes'), { recursive: true, force: true });
  for (const [rel, text] of files) {
    const path = join(outDir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  process.stdout.write(`wrote ${kinds.length} kind schemas + definitions to ${outDir} in ${Date.now() - started} ms\n`);
  return 0;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));
