import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { helpText, parseOptions, UsageError, type CommandSpec } from '../../src/commands/options.js';
import { commandSpecs } from '../../src/commands/specs.js';

const spec = {
  name: 'demo',
  summary: 'a command to exercise the option layer',
  positionals: { name: 'PATH', help: 'inputs', max: 2 },
  options: {
    format: { type: 'string', default: 'text', choices: ['text', 'json'], help: 'output format' },
    crd: { type: 'string', multiple: true, value: 'FILE', help: 'a CRD' },
    base: { type: 'string', value: 'REF', help: 'a ref' },
    quiet: { type: 'boolean', short: 'q', help: 'say nothing' },
  },
} as const satisfies CommandSpec;

const usage = (argv: string[]) => {
  try {
    parseOptions(spec, argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
};

describe('parseOptions', () => {
  it('fills defaults, collects repeated options and positionals', () => {
    const r = parseOptions(spec, ['a', '--crd', 'x.yaml', '--crd=y.yaml', '-q', 'b']);
    expect(r.values).toEqual({ format: 'text', crd: ['x.yaml', 'y.yaml'], base: undefined, quiet: true });
    expect(r.positionals).toEqual(['a', 'b']);
  });

  it('names the nearest real option for a typo', () => {
    expect(usage(['--fromat', 'json'])).toBe('unknown option --fromat; did you mean --format?');
    expect(usage(['--nothing-like-it'])).toBe('unknown option --nothing-like-it');
  });

  it('lists the choices and the nearest one for a bad value', () => {
    expect(usage(['--format', 'jsn'])).toBe('--format must be one of text, json, not "jsn"; did you mean json?');
  });

  it('rejects a missing or empty value, too many positionals, and a value on a boolean', () => {
    expect(usage(['--base'])).toBe('--base needs a value');
    expect(usage(['--base='])).toBe('--base needs a value');
    expect(usage(['a', 'b', 'c'])).toMatch(/^at most 2 PATH arguments, got 3$/);
    expect(usage(['--quiet=yes'])).toBe('--quiet takes no value');
  });

  it('requires what is declared required', () => {
    const required = { name: 'r', summary: 's', options: { id: { type: 'string', value: 'ID', required: true, help: 'id' } } } as const satisfies CommandSpec;
    expect(() => parseOptions(required, [])).toThrow('--id ID is required');
    expect(parseOptions(required, ['--id', 'a']).values.id).toBe('a');
  });
});

describe('generated help', () => {
  it.each(commandSpecs.map((s) => [s.name, s] as const))('%s: documents every option it accepts', (_name, s) => {
    const text = helpText(s);
    expect(text).not.toMatch(/Usage: Usage:/);
    for (const [name, o] of Object.entries(s.options)) {
      expect(text).toContain(`--${name}`);
      expect(o.help.length).toBeGreaterThan(5);
      expect(text).toContain(o.help);
    }
  });

  it('is what `<command> --help` prints, and a usage error points at it', async () => {
    const ctx = { cwd: '.', env: {}, isTTY: false };
    const help = await runCli(['check', '--help'], ctx);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('--allow-removal ID');
    expect(help.stdout).toContain('output format (default: text)');
    const bad = await runCli(['check', '--formt', 'json'], ctx);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('tenantctl check: unknown option --formt; did you mean --format?');
    expect(bad.stderr).toContain('tenantctl check --help');
  });

  it('suggests the nearest command for a typo', async () => {
    const r = await runCli(['chek'], { cwd: '.', env: {}, isTTY: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('unknown command "chek"; did you mean check?');
  });
});
