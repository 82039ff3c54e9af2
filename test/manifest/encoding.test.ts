import { describe, expect, it } from 'vitest';
import { encodingProblem, invalidUtf8 } from '../../src/manifest/encoding.js';

describe('invalidUtf8: the first byte that does not start a well-formed sequence', () => {
  // Each row: bytes, expected offset of the reported byte (or -1 when the bytes are UTF-8).
  const rows: [string, number[], number][] = [
    ['ASCII', [0x61, 0x62, 0x0a, 0x63], -1],
    ['two-, three- and four-byte characters', [0xc3, 0xa9, 0xe2, 0x9c, 0x93, 0xf0, 0x9f, 0x99, 0x82], -1],
    ['Windows-1252 é', [0x61, 0xe9, 0x22], 1],
    ['a lone continuation byte', [0x61, 0x80], 1],
    ['0xFF', [0x0a, 0xff], 1],
    ['overlong slash (C0 AF)', [0xc0, 0xaf], 0],
    ['overlong three-byte (E0 80 AF)', [0xe0, 0x80, 0xaf], 0],
    ['UTF-16 surrogate (ED A0 80)', [0x61, 0xed, 0xa0, 0x80], 1],
    ['above U+10FFFF (F4 90 80 80)', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a sequence cut short by the end', [0x61, 0x62, 0xe2, 0x9c], 2],
    ['a sequence cut short by ASCII, reported at its lead', [0xef, 0xbf, 0x41], 0],
    ['a four-byte sequence whose last byte is ASCII', [0xf0, 0x9f, 0x99, 0x41], 0],
  ];
  it.each(rows)('%s', (_name, bytes, offset) => {
    const r = invalidUtf8(Uint8Array.from(bytes));
    if (offset < 0) expect(r).toBeUndefined();
    else expect(r).toMatchObject({ offset, byte: bytes[offset] });
    // Agrees with a strict decoder on whether the bytes are UTF-8 at all.
    let strict = true;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
    } catch {
      strict = false;
    }
    expect(r === undefined).toBe(strict);
  });

  it('gives line and column of the bad byte, counted in characters', () => {
    const bytes = Buffer.concat([Buffer.from('a: 1\nname: "Caf', 'utf8'), Buffer.from([0xe9]), Buffer.from('"\n')]);
    expect(invalidUtf8(bytes)).toEqual({ line: 2, column: 11, byte: 0xe9, offset: 15 });
  });
});

describe('encodingProblem', () => {
  it('names a forbidden character with its byte offset (not its character index)', () => {
    const bytes = Buffer.from('name: "é✓"\nx: a\u0000b\n', 'utf8');
    expect(encodingProblem(bytes)).toEqual({
      line: 2, column: 5, offset: 18, kind: 'forbidden-character',
      what: 'contains U+0000 at byte offset 18, a control character YAML does not allow',
    });
  });

  it('reports bytes that are not UTF-8 before characters, and nothing for clean text with U+FFFD in it', () => {
    expect(encodingProblem(Buffer.from([0x61, 0x00, 0x0a, 0xff]))?.kind).toBe('not-utf8');
    expect(encodingProblem(Buffer.from('a: "\ufffd"\n', 'utf8'))).toBeUndefined();
    expect(encodingProblem(Buffer.from('tabs\tand\r\nCRLF are fine\n', 'utf8'))).toBeUndefined();
  });
});
