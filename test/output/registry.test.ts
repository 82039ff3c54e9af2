import { describe, expect, it } from 'vitest';
import { formatNames, formatters, resolveFormat } from '../../src/output/index.js';
import { fixture, opts } from './fixture.js';

describe('formatter registry', () => {
  it('lists the formats in a fixed order', () => {
    expect(formatNames).toEqual(['text', 'json', 'junit', 'sarif', 'github', 'markdown', 'html']);
  });

  it('rejects an unknown format, naming the valid ones', () => {
    expect(() => resolveFormat('xml')).toThrow('unknown format "xml": must be one of text, json, junit, sarif, github, markdown, html');
    // Inherited object keys are not formats.
    expect(() => resolveFormat('toString')).toThrow(/must be one of/);
  });

  it.each(formatNames)('resolves %s to a formatter that produces output', (name) => {
    const f = resolveFormat(name);
    expect(f).toBe(formatters[name]);
    const out = f(fixture, opts);
    expect(out.length).toBeGreaterThan(0);
    expect(out.endsWith('\n')).toBe(true);
  });
});
