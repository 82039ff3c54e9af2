import { createHash } from 'node:crypto';
import { writeSync } from 'node:fs';
import * as zlib from 'node:zlib';

/**
 * `<magic> <checksum of the body>\n<body>`: how every file tenantctl keeps in
 * its cache folder is framed (render and findings entries, render summaries,
 * the stat index of the committed tree), so a truncated or damaged file, or
 * one of another format, is recognised and treated as missing.
 */

/**
 * The checksum of a body given in pieces: the same as of their concatenation,
 * so a large body made of runs of another file's bytes is never copied into one.
 * CRC-32 where Node has it (20.15+), else SHA-256: either way a damaged byte is a miss.
 */
const checksum: (pieces: readonly Uint8Array[]) => string =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function'
    ? (pieces) => {
        const crc32 = (zlib as unknown as { crc32(b: Uint8Array, value?: number): number }).crc32;
        let c = 0;
        for (const p of pieces) c = crc32(p, c);
        return `crc32:${c.toString(16)}`;
      }
    : (pieces) => {
        const h = createHash('sha256');
        for (const p of pieces) h.update(p);
        return `sha256:${h.digest('hex')}`;
      };

/** The framed file as pieces to write one after another: the header, then the body's pieces as given. */
export function framed(magic: string, body: readonly Uint8Array[]): Uint8Array[] {
  return [Buffer.from(`${magic} ${checksum(body)}\n`, 'utf8'), ...body];
}

/** Writes the pieces one after another into an open file, each however many calls it takes. */
export function writeAll(fd: number, pieces: readonly Uint8Array[]): void {
  for (const piece of pieces) {
    for (let at = 0; at < piece.length; ) at += writeSync(fd, piece, at, piece.length - at);
  }
}

export function frame(magic: string, body: Buffer): Buffer {
  return Buffer.concat(framed(magic, [body]));
}

/** The body of a framed file, if its magic is this one and its checksum holds. */
export function unframe(bytes: Buffer, magic: string): Buffer | undefined {
  const firstLine = bytes.indexOf(10);
  if (firstLine < 0) return undefined;
  const line = bytes.subarray(0, firstLine).toString('utf8');
  const space = line.lastIndexOf(' ');
  const body = bytes.subarray(firstLine + 1);
  return line.slice(0, space) === magic && checksum([body]) === line.slice(space + 1) ? body : undefined;
}
