import { codePointName } from '../diagnostics/characters.js';
import type { Position } from './types.js';

/**
 * What a YAML reader must refuse before parsing, with a position: bytes that
 * are not UTF-8 (decoding would silently turn them into U+FFFD and render them
 * into every file), and characters YAML 1.2 does not allow in a stream
 * ("c-printable": tab, line feed, carriage return, NEL and printable
 * characters; not NUL, the other C0 and C1 controls, DEL, U+FFFE or U+FFFF).
 */

/** Line and column (1-based, counted in characters) of an index into `text`. */
export function positionAt(text: string, index: number): Position {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, column: index - before.lastIndexOf('\n') };
}

/**
 * The first byte that is not UTF-8, or undefined when the buffer decodes
 * cleanly. `text` is the bytes decoded as UTF-8, when the caller has it already.
 */
export function invalidUtf8(bytes: Uint8Array, text = Buffer.from(bytes).toString('utf8')): (Position & { byte: number; offset: number }) | undefined {
  // Decoding replaces a bad byte with U+FFFD, so a text without one decoded cleanly: no byte scan.
  if (!text.includes('\uFFFD')) return undefined;
  const i = firstInvalidByte(bytes);
  if (i < 0) return undefined;
  // Everything before the offending sequence decoded cleanly.
  const prefix = Buffer.from(bytes.subarray(0, i)).toString('utf8');
  return { ...positionAt(prefix + '\uFFFD', prefix.length), byte: bytes[i]!, offset: i };
}

/**
 * Offset of the first byte that does not start a well-formed UTF-8 sequence
 * (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), or -1.
 * The lead byte is reported, not the continuation where the decoder noticed.
 */
function firstInvalidByte(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const seq = sequenceAfter(c);
    if (!seq || i + seq.continuations >= b.length || b[i + 1]! < seq.lo || b[i + 1]! > seq.hi) return i;
    for (let k = 2; k <= seq.continuations; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    i += seq.continuations + 1;
  }
  return -1;
}

/** How many continuation bytes a lead byte takes, and the range its second byte must fall in (RFC 3629 §4). */
function sequenceAfter(lead: number): { continuations: number; lo: number; hi: number } | undefined {
  if (lead >= 0xc2 && lead <= 0xdf) return { continuations: 1, lo: 0x80, hi: 0xbf };
  if (lead === 0xe0) return { continuations: 2, lo: 0xa0, hi: 0xbf };
  if (lead === 0xed) return { continuations: 2, lo: 0x80, hi: 0x9f };
  if (lead >= 0xe1 && lead <= 0xef) return { continuations: 2, lo: 0x80, hi: 0xbf };
  if (lead === 0xf0) return { continuations: 3, lo: 0x90, hi: 0xbf };
  if (lead >= 0xf1 && lead <= 0xf3) return { continuations: 3, lo: 0x80, hi: 0xbf };
  if (lead === 0xf4) return { continuations: 3, lo: 0x80, hi: 0x8f };
  return undefined;
}

const NOT_PRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\ufffe\uffff]/;

/** The first character YAML does not allow in a stream, with its position and name. */
export function forbiddenCharacter(text: string): (Position & { name: string; offset: number }) | undefined {
  const m = NOT_PRINTABLE.exec(text);
  if (!m) return undefined;
  return { ...positionAt(text, m.index), name: codePointName(m[0]), offset: Buffer.byteLength(text.slice(0, m.index)) };
}

/** A reason bytes cannot be read as YAML text: where (line, column, byte offset) and what. */
export interface EncodingProblem extends Position {
  /** 0-based byte offset into the file, as `cmp` and hex editors count. */
  offset: number;
  /** `is not UTF-8: byte 0xE9 ...` or `contains U+0000 ...`, to follow the file name. */
  what: string;
  kind: 'not-utf8' | 'forbidden-character';
}

/**
 * The first encoding problem of a file: bytes that are not UTF-8, then
 * characters YAML does not allow. `text` is the bytes decoded as UTF-8, when
 * the caller has it already.
 */
export function encodingProblem(bytes: Uint8Array, text = Buffer.from(bytes).toString('utf8')): EncodingProblem | undefined {
  const bad = invalidUtf8(bytes, text);
  if (bad) {
    const hex = `0x${bad.byte.toString(16).toUpperCase().padStart(2, '0')}`;
    return { line: bad.line, column: bad.column, offset: bad.offset, kind: 'not-utf8', what: `is not UTF-8: byte ${hex} at byte offset ${bad.offset} cannot start or continue a character` };
  }
  const c = forbiddenCharacter(text);
  if (!c) return undefined;
  return { line: c.line, column: c.column, offset: c.offset, kind: 'forbidden-character', what: `contains ${c.name} at byte offset ${c.offset}, a control character YAML does not allow` };
}
