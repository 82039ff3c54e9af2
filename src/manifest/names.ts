/**
 * The apimachinery identifier formats, returning the first upstream message a
 * value violates (undefined = valid). Messages keep upstream's wording so a
 * finding reads like the rejection it pre-empts.
 */

const label1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The characters of an RFC 1123 label, ignoring its length: namespace names add a prefix before length counts. */
export function isLabel1123Shape(v: string): boolean {
  return label1123.test(v);
}
const label1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const subdomain1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const qualifiedNamePart = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const labelValueRe = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export const labelMaxLength = 63;
export const subdomainMaxLength = 253;
/** ValidateAnnotations caps the sum of key and value lengths of one object. */
export const totalAnnotationSizeLimit = 256 * 1024;

export function dns1123Label(v: string): string | undefined {
  if (v.length > labelMaxLength) return `must be no more than ${labelMaxLength} characters`;
  if (!label1123.test(v)) {
    return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
  }
  return undefined;
}

export function dns1035Label(v: string): string | undefined {
  if (v.length > labelMaxLength) return `must be no more than ${labelMaxLength} characters`;
  if (!label1035.test(v)) {
    return "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
  }
  return undefined;
}

export function dns1123Subdomain(v: string): string | undefined {
  if (v.length > subdomainMaxLength) return `must be no more than ${subdomainMaxLength} characters`;
  if (!subdomain1123.test(v)) {
    return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

/** RBAC objects and PersistentVolumes: the name only has to survive as one URL path segment. */
export function pathSegmentName(v: string): string | undefined {
  if (v === '.' || v === '..') return `may not be '${v}'`;
  if (v.includes('/')) return "may not contain '/'";
  if (v.includes('%')) return "may not contain '%'";
  return undefined;
}

/** Label and annotation keys: `[prefix/]name`, prefix a DNS subdomain, name ≤ 63. */
export function qualifiedName(v: string): string | undefined {
  const parts = v.split('/');
  if (parts.length > 2) return "a qualified name must consist of an optional DNS subdomain prefix and '/' followed by a name";
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix.length === 0) return 'prefix part must be non-empty';
    const bad = dns1123Subdomain(prefix);
    if (bad) return `prefix part ${bad}`;
  }
  if (name.length === 0) return 'name part must be non-empty';
  if (name.length > labelMaxLength) return `name part must be no more than ${labelMaxLength} characters`;
  if (!qualifiedNamePart.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

export function labelValue(v: string): string | undefined {
  if (v.length > labelMaxLength) return `must be no more than ${labelMaxLength} characters`;
  if (!labelValueRe.test(v)) {
    return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

/** IANA_SVC_NAME, as container port names and named targetPorts must be. */
export function portName(v: string): string | undefined {
  if (v.length > 15) return 'must be no more than 15 characters';
  if (!/^[-a-z0-9]+$/.test(v)) return 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)';
  if (v.includes('--')) return 'must not contain consecutive hyphens';
  if (!/[a-z]/.test(v)) return 'must contain at least one letter (a-z)';
  if (v.startsWith('-') || v.endsWith('-')) return 'must not begin or end with a hyphen';
  return undefined;
}
