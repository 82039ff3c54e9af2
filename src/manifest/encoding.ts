import { codePointName } from '../diagnostics/characters.js';
import type { Position } from './types.js';

/**
 * What a YAML reader must refuse before parsing, with a position: bytes that
 * are not UTF-8 (decoding would silently turn them into U+FFFD and render them
 * into every file), and characters YAML 1.2 does not allow in a stream
 * ("c-printable": tab, line feed, carriage return, NEL and printable
 * characters; not NUL, the other C0 and C1 controls, DEL, U+FFFE or U+FFFF).
 */

function positionAt(text: string, index: number): Position {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, column: index - before.lastIndexOf('\n') };
}

/** The first byte that is not UTF-8, or undefined when the buffer decodes cleanly. */
export function invalidUtf8(bytes: Uint8Array): (Position & { byte: number }) | undefined {
  const text = Buffer.from(bytes).toString('utf8');
  const again = Buffer.from(text, 'utf8');
  if (again.equals(Buffer.from(bytes))) return undefined;
  let i = 0;
  while (i < bytes.length && i < again.length && bytes[i] === again[i]) i++;
  // Everything before the first differing byte decoded cleanly.
  const prefix = Buffer.from(bytes.subarray(0, i)).toString('utf8');
  return { ...positionAt(prefix + '\uFFFD', prefix.length), byte: bytes[i]! };
}

const NOT_PRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\ufffe\uffff]/;

/** The first character YAML does not allow in a stream, with its position and name. */
export function forbiddenCharacter(text: string): (Position & { name: string }) | undefined {
  const m = NOT_PRINTABLE.exec(text);
  if (!m) return undefined;
  return { ...positionAt(text, m.index), name: codePointName(m[0]) };
}
