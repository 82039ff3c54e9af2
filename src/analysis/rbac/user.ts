/**
 * The identity the API server builds when a request impersonates `--as USER
 * --as-group G` (staging/src/k8s.io/apiserver/pkg/endpoints/filters/impersonation.go).
 */
import type { UserInfo } from './types.js';

export const SA_USER_PREFIX = 'system:serviceaccount:';
export const ALL_SERVICE_ACCOUNTS = 'system:serviceaccounts';
export const AUTHENTICATED = 'system:authenticated';
export const UNAUTHENTICATED = 'system:unauthenticated';
export const ANONYMOUS = 'system:anonymous';

export function serviceAccountUser(namespace: string, name: string): string {
  return `${SA_USER_PREFIX}${namespace}:${name}`;
}

/** `system:serviceaccount:<ns>:<name>` → its parts; anything else → undefined. */
export function splitServiceAccountUser(user: string): { namespace: string; name: string } | undefined {
  if (!user.startsWith(SA_USER_PREFIX)) return undefined;
  const parts = user.slice(SA_USER_PREFIX.length).split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { namespace: parts[0], name: parts[1] };
}

export function serviceAccountGroups(namespace: string): string[] {
  return [ALL_SERVICE_ACCOUNTS, `${ALL_SERVICE_ACCOUNTS}:${namespace}`];
}

/**
 * A service-account user gets its two service-account groups only when no
 * group was given (explicit groups replace them, as with impersonation). Every
 * user but `system:anonymous` then gets `system:authenticated`, unless the
 * groups already hold it or `system:unauthenticated`; the anonymous user gets
 * `system:unauthenticated`.
 */
export function userInfo(asUser: string, asGroups: readonly string[] = []): UserInfo {
  let groups = [...asGroups];
  const sa = splitServiceAccountUser(asUser);
  if (sa && groups.length === 0) groups = serviceAccountGroups(sa.namespace);
  if (asUser !== ANONYMOUS) {
    if (!groups.some((g) => g === AUTHENTICATED || g === UNAUTHENTICATED)) groups.push(AUTHENTICATED);
  } else if (!groups.includes(UNAUTHENTICATED)) {
    groups.push(UNAUTHENTICATED);
  }
  return { name: asUser, groups };
}
