import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';

/**
 * `<magic> <checksum of the body>\n<body>`: how every file tenantctl keeps in
 * its cache folder is framed (render and findings entries, render summaries,
 * the stat index of the committed tree), so a truncated or damaged file, or
 * one of another format, is recognised and treated as missing.
 */

/** CRC-32 where Node has it (20.15+), else SHA-256: either way a damaged byte is a miss. */
const checksum: (b: Buffer) => string =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function'
    ? (b) => `crc32:${(zlib as unknown as { crc32(b: Buffer): number }).crc32(b).toString(16)}`
    : (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export function frame(magic: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${magic} ${checksum(body)}\n`, 'utf8'), body]);
}

/** The body of a framed file, if its magic is this one and its checksum holds. */
export function unframe(bytes: Buffer, magic: string): Buffer | undefined {
  const firstLine = bytes.indexOf(10);
  if (firstLine < 0) return undefined;
  const line = bytes.subarray(0, firstLine).toString('utf8');
  const space = line.lastIndexOf(' ');
  const body = bytes.subarray(firstLine + 1);
  return line.slice(0, space) === magic && checksum(body) === line.slice(space + 1) ? body : undefined;
}
