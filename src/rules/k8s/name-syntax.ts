import type { Rule } from '../types.js';
import { dns1035Label, dns1123Label, dns1123Subdomain, pathSegmentName } from '../../manifest/names.js';

type Messages = 'name' | 'namespace';

interface NameFormat {
  label: string;
  check(v: string): string | undefined;
  /** Upstream caps some kinds below their format's length because the name is reused in a longer one. */
  maxLength?: number;
}

const subdomain: NameFormat = { label: 'DNS-1123 subdomain', check: dns1123Subdomain };
const label: NameFormat = { label: 'DNS-1123 label', check: dns1123Label };
const pathSegment: NameFormat = { label: 'path segment name', check: pathSegmentName };

// Kinds whose validator is not NameIsDNSSubdomain; everything else, custom
// resources included, is validated as a subdomain upstream.
const byKind: Record<string, NameFormat> = {
  Namespace: label,
  // Service names become DNS labels of the cluster domain, so they must start with a letter.
  Service: { label: 'DNS-1035 label', check: dns1035Label },
  // Pod names `<set>-<ordinal>` also serve as hostnames and label values.
  StatefulSet: label,
  Role: pathSegment,
  ClusterRole: pathSegment,
  RoleBinding: pathSegment,
  ClusterRoleBinding: pathSegment,
  PersistentVolume: pathSegment,
  // The job-name label on its pods carries the name, and label values stop at 63.
  Job: { ...subdomain, maxLength: 63 },
  // Jobs are named `<cronjob>-<11-char schedule suffix>`, which must still fit 63.
  CronJob: { ...subdomain, maxLength: 52 },
};

export function nameFormatOf(kind: string): NameFormat {
  return byKind[kind] ?? subdomain;
}

/** metadata.name and metadata.namespace in the format the API server validates them for the kind. */
export const nameSyntax: Rule<Messages> = {
  meta: {
    local: true,
    id: 'k8s/name-syntax',
    messages: {
      name: '{kind} name "{value}" is not a valid {format}: {reason}',
      namespace: 'namespace "{value}" is not a valid DNS-1123 label: {reason}',
    },
  },
  checkManifest(m, ctx) {
    const { kind, metadata } = m.object;
    const name = metadata?.name;
    if (typeof name === 'string' && name !== '') {
      const format = nameFormatOf(kind);
      const reason =
        format.check(name) ?? (format.maxLength !== undefined && name.length > format.maxLength ? `must be no more than ${format.maxLength} characters` : undefined);
      if (reason) {
        ctx.report({
          manifest: m,
          messageId: 'name',
          pointer: '/metadata/name',
          actual: name,
          expected: format.label,
          data: { kind, value: name, format: format.label, reason },
        });
      }
    }
    const ns = metadata?.namespace;
    if (typeof ns === 'string' && ns !== '') {
      const reason = dns1123Label(ns);
      if (reason) {
        ctx.report({ manifest: m, messageId: 'namespace', pointer: '/metadata/namespace', actual: ns, expected: 'DNS-1123 label', data: { value: ns, reason } });
      }
    }
  },
};
