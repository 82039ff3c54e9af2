import { diagnostic, type FindingId } from '../diagnostics/catalogue.js';
import jsYaml from 'js-yaml';
import { yamlLib } from './lazy.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { locateInText } from './locate.js';
import { boundExceeded, firstAlias, MAX_ALIASES, mayHaveAliases, tooLarge, unresolvedAlias, unresolvedAliasMessage } from './yaml-bounds.js';
import type { KubeObject, Manifest, Position } from './types.js';

export interface ParseOptions {
  /** Repo-relative path used in findings. */
  file: string;
  origin?: { template: string; tenant?: string };
  /** Rule id for YAML syntax errors (input errors and rendered-tree errors differ). */
  ruleId?: FindingId;
}

export interface ParseResult {
  manifests: Manifest[];
  diagnostics: Diagnostic[];
}

export function makeManifest(
  object: KubeObject,
  file: string,
  text: string,
  docIndex: number,
  origin?: { template: string; tenant?: string },
  basePointer = '',
): Manifest {
  const m: Manifest = {
    object,
    file,
    docIndex,
    locate: (pointer: string): Position => locateInText(text, docIndex, basePointer + pointer),
  };
  return origin ? { ...m, origin } : m;
}

/**
 * Parses a multi-document YAML text into manifests. Duplicate keys and syntax
 * errors become diagnostics with file:line:column; documents that are not a
 * Kubernetes object (no apiVersion/kind) are reported, never silently dropped.
 */
export function parseManifests(text: string, opts: ParseOptions): ParseResult {
  const fail = (message: string, line = 1): ParseResult => ({
    manifests: [],
    diagnostics: [{ ...diagnostic(opts.ruleId ?? 'manifest/yaml-syntax', message, { hint: 'this file is refused as a whole; write it without deep nesting or chains of aliases' }), file: { path: opts.file, line, column: 1 } }],
  });
  const big = tooLarge(text);
  if (big) return fail(big);
  try {
    return (mayHaveAliases(text) ? undefined : parseFast(text, opts)) ?? parsePositioned(text, opts);
  } catch (e) {
    const why = boundExceeded(e);
    if (!why) throw e;
    return fail(why, firstAlias(text).line);
  }
}

/**
 * The common case, valid YAML of plain objects, through the faster parser
 * (YAML 1.2 core schema, duplicate keys rejected). Anything unusual returns
 * undefined so the positioned parser can explain it at file:line:column.
 */
function parseFast(text: string, opts: ParseOptions): ParseResult | undefined {
  let docs: unknown[];
  try {
    docs = jsYaml.loadAll(text, undefined, { schema: jsYaml.CORE_SCHEMA });
  } catch {
    return undefined;
  }
  const manifests: Manifest[] = [];
  for (const [docIndex, doc] of docs.entries()) {
    if (doc === null || doc === undefined) continue;
    const o = doc as Record<string, unknown>;
    if (typeof o !== 'object' || Array.isArray(o) || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') return undefined;
    if (isBuildConfig(o.apiVersion)) continue;
    if (/List$/.test(o.kind) && Array.isArray(o.items)) return undefined;
    if (!isMapping(o.metadata)) return undefined;
    manifests.push(makeManifest(o as KubeObject, opts.file, text, docIndex, opts.origin));
  }
  return { manifests, diagnostics: [] };
}

function parsePositioned(text: string, opts: ParseOptions): ParseResult {
  const { LineCounter, parseAllDocuments, isMap } = yamlLib();
  const ruleId = opts.ruleId ?? 'manifest/yaml-syntax';
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const diagnostics: Diagnostic[] = [];
  const manifests: Manifest[] = [];
  const list = Array.isArray(docs) ? docs : [];
  const where = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { path: opts.file, line, column: col };
  };
  const originFields = opts.origin ? { origin: opts.origin, ...(opts.origin.tenant ? { tenant: opts.origin.tenant } : {}) } : {};
  list.forEach((doc, docIndex) => {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const dup = /unique/i.test(e.message);
        diagnostics.push(diagnostic(ruleId, dup ? `duplicate key: ${firstLine(e.message)}` : `invalid YAML: ${firstLine(e.message)}`, { severity: 'error', kind: 'failure', file: where(e.pos[0]), hint: dup ? 'remove or rename one of the repeated keys' : 'fix the YAML syntax at this position', ...originFields }));
      }
      return;
    }
    if (doc.contents === null) return;
    if (!isMap(doc.contents)) {
      diagnostics.push(diagnostic('manifest/not-an-object', 'YAML document is not a mapping, so it cannot be a Kubernetes object', { file: where(doc.contents.range?.[0] ?? 0), hint: 'each document must be a map with apiVersion, kind and metadata', ...originFields }));
      return;
    }
    let value: Record<string, unknown>;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIASES }) as Record<string, unknown>;
    } catch (e) {
      // The parser reports no error for an alias without its anchor; building the data throws on it.
      const alias = unresolvedAlias(e, text, doc.range?.[0]);
      if (!alias) throw e;
      const { message, hint } = unresolvedAliasMessage(alias.name);
      diagnostics.push(diagnostic(ruleId, `invalid YAML: ${message}`, { severity: 'error', kind: 'failure', file: where(alias.offset), hint, ...originFields }));
      return;
    }
    if (typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') {
      const pos = locateInText(text, docIndex, typeof value.apiVersion !== 'string' ? '/apiVersion' : '/kind');
      diagnostics.push(diagnostic('manifest/not-an-object', 'document has no string apiVersion and kind, so it is not a Kubernetes object', { file: { path: opts.file, ...pos }, hint: 'add apiVersion and kind, or remove the document', ...originFields }));
      return;
    }
    if (isBuildConfig(value.apiVersion)) return;
    // A v1 List (kubectl get -o yaml) carries its objects in items.
    if (/List$/.test(value.kind) && Array.isArray(value.items)) {
      // Typed lists (PodList) may omit each item's kind; it is the list's kind minus "List".
      const itemKind = value.kind === 'List' ? undefined : value.kind.slice(0, -'List'.length);
      value.items.forEach((item: unknown, i: number) => {
        const o = item as Record<string, unknown> | null;
        if (!o || typeof o !== 'object') return;
        const typed =
          typeof o.apiVersion === 'string' && typeof o.kind === 'string'
            ? o
            : itemKind
              ? { apiVersion: value.apiVersion, kind: itemKind, ...o }
              : undefined;
        if (!typed) return;
        if (!isMapping(typed.metadata)) {
          diagnostics.push(noMetadata(opts, text, docIndex, `/items/${i}`, originFields));
          return;
        }
        manifests.push(makeManifest(typed as KubeObject, opts.file, text, docIndex, opts.origin, `/items/${i}`));
      });
      return;
    }
    if (!isMapping(value.metadata)) {
      diagnostics.push(noMetadata(opts, text, docIndex, '', originFields));
      return;
    }
    manifests.push(makeManifest(value as KubeObject, opts.file, text, docIndex, opts.origin));
  });
  return { manifests, diagnostics };
}

/** kustomization.yaml and its kin configure a build; the API server never sees them. */
function isBuildConfig(apiVersion: string): boolean {
  return apiVersion.startsWith('kustomize.config.k8s.io/');
}

function isMapping(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function noMetadata(opts: ParseOptions, text: string, docIndex: number, base: string, originFields: Partial<Diagnostic>): Diagnostic {
  return {
    ...diagnostic('manifest/not-an-object', 'object has no metadata mapping, so it has no name and cannot be applied', { hint: 'add metadata with at least a name' }),
    file: { path: opts.file, ...locateInText(text, docIndex, `${base}/kind`) },
    ...originFields,
  };
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
