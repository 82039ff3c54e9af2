import { diagnostic } from '../diagnostics/catalogue.js';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import jsYaml from 'js-yaml';
import { boundExceeded, firstAlias, MAX_ALIASES, mayHaveAliases, tooLarge, unresolvedAlias, unresolvedAliasMessage } from '../manifest/yaml-bounds.js';
import type { Node } from 'yaml';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { nearest } from '../diagnostics/suggest.js';
import { dotted, offsetOf, pointerSegments, toPointer } from '../manifest/locate.js';
import { positionAt } from '../manifest/encoding.js';
import { ajvLib, yamlLib } from '../manifest/lazy.js';
import type { Position } from '../manifest/types.js';

export const tenantsSchemaUrl = new URL('../../schemas/tenants.schema.json', import.meta.url);
/** Written by `npm run build`; used while it matches the schema's hash. */
export const precompiledTenantsValidator = new URL('./tenants-schema.cjs', import.meta.url);

export const tenantsAjvOptions = { allErrors: true, verbose: true, strict: true, allowUnionTypes: true } as const;

export function tenantsSchemaHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface ParsedInput {
  data: unknown;
  locate(pointer: string): Position;
}

let validator: ValidateFunction | undefined;
function schemaValidator(): ValidateFunction {
  if (validator) return validator;
  const text = readFileSync(tenantsSchemaUrl, 'utf8');
  if (existsSync(precompiledTenantsValidator)) {
    const mod = createRequire(import.meta.url)(fileURLToPath(precompiledTenantsValidator)) as { default: ValidateFunction; schemaHash: string };
    if (mod.schemaHash === tenantsSchemaHash(text)) return (validator = mod.default);
  }
  return (validator = new (ajvLib().Ajv)(tenantsAjvOptions).compile(JSON.parse(text) as object));
}

function inputError(file: string, pos: Position, message: string, hint: string, pointer?: string): Diagnostic {
  const d: Diagnostic = diagnostic('input/tenants-file', message, { file: { path: file, line: pos.line, column: pos.column }, hint });
  if (pointer !== undefined) d.field = { pointer };
  return d;
}

/**
 * Parses tenants.yaml. A clean file takes the fast parser; positions are worked
 * out only when a diagnostic needs one. Syntax errors and duplicate keys go to
 * the positioned parser, which reports every one of them.
 */
export function parseInput(text: string, file: string): { input?: ParsedInput; diagnostics: Diagnostic[] } {
  const big = tooLarge(text);
  if (big) return { diagnostics: [inputError(file, { line: 1, column: 1 }, big, 'tenants.yaml this large is not a tenants file; check what was written to it')] };
  let data: unknown;
  try {
    data = mayHaveAliases(text) ? withAliases(text) : jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA });
  } catch (e) {
    const why = boundExceeded(e);
    if (why) return { diagnostics: [inputError(file, e instanceof RangeError ? (deepNesting(text) ?? firstAlias(text)) : firstAlias(text), why, 'write the values out instead of chaining aliases, and keep nesting shallow')] };
    const unresolved = unresolvedAlias(e, text);
    if (unresolved) {
      const { message, hint } = unresolvedAliasMessage(unresolved.name);
      return { diagnostics: [inputError(file, positionAt(text, unresolved.offset), message, hint)] };
    }
    return positionedErrors(text, file);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { diagnostics: [inputError(file, { line: 1, column: 1 }, 'tenants file must be a YAML mapping', 'start from the bundled tenants.yaml')] };
  }
  let locate: ((pointer: string) => Position) | undefined;
  return {
    input: {
      data,
      locate: (pointer) => {
        locate ??= positionsOf(text);
        return locate(pointer);
      },
    },
    diagnostics: [],
  };
}

/**
 * Files with aliases are read by the parser that counts alias expansions, so a
 * "billion laughs" document stops at the limit instead of filling the heap.
 */
function withAliases(text: string): unknown {
  const { parseDocument } = yamlLib();
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) throw doc.errors[0];
  return doc.toJS({ maxAliasCount: MAX_ALIASES });
}

/** Where flow collections first nest deeper than any real tenants file does: where a too-deep document is reported. */
function deepNesting(text: string): Position | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[' || c === '{') depth++;
    else if ((c === ']' || c === '}') && depth > 0) depth--;
    if (depth > 1000) return positionAt(text, i);
  }
  return undefined;
}

function positionsOf(text: string): (pointer: string) => Position {
  const { LineCounter, parseDocument } = yamlLib();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  return (pointer) => {
    const { line, col } = lineCounter.linePos(offsetOf(doc.contents as Node, pointer));
    return { line, column: col };
  };
}

function positionedErrors(text: string, file: string): { diagnostics: Diagnostic[] } {
  const { LineCounter, parseDocument } = yamlLib();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const posAt = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const diagnostics = doc.errors.map((e) => {
    const dup = /unique/i.test(e.message);
    const message = e.message.split('\n')[0] ?? e.message;
    return inputError(
      file,
      posAt(e.code === 'MISSING_CHAR' && /quote/.test(e.message) ? openingQuote(text, e.pos[0]) : e.pos[0]),
      dup ? `duplicate key: ${message}` : `invalid YAML: ${message}`,
      dup ? 'each key may appear once per mapping; remove or merge the repeated entry' : 'fix the YAML syntax here (check indentation, quotes and colons)',
    );
  });
  if (diagnostics.length === 0) {
    // The two parsers disagree on what is valid: report rather than guess.
    diagnostics.push(inputError(file, { line: 1, column: 1 }, 'tenants file could not be parsed as YAML 1.2', 'check for tabs, anchors or tags the file does not need'));
  }
  return { diagnostics };
}

/** The parser notices a missing closing quote at the end of input; point at where the quote opened. */
function openingQuote(text: string, end: number): number {
  const starts = [...text.slice(0, end).matchAll(/(?:^|[:\-[,{])[ \t]*(["'])/gm)];
  const last = starts[starts.length - 1];
  return last?.index !== undefined ? last.index + last[0].length - 1 : end;
}

function label(pointer: string): string {
  return pointer === '' ? 'the file' : dotted(pointer);
}

function describeSchemaError(e: ErrorObject, data: unknown): { pointer: string; message: string; hint: string } {
  const at = e.instancePath;
  if (e.propertyName !== undefined) {
    return {
      pointer: `${at}${toPointer([e.propertyName])}`,
      message: `key "${e.propertyName}" in ${label(at)} is not a valid name (${e.message ?? 'invalid'})`,
      hint: 'names are lowercase letters, digits and hyphens (DNS-1123 label)',
    };
  }
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {}).sort();
      const guess = nearest(key, allowed);
      return {
        pointer: `${at}${toPointer([key])}`,
        message: `unknown key "${key}" in ${label(at)}`,
        hint: guess ? `did you mean "${guess}"? valid keys: ${allowed.join(', ')}` : `valid keys: ${allowed.join(', ')}`,
      };
    }
    case 'required': {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      return { pointer: at, message: `${label(at)} is missing the required key "${key}"`, hint: `add "${key}:" here` };
    }
    case 'type': {
      const expected = String((e.params as { type: string | string[] }).type);
      const actual = valueAt(data, at);
      // JSON has no infinity or NaN: show them as YAML wrote them, not as JSON's null.
      const shown = typeof actual === 'number' && !Number.isFinite(actual) ? (Number.isNaN(actual) ? '.nan' : actual > 0 ? '.inf' : '-.inf') : JSON.stringify(actual);
      const wanted = expected.split(',').join(' or ');
      const hint = expected === 'string' ? 'quote the value, e.g. "2" or "yes", so YAML keeps it a string' : typeof actual === 'number' ? 'write a finite value, e.g. "64Gi" or 10' : `use a ${wanted}`;
      return { pointer: at, message: `${label(at)} must be a ${wanted}, got ${shown}`, hint };
    }
    case 'enum':
      return {
        pointer: at,
        message: `${label(at)} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`,
        hint: 'use one of the listed values',
      };
    case 'const':
      return { pointer: at, message: `${label(at)} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`, hint: 'this file format is version 1' };
    case 'pattern':
      return { pointer: at, message: `${label(at)} ${JSON.stringify(valueAt(data, at))} does not match ${(e.params as { pattern: string }).pattern}`, hint: 'see the field description in schemas/tenants.schema.json' };
    default:
      return { pointer: at, message: `${label(at)} ${e.message ?? 'is invalid'}`, hint: 'see schemas/tenants.schema.json' };
  }
}

export function valueAt(data: unknown, pointer: string): unknown {
  let v = data;
  for (const seg of pointerSegments(pointer)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

/**
 * Schema errors for the whole file, one per problem, positioned in the file.
 * `shapesValid` says the only problems are unknown keys, so the semantic checks
 * can still run and every error is reported in one run.
 */
export function schemaErrors(input: ParsedInput, file: string): { diagnostics: Diagnostic[]; shapesValid: boolean } {
  const validate = schemaValidator();
  if (validate(input.data)) return { diagnostics: [], shapesValid: true };
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  let shapesValid = true;
  for (const e of validate.errors ?? []) {
    // propertyNames reports twice (the name and the keyword); keep the named one.
    if (e.keyword === 'propertyNames') continue;
    if (e.keyword !== 'additionalProperties') shapesValid = false;
    const { pointer, message, hint } = describeSchemaError(e, input.data);
    const key = `${pointer}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(inputError(file, input.locate(pointer), message, hint, pointer));
  }
  return { diagnostics: out, shapesValid };
}
