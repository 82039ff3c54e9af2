import { readFileSync } from 'node:fs';
import path from 'node:path';
import { listTree, type Listing } from './list.js';

/**
 * Every file under the output folder, keyed like the rendered map (`rendered/...`),
 * and the links found on the same walk.
 * Synchronous reads on purpose: for tens of thousands of small files they are
 * faster than promises and cannot exhaust file descriptors.
 */
export async function readTreeAndLinks(outAbs: string, outRel: string): Promise<{ files: Map<string, string>; links: Listing['links'] }> {
  const files = new Map<string, string>();
  const listing = listTree(outAbs);
  for (const r of listing.files) files.set(`${outRel}/${r}`, readFileSync(path.join(outAbs, r), 'utf8'));
  return { files, links: listing.links };
}

export async function readTree(outAbs: string, outRel: string): Promise<Map<string, string>> {
  return (await readTreeAndLinks(outAbs, outRel)).files;
}
