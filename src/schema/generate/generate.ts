import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { DEFINITIONS_FILE, schemaFileName, stableStringify } from '../layout.js';
import { Converter, EMPTY_ACCEPTED_ENUMS, type JsonSchema } from './convert.js';
import { readmeText, type SourcePackage } from './readme.js';
import { REMOVED_GROUP_VERSIONS } from './removed.js';

/** Pinned packages whose .d.ts files are the schema source; apimachinery holds ObjectMeta and friends. */
export const SOURCE_PACKAGES = [
  'kubernetes-models',
  '@kubernetes-models/apimachinery',
  '@kubernetes-models/argo-cd',
  '@kubernetes-models/flux-cd',
] as const;

export interface GeneratedKind {
  apiVersion: string;
  kind: string;
  file: string;
  source: (typeof SOURCE_PACKAGES)[number];
}

export interface GenerateResult {
  /** Relative path under the schemas/ directory → file contents. */
  files: Map<string, string>;
  kinds: GeneratedKind[];
}

/**
 * Reads the pinned .d.ts files with the TypeScript compiler and returns every
 * schema file, README included. Pure apart from reading `repoRoot`, so CI can
 * compare the result with the committed tree.
 */
export function generateSchemas(repoRoot: string): GenerateResult {
  const packages = SOURCE_PACKAGES.map((name) => ({ name, dir: join(repoRoot, 'node_modules', name) }));
  const roots = packages.flatMap((p) => typeFiles(p.dir));
  const program = ts.createProgram(roots, {
    noEmit: true,
    types: [],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
  });
  const converter = new Converter(program.getTypeChecker());
  const kinds: GeneratedKind[] = [];
  const files = new Map<string, string>();
  for (const pkg of packages) {
    for (const root of roots.filter((f) => f.startsWith(pkg.dir + '/')).sort()) {
      const sf = program.getSourceFile(root);
      if (!sf) throw new Error(`${root}: not loaded by the TypeScript program`);
      for (const decl of sf.statements.filter(ts.isInterfaceDeclaration)) {
        const gvk = kindOf(decl);
        if (!gvk || (pkg.name === 'kubernetes-models' && REMOVED_GROUP_VERSIONS.has(gvk.apiVersion))) continue;
        const file = `kubernetes/${schemaFileName(gvk.apiVersion, gvk.kind)}`;
        if (files.has(file)) {
          throw new Error(`${relative(repoRoot, root)}: ${gvk.apiVersion} ${gvk.kind} collides with another kind on ${file}`);
        }
        files.set(file, stableStringify(converter.kindSchema(decl)));
        kinds.push({ ...gvk, file, source: pkg.name });
      }
    }
  }
  const stale = Object.keys(EMPTY_ACCEPTED_ENUMS).filter((f) => !converter.emptyAccepted.has(f));
  if (stale.length > 0) throw new Error(`EMPTY_ACCEPTED_ENUMS names fields that are not enums without "": ${stale.join(', ')}`);
  const definitions: Record<string, JsonSchema> = {};
  for (const [name, schema] of converter.definitions) definitions[name] = schema;
  files.set(`kubernetes/${DEFINITIONS_FILE}`, stableStringify({ definitions }));
  files.set('README.md', readmeText(repoRoot, packages.map(readPackage), kinds));
  return { files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), kinds };
}

/** A kind is an interface extending TypeMeta whose apiVersion and kind are string literals. */
function kindOf(decl: ts.InterfaceDeclaration): { apiVersion: string; kind: string } | undefined {
  const extendsTypeMeta = decl.heritageClauses?.some((c) => c.types.some((t) => t.expression.getText() === 'TypeMeta'));
  if (!extendsTypeMeta) return undefined;
  const literal = (prop: string): string | undefined => {
    const member = decl.members.find(
      (m) => ts.isPropertySignature(m) && m.name && (ts.isStringLiteral(m.name) || ts.isIdentifier(m.name)) && m.name.text === prop,
    );
    const type = member && ts.isPropertySignature(member) ? member.type : undefined;
    return type && ts.isLiteralTypeNode(type) && ts.isStringLiteral(type.literal) ? type.literal.text : undefined;
  };
  const apiVersion = literal('apiVersion');
  const kind = literal('kind');
  if (!apiVersion || !kind) {
    throw new Error(`${decl.getSourceFile().fileName}: ${decl.name.text} extends TypeMeta without literal apiVersion and kind`);
  }
  return { apiVersion, kind };
}

/** Every model .d.ts of a package; `_schemas/` (runtime validators) and barrel index files carry no types. */
function typeFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        if (name !== '_schemas' && name !== 'node_modules') walk(p);
      } else if (name.endsWith('.d.ts') && name !== 'index.d.ts') {
        out.push(p);
      }
    }
  };
  walk(dir);
  return out;
}

function readPackage(p: { name: string; dir: string }): SourcePackage {
  const json = JSON.parse(readFileSync(join(p.dir, 'package.json'), 'utf8')) as { version: string; license: string };
  return { name: p.name, version: json.version, license: json.license };
}
