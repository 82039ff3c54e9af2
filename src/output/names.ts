/**
 * The output formats, in the order `--help` and the unknown-format error list
 * them. Kept apart from the formatters so a command can check `--format` before
 * loading any of them; index.ts makes a missing formatter a compile error.
 */
export const formatNames = ['text', 'json', 'junit', 'sarif', 'github', 'markdown', 'html'] as const;

export type FormatName = (typeof formatNames)[number];

export function isFormatName(name: string): name is FormatName {
  return (formatNames as readonly string[]).includes(name);
}

export function unknownFormat(name: string): Error {
  return new Error(`unknown format ${JSON.stringify(name)}: must be one of ${formatNames.join(', ')}`);
}
