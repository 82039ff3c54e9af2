// Whether dist/ was compiled from the sources in this checkout. After a pull,
// a checkout or an edit, running the old dist/ against new templates fails in
// ways that point at the templates ("v(): value is undefined"), not at the
// build. The build records a digest of what it compiled; the CLI and the npm
// scripts compare it with the sources before running anything.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const INPUTS = ['tsconfig.json', 'tsconfig.build.json'];
/**
 * A file changed within this long of the record may change again without its
 * fingerprint changing (git's "racy" files: https://git-scm.com/docs/racy-git).
 * The rule and the fingerprint below are the tree's stat index's
 * (src/tree/stat-index.ts); this runs before dist/ is trusted, so it states them again.
 */
const RACY_MS = 3000;

/** The files the digest covers, relative to `dir` with forward slashes, sorted. */
function sourceFiles(dir) {
  const files = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files.push(p);
    }
  };
  walk(path.join(dir, 'src'));
  for (const f of INPUTS) if (existsSync(path.join(dir, f))) files.push(path.join(dir, f));
  return files.map((p) => path.relative(dir, p).split(path.sep).join('/')).sort();
}

/** SHA-256 over every file under src/ and the compiler settings, by path and content. */
export function sourceDigest(dir = root, files = sourceFiles(dir)) {
  const hash = createHash('sha256');
  for (const f of files) {
    hash.update(`${f}\0`);
    hash.update(readFileSync(path.join(dir, f)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

const fingerprint = (st) => `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`;

/** A source file's line of the record: `path TAB fingerprint`. */
const recordLine = (f, st) => `${f}\t${fingerprint(st)}\n`;

/** One line per source file, `path TAB fingerprint`; undefined when a file changed too recently for its fingerprint to vouch for it. */
function statRecord(dir, files, now) {
  const horizon = BigInt(now - RACY_MS) * 1_000_000n;
  const lines = [];
  for (const f of files) {
    const st = lstatSync(path.join(dir, f), { bigint: true });
    if (st.mtimeNs >= horizon || st.ctimeNs >= horizon) return undefined;
    lines.push(recordLine(f, st));
  }
  return lines.join('');
}

/**
 * Whether the source files are those recorded with the digest, file for file,
 * by fingerprint (size, modification and change times, inode): then they are
 * the bytes the digest was taken of, and hashing them again (some 20 ms, on
 * every command) is not needed. The change time cannot be set from user
 * space, so an edit always changes a fingerprint.
 */
function unchangedSince(dir, files, record) {
  try {
    const lines = readFileSync(record, 'utf8');
    let at = 0;
    for (const f of files) {
      const line = recordLine(f, lstatSync(path.join(dir, f), { bigint: true }));
      if (!lines.startsWith(line, at)) return false;
      at += line.length;
    }
    return at === lines.length;
  } catch {
    return false;
  }
}

/** Why dist/ cannot be trusted, or undefined. Without src/ (an installed package) there is nothing to compare. */
export function staleness(dir = root) {
  if (!existsSync(path.join(dir, 'src'))) return undefined;
  const digest = path.join(dir, 'dist', '.source-digest');
  if (!existsSync(digest)) return 'dist/ has not been built from these sources';
  const files = sourceFiles(dir);
  if (unchangedSince(dir, files, path.join(dir, 'dist', '.source-stat'))) return undefined;
  return readFileSync(digest, 'utf8').trim() === sourceDigest(dir, files) ? undefined : 'dist/ was built from other sources than src/ (after a pull, a checkout or an edit)';
}

/** Records the digest of the sources dist/ is built from, and, where they allow it, their fingerprints. */
export function writeSourceDigest(dir = root, now = Date.now()) {
  // One listing for both, so the record names exactly the files the digest covers.
  const files = sourceFiles(dir);
  const record = statRecord(dir, files, now);
  // The fingerprints first, taken before the digest: a file edited in between has another fingerprint already.
  writeFileSync(path.join(dir, 'dist', '.source-digest'), `${sourceDigest(dir, files)}\n`);
  // Beside the digest, each source file's fingerprint when it was taken (unchangedSince); empty when one was too recent.
  writeFileSync(path.join(dir, 'dist', '.source-stat'), record ?? '');
}

/**
 * Whether node_modules holds what package-lock.json pins (npm keeps its own record in
 * node_modules/.package-lock.json). With `runtime`, only the packages the CLI loads count:
 * a test-only package added upstream must not stop `npm run check` from rebuilding.
 */
export function dependenciesInstalled(dir = root, { runtime = false } = {}) {
  const installedFile = path.join(dir, 'node_modules', '.package-lock.json');
  if (!existsSync(installedFile)) return false;
  const packages = (file) => JSON.parse(readFileSync(file, 'utf8')).packages ?? {};
  const installed = packages(installedFile);
  // Optional packages for other platforms are never installed; every other pinned package must be, at its version.
  return Object.entries(packages(path.join(dir, 'package-lock.json'))).every(
    ([k, v]) =>
      !k.startsWith('node_modules/') ||
      (runtime && v.dev === true) ||
      (installed[k] ? installed[k].version === v.version : v.optional === true),
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const mode = process.argv[2];
  if (mode === '--write') {
    writeSourceDigest();
  } else if (mode === '--ensure') {
    const why = staleness();
    if (why) {
      if (!dependenciesInstalled(root, { runtime: true })) {
        process.stderr.write(`tenantctl: ${why}, and node_modules does not match package-lock.json: run \`npm ci\` (it rebuilds dist/ too)\n`);
        process.exit(2);
      }
      process.stderr.write(`tenantctl: ${why}; rebuilding (npm run build)…\n`);
      const { spawnSync } = await import('node:child_process');
      // The compiler reports on stdout; keep the command's own stdout clean for --format json.
      const r = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: ['ignore', 2, 2] });
      if (r.status !== 0) {
        const hint = dependenciesInstalled() ? 'fix it' : 'node_modules does not match package-lock.json: run `npm ci`';
        process.stderr.write(`tenantctl: the build failed (above); ${hint}\n`);
        process.exit(2);
      }
    }
  }
}
