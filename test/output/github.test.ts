import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, github } from '../../src/output/github.js';
import { emptyResult, fixture, opts } from './fixture.js';

/** The runner's side of the protocol, as @actions/core documents it. */
function parse(line: string) {
  const m = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!m) throw new Error(`not a workflow command: ${line}`);
  const unescape = (s: string) =>
    s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
  const props: Record<string, string> = {};
  for (const kv of m[2] ? m[2].split(',') : []) {
    const eq = kv.indexOf('=');
    props[kv.slice(0, eq)] = unescape(kv.slice(eq + 1));
  }
  return { command: m[1]!, props, message: unescape(m[3]!) };
}

describe('github formatter', () => {
  it('matches the snapshot', async () => {
    await expect(github(fixture, opts)).toMatchFileSnapshot('__snapshots__/github.txt');
  });

  it('writes one command per finding, each on one line', () => {
    const lines = github(fixture, opts).trimEnd().split('\n');
    expect(lines).toHaveLength(fixture.diagnostics.length);
    for (const l of lines) expect(l.startsWith('::')).toBe(true);
  });

  it('round-trips escaped messages and properties', () => {
    const lines = github(fixture, opts).trimEnd().split('\n').map(parse);
    const deny = lines.find((l) => l.props['title'] === 'isolation/default-deny')!;
    const original = fixture.diagnostics.find((d) => d.ruleId === 'isolation/default-deny')!;
    expect(deny.command).toBe('error');
    expect(deny.props).toEqual({
      file: 'rendered/beta/networkpolicy-beta-allow-all.yaml',
      line: '9',
      col: '7',
      title: 'isolation/default-deny',
    });
    expect(deny.message).toBe(`${original.message}\nobject: NetworkPolicy/beta/allow-all\nhint: ${original.hint}`);
  });

  it('maps severities, waivers and file-less findings', () => {
    const lines = github(fixture, opts).trimEnd().split('\n').map(parse);
    const by = (id: string) => lines.find((l) => l.props['title'] === id)!;
    expect(by('quota/fit').command).toBe('notice');
    expect(by('pod/resources').command).toBe('notice');
    expect(by('pod/resources').message).toMatch(/^waived \(sidecar injected by the mesh; LimitRange covers it \(TICKET-12\)\): /);
    expect(by('render/template').props).toEqual({ title: 'render/template' });
  });

  it('escapes like @actions/core', () => {
    expect(escapeData('100% done\r\nnext')).toBe('100%25 done%0D%0Anext');
    expect(escapeProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
  });

  it('prints nothing for a clean run', () => {
    expect(github(emptyResult, opts)).toBe('');
  });
});
