// kubeconform on the same rendered tree, with our own schemas: the schema-only baseline
// `check` is compared with.
import type { Child } from './measure.js';

/**
 * schemas/kubernetes/ is laid out as kubeconform names schemas: `{kind}-{first label of the
 * group}-{version}.json`, which is exactly its `{{ .ResourceKind }}{{ .KindSuffix }}` template.
 */
export function kubeconformChild(binary: string, repo: string, root: string): Child {
  return {
    cmd: binary,
    args: [
      '-strict',
      '-n', '2',
      '-summary',
      // kustomization.yaml files are kustomize's build input, not objects applied to the
      // cluster (check does not count them either); their kind would also collide with
      // Flux's Kustomization, since the layout keeps only the group's first label.
      '-ignore-filename-pattern', '(^|/)kustomization\\.yaml$',
      '-schema-location', `${repo}/schemas/kubernetes/{{ .ResourceKind }}{{ .KindSuffix }}.json`,
      'rendered',
    ],
    cwd: root,
  };
}

export interface KubeconformSummary {
  resources: number;
  files: number;
  valid: number;
  invalid: number;
  errors: number;
  skipped: number;
}

export function parseSummary(stdout: string): KubeconformSummary | null {
  const m = /Summary: (\d+) resources? found in (\d+) files? - Valid: (\d+), Invalid: (\d+), Errors: (\d+), Skipped: (\d+)/.exec(stdout);
  if (!m) return null;
  const [resources, files, valid, invalid, errors, skipped] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return { resources, files, valid, invalid, errors, skipped };
}

/** Why this run does not count as a full validation of `objects` objects, or null when it does. */
export function validationProblem(summary: KubeconformSummary | null, objects: number, output: string): string | null {
  if (!summary) return 'no summary line in kubeconform output';
  if (/could not find schema/.test(output)) return 'kubeconform could not find a schema';
  if (summary.invalid || summary.errors || summary.skipped) return `invalid ${summary.invalid}, errors ${summary.errors}, skipped ${summary.skipped}`;
  if (summary.valid !== objects) return `kubeconform validated ${summary.valid} resources, check counted ${objects} objects`;
  return null;
}
