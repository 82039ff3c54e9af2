import jsYaml from 'js-yaml';
import { parse as yamlParse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { literalBlock, toCanonicalYaml } from '../../src/manifest/canonical.js';
import { parseManifests } from '../../src/manifest/parse.js';

// Each row: a string value and how the canonical emitter must write it. 'literal' rows carry the
// block header expected; 'quoted' rows must stay one double-quoted line.
type Row = [name: string, value: string, expected: string];
const rows: Row[] = [
  ['ini file, one trailing newline', '[server]\nport = 8000\nhost = 0.0.0.0\n', '|'],
  ['no trailing newline', 'line one\nline two', '|-'],
  ['two trailing newlines', 'a\nb\n\n', '|+'],
  ['several trailing newlines', 'a\n\n\n\n', '|+'],
  ['leading space on the first line', '  indented\nnot\n', '|2'],
  ['leading space, no trailing newline', ' x\ny', '|2-'],
  ['leading space, kept trailing newlines', ' x\n\n', '|2+'],
  ['leading empty lines', '\n\nafter blanks\n', '|'],
  ['leading empty lines then an indented line', '\n\n   deep\nshallow\n', '|2'],
  ['leading tab on the first line', '\tTabbed\nplain\n', '|2'],
  ['tab inside lines', 'key\tvalue\nk2\tv2\n', '|'],
  ['blank lines inside', 'para one\n\npara two\n\n\npara three\n', '|'],
  ['indentation that grows and shrinks', 'def f():\n    return 1\n\n  x\nend', '|-'],
  ['comment-looking lines', '# heading\nvalue # not a comment\n#\n', '|'],
  ['document markers', '---\nbody\n...\n', '|'],
  ['document markers without final newline', 'a\n---\n...', '|-'],
  ['mapping-looking lines', 'key: value\n- item\n? q\n: a\n', '|'],
  ['quotes and backslashes', `"double" and 'single'\nC:\\path\\n\n`, '|'],
  ['flow and anchor indicators', '{a: 1}\n[1, 2]\n&anchor *alias !tag %dir @ `\n', '|'],
  ['block indicators at line starts', '|\n>\n|-\n>+ 2\n', '|'],
  ['unicode', 'café ✓\n日本語\n🙂 emoji\n', '|'],
  ['YAML 1.1 words on lines', 'yes\nno\non\n~\nnull\n0755\n', '|'],
  ['shell script', '#!/bin/sh\nset -eu\nexec "$@"\n', '|'],
  ['a line of one character', 'a\nb', '|-'],
  ['CEL expression', "object.spec.containers.all(c,\n  has(c.securityContext))", '|-'],
  ['trailing space on a line', 'trailing \nnext\n', 'quoted'],
  ['trailing tab on a line', 'trailing\t\nnext\n', 'quoted'],
  ['a line of only spaces', 'a\n   \nb\n', 'quoted'],
  ['a last line of only spaces', 'a\n  ', 'quoted'],
  ['CRLF line ends', 'a\r\nb\r\n', 'quoted'],
  ['a lone CR', 'a\rb\n', 'quoted'],
  ['NUL', 'a\u0000\nb\n', 'quoted'],
  ['bell control character', 'a\u0007\nb\n', 'quoted'],
  ['DEL', 'a\u007f\nb\n', 'quoted'],
  ['NEL (C1, a YAML 1.1 line break)', 'a\u0085b\nc\n', 'quoted'],
  ['line separator U+2028', 'a\u2028b\nc\n', 'quoted'],
  ['zero-width space', 'a\u200bb\nc\n', 'quoted'],
  ['bidi override', 'admin\u202e\nnimda\n', 'quoted'],
  ['byte order mark', '\ufeffa\nb\n', 'quoted'],
  ['only newlines', '\n\n', 'quoted'],
  ['one newline', '\n', 'quoted'],
  ['single line', 'no newline at all', 'plain'],
];

const parsers: [string, (text: string) => unknown][] = [
  ['yaml (YAML 1.2)', (t) => yamlParse(t)],
  ['yaml (YAML 1.1)', (t) => yamlParse(t, { version: '1.1' })],
  ['js-yaml', (t) => jsYaml.load(t)],
];

describe('canonical emitter: multi-line strings as literal blocks', () => {
  describe.each(rows)('%s', (_name, value, expected) => {
    const doc = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'm' }, data: { 'config.ini': value, z: 'after' }, list: [value, 'tail'], nested: [{ script: value, other: 1 }] };
    const text = toCanonicalYaml(doc);

    it(`is written ${expected === 'quoted' || expected === 'plain' ? expected : `as a ${expected} block`}`, () => {
      const line = text.split('\n').find((l) => l.startsWith('  config.ini: '))!;
      const written = line.slice('  config.ini: '.length);
      if (expected === 'quoted') expect(written).toBe(JSON.stringify(value).replace(/[\u007f-\u009f\u200b-\u200f\u2028-\u202e\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
      else if (expected === 'plain') expect(written).toBe(value);
      else expect(written).toBe(expected);
      // Nothing the emitter writes ends in whitespace or carries a raw CR.
      expect(text).not.toMatch(/[ \t]$|\r/m);
    });

    it.each(parsers)('round-trips exactly through %s', (_p, parse) => {
      expect(parse(text)).toEqual(doc);
    });

    it('round-trips through the project reader', () => {
      const r = parseManifests(text, { file: 'x.yaml', ruleId: 'render/invalid-yaml' });
      expect(r.diagnostics).toEqual([]);
      expect(r.manifests[0]!.object).toEqual(doc);
    });

    it('is deterministic and a fixed point (emit, parse, emit gives the same bytes)', () => {
      expect(toCanonicalYaml(doc)).toBe(text);
      expect(toCanonicalYaml(jsYaml.load(text))).toBe(text);
    });
  });

  it('writes the content indented under its key, empty lines empty', () => {
    expect(toCanonicalYaml({ data: { 'app.ini': '[server]\nport = 8000\n\nhost = a\n' } })).toBe(
      'data:\n  app.ini: |\n    [server]\n    port = 8000\n\n    host = a\n',
    );
    expect(toCanonicalYaml({ args: ['-c', ' set -e\nrun'] })).toBe('args:\n  - -c\n  - |2-\n     set -e\n    run\n');
    expect(toCanonicalYaml({ k: 'a\n\n' })).toBe('k: |+\n  a\n\n');
  });

  it('leaves keys and single-line strings alone', () => {
    expect(literalBlock('one line')).toBeUndefined();
    expect(toCanonicalYaml({ 'multi\nline key': 'v' })).toBe('"multi\\nline key": v\n');
  });
});
