import { parseManifests } from '../../../src/manifest/parse.js';
import type { Manifest } from '../../../src/manifest/types.js';

/** Parses a multi-document YAML fixture, failing loudly on any parse finding. */
export function manifests(yaml: string): Manifest[] {
  // Fixtures are built by joining documents, which can leave an empty last document.
  const r = parseManifests(yaml.replace(/---\s*$/, ''), { file: 'fixture.yaml' });
  if (r.diagnostics.length > 0) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.manifests;
}
