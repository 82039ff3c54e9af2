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

  const commandsOf = (text: string) => text.trimEnd().split('\n').filter((l) => l.startsWith('::'));

  it('writes one command per finding, each on one line, then a summary line', () => {
    const lines = github(fixture, opts).trimEnd().split('\n');
    expect(commandsOf(github(fixture, opts))).toHaveLength(fixture.diagnostics.length);
    expect(lines.at(-1)).toMatch(/^tenantctl: 4 error\(s\), \d+ warning\(s\), \d+ notice\(s\)/);
  });

  it('annotates at most 10 errors and 10 warnings per step, failures first, and lists the rest', () => {
    const many = {
      ...fixture,
      diagnostics: [
        ...Array.from({ length: 14 }, (_, i) => ({ ruleId: 'schema/invalid' as const, severity: 'error' as const, message: `bad ${i}`, file: { path: `rendered/x${String(i).padStart(2, '0')}.yaml`, line: 1, column: 1 } })),
        ...Array.from({ length: 12 }, (_, i) => ({ ruleId: 'input/waiver' as const, severity: 'warning' as const, message: `stale ${i}` })),
      ],
    };
    const text = github(many, opts);
    const cmds = commandsOf(text).map(parse);
    expect(cmds.filter((c) => c.command === 'error')).toHaveLength(10);
    expect(cmds.filter((c) => c.command === 'warning')).toHaveLength(10);
    expect(text).toContain('6 more finding(s) below are not annotations (GitHub shows 10 errors and 10 warnings per step):');
    // Every finding is somewhere in the log.
    for (const d of many.diagnostics) expect(text).toContain(d.message);
  });

  it('round-trips escaped messages and properties', () => {
    const lines = commandsOf(github(fixture, opts)).map(parse);
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
    const lines = commandsOf(github(fixture, opts)).map(parse);
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
