import * as crypto from 'node:crypto';

const oneShot = (crypto as { hash?: (algorithm: string, data: string | Buffer, encoding: 'base64' | 'hex') => string }).hash;

/** SHA-256 of a file's bytes or of a text's UTF-8, in base64: how a background read and the render compare files. */
export const contentDigest: (data: string | Buffer) => string = oneShot ? (data) => oneShot('sha256', data, 'base64') : (data) => crypto.createHash('sha256').update(data).digest('base64');

/**
 * SHA-256 in hex, one call where Node has crypto.hash (20.12+): at 10,000
 * cache keys a Hash object per key cost about twice as much.
 */
export const sha256Hex: (data: string | Buffer) => string = oneShot ? (data) => oneShot('sha256', data, 'hex') : (data) => crypto.createHash('sha256').update(data).digest('hex');

/**
 * The digest of a set of files from each file's contentDigest: what a render
 * summary records for a tenant, and what the committed files must give.
 * Order-free: the pairs are taken sorted.
 */
export function treeDigest(files: Iterable<readonly [path: string, digest: string]>): string {
  const lines: string[] = [];
  for (const [p, d] of files) lines.push(digestLine(p, d));
  return treeDigestOfLines(lines);
}

/** A file's line in a treeDigest: `path TAB digest LF`. */
export const digestLine = (path: string, digest: string): string => `${path}\t${digest}\n`;

/** The tab before the digest of the digestLine that ends at `end` in `text` (its LF at end - 1). A path may hold a tab, a digest (base64) never: it is the last. */
export const digestTab = (text: string, end: number): number => text.lastIndexOf('\t', end - 1);

/** A digestLine's path and digest. */
export function lineParts(line: string): [path: string, digest: string] {
  const tab = digestTab(line, line.length);
  return [line.slice(0, tab), line.slice(tab + 1, -1)];
}

/** treeDigest of files given as their lines (digestLine; sorted here, in place). */
export function treeDigestOfLines(lines: string[]): string {
  lines.sort();
  return contentDigest(lines.join(''));
}
