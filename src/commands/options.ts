import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: boolean; strict: true }>>;

/** parseArgs with usage errors that say how to get help. */
export function parse<O extends Options>(argv: string[], options: O, allowPositionals = false): Parsed<O> {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (cause) {
    throw new UsageError(`${(cause as Error).message.replace(/\. To specify a positional.*$/s, '')}; see --help`);
  }
}

export const rootOption = { root: { type: 'string', default: '.' } } as const;

export function resolveRoot(cwd: string, root: string | undefined): string {
  return path.resolve(cwd, root ?? '.');
}
