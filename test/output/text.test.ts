import { describe, expect, it } from 'vitest';
import { text } from '../../src/output/text.js';
import { emptyResult, fixture, opts } from './fixture.js';

const ANSI = /\u001b\[[0-9;]*m/;

describe('text formatter', () => {
  it('matches the snapshot without colour', async () => {
    await expect(text(fixture, opts)).toMatchFileSnapshot('__snapshots__/text.txt');
  });

  it('prints no escape codes when colour is off', () => {
    expect(text(fixture, opts)).not.toMatch(ANSI);
    expect(text(emptyResult, opts)).not.toMatch(ANSI);
  });

  it('colours severities and diff lines when colour is on, and only adds escape codes', () => {
    const out = text(fixture, { ...opts, color: true });
    expect(out).toMatch(ANSI);
    expect(out).toContain('\u001b[32m+  policyTypes: [Ingress, Egress]\u001b[39m');
    expect(out).toContain('\u001b[31m-  policyTypes: [Ingress]\u001b[39m');
    expect(out).toContain('\u001b[31merror\u001b[39m');
    expect(out.replace(/\u001b\[[0-9;]*m/g, '')).toBe(text(fixture, opts));
  });

  it('groups by file with general findings under their own heading', () => {
    const lines = text(fixture, opts).split('\n');
    const headings = lines.filter((l) => l !== '' && !l.startsWith(' '));
    expect(headings.slice(0, 4)).toEqual([
      'general (not tied to a file)',
      'rendered/acme/deployment-acme-web.yaml',
      'rendered/acme/networkpolicy-acme-default-deny.yaml',
      'rendered/beta/networkpolicy-beta-allow-all.yaml',
    ]);
    expect(lines).toContain('  rendered/acme/deployment-acme-web.yaml:14:13  error  schema/invalid  must be integer');
  });

  it('marks waived findings and ends with a summary line', () => {
    const out = text(fixture, opts);
    expect(out).toContain('[waived: sidecar injected by the mesh; LimitRange covers it (TICKET-12)]');
    expect(out.trimEnd().split('\n').at(-1)).toBe(
      '4 errors, 1 warning, 1 info (1 waived, 1 could not be processed) in 3 files; 40 objects, 2 tenants checked',
    );
  });

  it('reports a clean run in one line', () => {
    expect(text(emptyResult, opts)).toBe('✓ no findings: 40 objects, 2 tenants checked\n');
  });
});

describe('text formatter hygiene', () => {
  it('never sends control characters from findings to the terminal', () => {
    const hostile = {
      ...emptyResult,
      diagnostics: [{ ruleId: 'schema/invalid' as const, severity: 'error' as const, message: 'bad\u001b[2J\u0007\r\nnext', hint: 'h\u0000' }],
    };
    const out = text(hostile, opts);
    expect(out).toContain('bad\\u001b[2J\\u0007\n    next');
    expect(out).toContain('hint: h\\u0000');
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });
});
