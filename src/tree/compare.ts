import { diagnostic } from '../diagnostics/catalogue.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';

const hint = 'run `npm run render` (or `tenantctl render`) and commit the result; never edit rendered/ by hand';

// A default-wide change can touch every tenant: show enough diffs to act on, count the rest.
const maxDiffs = 25;

export type CreatePatch = (oldName: string, newName: string, oldText: string, newText: string, oldHeader: string, newHeader: string, opts: { context: number }) => string;

/**
 * Drift between the tree render would write (`expected`) and the tree on
 * disk, one finding per file: `differing` holds the text of every file on
 * disk that is not the render's (changed, or not rendered at all), `missing`
 * the rendered files not on disk. Every other file is equal, and is not
 * looked at: a tree of 200,000 files with three edited costs three lookups.
 * `folders`: the missing files that are folders on disk, which render replaces.
 */
export function compareTrees(expected: ReadonlyMap<string, string>, differing: ReadonlyMap<string, string>, missing: readonly string[], createTwoFilesPatch: CreatePatch, folders: ReadonlySet<string> = new Set()): Diagnostic[] {
  const out: Diagnostic[] = [];
  let diffs = 0;
  const patch = (p: string, before: string, after: string): string | undefined => {
    if (diffs >= maxDiffs) return undefined;
    diffs++;
    return createTwoFilesPatch(`a/${p}`, `b/${p}`, before, after, 'committed', 'rendered from tenants.yaml', { context: 3 })
      .split('\n')
      .slice(1)
      .join('\n')
      .trimEnd();
  };
  const paths = [...differing.keys(), ...missing].sort();
  for (const p of paths) {
    const want = expected.get(p);
    const have = differing.get(p);
    if (want === have) continue;
    if (have === undefined) {
      // A folder at the path is what the user sees there: "missing" alone would not say why.
      const message = folders.has(p) ? `${p} is a folder where render writes a file: render would replace the folder with the file` : `${p} is missing: render would create it`;
      out.push(diagnostic('drift/missing', message, { file: { path: p, line: 1, column: 1 }, hint, ...detail(patch(p, '', want!)) }));
    } else if (want === undefined) {
      out.push(diagnostic('drift/extra', `${p} is not produced by any template: render would delete it`, { file: { path: p, line: 1, column: 1 }, hint, ...detail(patch(p, have, '')) }));
    } else {
      out.push(diagnostic('drift/changed', `${p} differs from what render produces`, { file: { path: p, line: firstDifferentLine(have, want), column: 1 }, hint, ...detail(patch(p, have, want)) }));
    }
  }
  if (diffs >= maxDiffs && out.length > maxDiffs) {
    out.push(diagnostic('drift/summary', `${out.length} files drift; diffs shown for the first ${maxDiffs}`, { hint }));
  }
  return out;
}

function detail(text: string | undefined): { detail?: string } {
  return text === undefined ? {} : { detail: text };
}

function firstDifferentLine(a: string, b: string): number {
  const la = a.split('\n');
  const lb = b.split('\n');
  let i = 0;
  while (i < la.length && i < lb.length && la[i] === lb[i]) i++;
  return i + 1;
}
