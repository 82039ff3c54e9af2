/**
 * Limits every YAML reader in tenantctl applies, so a hostile file is an input
 * error with a position instead of a hang, an exhausted heap or a crash.
 */

/** Alias resolutions per document: the `yaml` package's own default (billion-laughs guard). */
export const MAX_ALIASES = 100;

/** Larger than any object etcd stores (1.5 MiB) times a generous number of objects per file. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

const ALIAS = /(^|[\s[{,])\*[^\s,[\]{}]/m;

/**
 * Whether the text may use aliases (`*name` where a node starts). Such files
 * skip the fast parser, which would share the aliased nodes and let a later
 * walk of the data expand them exponentially.
 */
export function mayHaveAliases(text: string): boolean {
  return ALIAS.test(text);
}

/** Line and column (1-based) of the first alias, where a bound it broke is reported. */
export function firstAlias(text: string): { line: number; column: number } {
  const m = ALIAS.exec(text);
  if (!m) return { line: 1, column: 1 };
  const lines = text.slice(0, m.index + m[1]!.length).split('\n');
  return { line: lines.length, column: lines.at(-1)!.length + 1 };
}

/** What went wrong, for an error a parser threw while building data: too many aliases, or nesting deeper than the stack. */
export function boundExceeded(e: unknown): string | undefined {
  if (e instanceof RangeError) return 'nesting is too deep to read (or the document is too large)';
  if (e instanceof Error && /alias/i.test(e.message) && /excessive|resource exhaustion/i.test(e.message)) {
    return `more than ${MAX_ALIASES} alias expansions: refused as a resource exhaustion attack (a "billion laughs" document)`;
  }
  return undefined;
}

/**
 * The alias an error names when the `yaml` package could not resolve it
 * (an alias before, or without, its anchor), and where it is in `text` from
 * `from` on; undefined for any other error.
 */
export function unresolvedAlias(e: unknown, text: string, from = 0): { name: string; offset: number } | undefined {
  const m = e instanceof ReferenceError ? /unresolved alias.*?:\s*(\S+)\s*$/i.exec(e.message) : null;
  if (!m) return undefined;
  const name = m[1]!;
  const offset = text.indexOf(`*${name}`, from);
  return { name, offset: offset < 0 ? from : offset };
}

/** What is wrong with an unresolved alias, and how to fix it. */
export const unresolvedAliasMessage = (name: string) => ({ message: `alias *${name} refers to no anchor &${name} before it`, hint: `define &${name} on an earlier value, or write the value out` });

export function tooLarge(text: string): string | undefined {
  return text.length > MAX_INPUT_BYTES ? `file is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB` : undefined;
}
