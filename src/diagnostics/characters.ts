/**
 * Characters a reader cannot see or that change how the text around them
 * reads: C0/C1 controls, zero-width characters (U+200B…U+200F), line and
 * paragraph separators and bidirectional overrides (U+2028…U+202E), invisible
 * operators and isolates (U+2060…U+2069), the byte order mark and the two
 * non-characters U+FFFE/U+FFFF. One list, so the renderer, the messages and
 * the argument checks hide and show the same ones.
 */
const HIDDEN = '\\u0000-\\u001f\\u007f-\\u009f\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2069\\ufeff\\ufffe\\uffff';

/** Any hidden character. */
export const hiddenChar = new RegExp(`[${HIDDEN}]`);

/** Every hidden character except tab and line feed, which multi-line text keeps. */
export const hiddenCharInText = new RegExp(`(?![\\t\\n])[${HIDDEN}]`, 'g');

/** Every hidden character JSON.stringify leaves raw (it escapes the C0 controls itself). */
export const hiddenCharAfterJson = new RegExp(`(?![\\u0000-\\u001f])[${HIDDEN}]`, 'g');

/** `\u202e`: how a hidden character is written inside a quoted string. */
export function escapeChar(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** `U+202E`: how a character is named in a message. */
export function codePointName(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}
