import type { Level } from './types.js';
import { parsePolicyVersion } from './registry.js';

export type PodSecurityMode = 'enforce' | 'audit' | 'warn';

export interface LevelVersion {
  level: Level;
  /** `latest` or `v1.x`. */
  version: string;
}

export interface LabelError {
  label: string;
  value: string;
  message: string;
}

export interface PodSecurityPolicy {
  enforce: LevelVersion;
  audit: LevelVersion;
  warn: LevelVersion;
  /** Labels upstream would reject; the policy above already holds upstream's fallback for each. */
  errors: LabelError[];
}

const levels: readonly Level[] = ['privileged', 'baseline', 'restricted'];

/**
 * Resolve `pod-security.kubernetes.io/*` namespace labels the way upstream's
 * PolicyToEvaluate does: a missing label takes the default (privileged, latest);
 * an invalid level fails closed for enforce (restricted) and open for audit and
 * warn (privileged); an invalid version becomes latest.
 */
export function parsePodSecurityLabels(
  namespaceLabels: Record<string, string> | undefined,
  defaults: LevelVersion = { level: 'privileged', version: 'latest' },
): PodSecurityPolicy {
  const labels = namespaceLabels ?? {};
  const errors: LabelError[] = [];
  const resolve = (mode: PodSecurityMode): LevelVersion => {
    const out: LevelVersion = { ...defaults };
    const levelLabel = `pod-security.kubernetes.io/${mode}`;
    const versionLabel = `${levelLabel}-version`;
    const level = labels[levelLabel];
    if (level !== undefined) {
      if ((levels as readonly string[]).includes(level)) {
        out.level = level as Level;
      } else {
        out.level = mode === 'enforce' ? 'restricted' : 'privileged';
        errors.push({ label: levelLabel, value: level, message: `must be one of ${levels.join(', ')}` });
      }
    }
    const version = labels[versionLabel];
    if (version !== undefined) {
      if (parsePolicyVersion(version) !== undefined) {
        out.version = version;
      } else {
        out.version = 'latest';
        errors.push({ label: versionLabel, value: version, message: 'must be "latest" or "v1.x"' });
      }
    }
    return out;
  };
  return { enforce: resolve('enforce'), audit: resolve('audit'), warn: resolve('warn'), errors };
}
