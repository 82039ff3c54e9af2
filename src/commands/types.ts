import type { CommandSpec } from './options.js';

/** What a subcommand returns; only src/cli.ts writes it out and exits. */
export interface CommandResult {
  stdout: string;
  stderr?: string;
  exitCode: 0 | 1 | 2;
}

export interface CommandContext {
  cwd: string;
  env: Record<string, string | undefined>;
  /** Whether stdout is a terminal (colour decisions). */
  isTTY: boolean;
  /** Standard input, read whole; only src/cli.ts touches the process streams. */
  stdin?: () => Promise<string>;
  /** Where a long command says what it is doing (the CLI shows it on a terminal's stderr). */
  progress?: (step: string) => void;
}

/**
 * Whether a command colours its text output: NO_COLOR (any non-empty value,
 * no-color.org) turns colour off and wins; FORCE_COLOR (non-empty, not "0" or
 * "false") turns it on without a terminal, as CI logs that render ANSI want;
 * otherwise colour follows whether stdout is a terminal.
 */
export function wantsColor(ctx: Pick<CommandContext, 'env' | 'isTTY'>): boolean {
  if (ctx.env.NO_COLOR) return false;
  const force = ctx.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  return ctx.isTTY;
}

/** What each pipeline phase is doing, as a progress line says it. */
export const PHASE_STEP: Record<string, string> = {
  load: 'rendering tenants.yaml and reading rendered/',
  drift: 'comparing with rendered/',
  replay: 'reading the findings of unchanged tenants from the cache',
  schema: 'validating against the schemas',
  rules: 'running the rules',
  proofs: 'proving isolation (network, RBAC, quota)',
  admission: 'evaluating the admission policies',
  lifecycle: 'comparing with the base ref',
};

export interface Command {
  /** Its options, declared once (src/commands/specs.ts); help and parsing come from it. */
  spec: CommandSpec;
  run(argv: string[], ctx: CommandContext): Promise<CommandResult>;
}
