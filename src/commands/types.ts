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
}

export interface Command {
  /** Its options, declared once (src/commands/specs.ts); help and parsing come from it. */
  spec: CommandSpec;
  run(argv: string[], ctx: CommandContext): Promise<CommandResult>;
}
