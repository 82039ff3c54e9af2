import path from 'node:path';
import { proveGroups, type Grouping } from '../analysis/isolation/groups.js';
import { diagnostic, findingDescriptors } from '../diagnostics/catalogue.js';
import { exitCodeFor, objectInFile, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { CheckResult } from '../diagnostics/result.js';
import { readInputs } from '../manifest/read-inputs.js';
import { objectRef, type Manifest } from '../manifest/types.js';
import { contained, runPipeline } from '../pipeline.js';
import { isSupportedVersion, OLDEST_VERSION, parseMinorVersion, SCHEMA_VERSION } from '../schema/api-lifecycle.js';
import { version } from '../version.js';
import { parseOptions, UsageError } from './options.js';
import { verifySpec } from './specs.js';
import type { Command } from './types.js';
import { PHASE_STEP, wantsColor } from './types.js';

/** `Kind` or `GROUP/VERSION/KIND` (`v1/Secret` for the core group), comma-separated and repeatable, as kubeconform takes them. */
function kindMatcher(lists: readonly string[]): (m: Manifest) => boolean {
  const tokens = new Set(lists.flatMap((l) => l.split(',')).map((t) => t.trim()).filter(Boolean));
  return (m) => tokens.has(m.object.kind) || tokens.has(`${m.object.apiVersion}/${m.object.kind}`);
}

function grouping(label: string | undefined, prefix: string | undefined): Grouping {
  if (label !== undefined && prefix !== undefined) throw new UsageError('--tenant-label and --tenant-prefix are alternatives: pass one');
  if (label !== undefined) return { by: 'label', key: label };
  if (prefix !== undefined) return { by: 'prefix', prefix };
  return { by: 'namespace' };
}

/** kubeconform's closing line, so scripts that read it keep working. */
function summaryLine(total: number, files: number, skipped: number, diagnostics: readonly Diagnostic[]): string {
  const objectKey = (d: Diagnostic) => (d.object ? objectInFile(d.file?.path, d.object) : undefined);
  const invalid = new Set(diagnostics.filter((d) => d.severity === 'error' && d.kind !== 'failure' && !d.waived).map(objectKey).filter((k) => k !== undefined));
  const errors = diagnostics.filter((d) => d.kind === 'failure').length;
  const checked = total - skipped;
  return `Summary: ${total} resource${total === 1 ? '' : 's'} found in ${files} file${files === 1 ? '' : 's'} - Valid: ${Math.max(0, checked - invalid.size)}, Invalid: ${invalid.size}, Errors: ${errors}, Skipped: ${skipped}\n`;
}

export const verify: Command = {
  spec: verifySpec,
  async run(argv, ctx) {
    const { values, positionals } = parseOptions(verifySpec, argv);
    const format = values.output ?? values.format ?? 'text';
    if (values.output !== undefined && values.format !== undefined && values.output !== values.format) {
      throw new UsageError(`--output ${values.output} and --format ${values.format} disagree: pass one`);
    }
    let target;
    if (values['kubernetes-version'] !== undefined) {
      target = parseMinorVersion(values['kubernetes-version']);
      if (!target || !isSupportedVersion(target)) {
        throw new UsageError(`--kubernetes-version must be a release from ${OLDEST_VERSION} to ${SCHEMA_VERSION} (e.g. 1.29), not "${values['kubernetes-version']}"`);
      }
    }
    const groups = grouping(values['tenant-label'], values['tenant-prefix']);
    const read = await readInputs(positionals, { cwd: ctx.cwd, ...(ctx.stdin ? { stdin: ctx.stdin } : {}) });
    const skip = kindMatcher(values.skip);
    const reject = kindMatcher(values.reject);
    const kept: Manifest[] = [];
    const diagnostics: Diagnostic[] = [...read.diagnostics];
    let skipped = 0;
    for (const m of read.manifests) {
      if (skip(m)) skipped++;
      else if (reject(m)) {
        diagnostics.push(
          diagnostic('manifest/rejected-kind', `${m.object.apiVersion} ${m.object.kind} is rejected by --reject`, {
            object: objectRef(m.object),
            file: { path: m.file, ...m.locate('/kind') },
          }),
        );
      } else kept.push(m);
    }
    const noInput = read.manifests.length === 0 && !read.diagnostics.some((d) => d.kind === 'failure');
    if (noInput) diagnostics.push(diagnostic('input/manifests', `no Kubernetes objects found in ${positionals.join(', ')}`));
    const r = await runPipeline({
      ...(ctx.progress && !values.quiet ? { onPhase: (phase: string) => ctx.progress!(PHASE_STEP[phase] ?? phase) } : {}),
      root: ctx.cwd,
      manifests: kept,
      files: read.files,
      stages: ['schema', 'rules'],
      schema: {
        schemaLocation: values['schema-location'].map((d) => (d === 'default' ? d : path.resolve(ctx.cwd, d))),
        crdFiles: values.crd.map((f) => path.resolve(ctx.cwd, f)),
        ignoreMissingSchemas: values['ignore-missing-schemas'],
        ...(target ? { kubernetesVersion: target } : {}),
      },
    });
    diagnostics.push(...r.diagnostics);
    const sections = [];
    if (!r.diagnostics.some((d) => d.ruleId === 'schema/load')) {
      // An object whose shape its schema refuses (reported above) can stop the proof: it is then reported as not run, as check does.
      const refused = new Set(r.diagnostics.filter((d) => d.ruleId === 'schema/invalid').map((d) => objectInFile(d.file?.path, d.object)));
      const proof = contained('the isolation proofs', kept, (m) => refused.has(objectInFile(m.file, objectRef(m.object))), () => proveGroups(kept, groups));
      diagnostics.push(...proof.diagnostics);
      sections.push(...proof.sections);
    }
    const sorted = sortDiagnostics(diagnostics);
    const result: CheckResult = {
      diagnostics: sorted,
      summary: { files: read.files, objects: read.manifests.length, tenants: groups.by === 'namespace' ? 0 : (sections[0]?.json as { groups: string[] } | undefined)?.groups.length ?? 0 },
      rules: findingDescriptors(),
      sections,
    };
    const color = wantsColor(ctx) && format === 'text';
    const { formatters } = await import('../output/index.js');
    const out = formatters[format](result, { color, toolVersion: version });
    const summary = values.summary ? summaryLine(read.manifests.length, read.files, skipped, sorted) : '';
    return {
      stdout: format === 'text' ? `${out}${summary}` : out,
      ...(summary && format !== 'text' ? { stderr: summary } : {}),
      exitCode: exitCodeFor(sorted),
    };
  },
};
