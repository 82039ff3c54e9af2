import { describe, expect, it } from 'vitest';
import { splitServiceAccountUser, userInfo } from '../../../src/analysis/rbac/user.js';

// Rows encode staging/src/k8s.io/apiserver/pkg/endpoints/filters/impersonation.go.
describe('userInfo', () => {
  it.each([
    // A plain user gets system:authenticated.
    ['alice', [], ['system:authenticated']],
    // Explicit groups are kept and system:authenticated is appended.
    ['alice', ['platform-admins'], ['platform-admins', 'system:authenticated']],
    // Not duplicated when given.
    ['alice', ['system:authenticated'], ['system:authenticated']],
    // "If 'system:unauthenticated' group has been specified we should not include the 'system:authenticated' group."
    ['alice', ['system:unauthenticated'], ['system:unauthenticated']],
    // A service-account user without groups gets its fixed groups (serviceaccount.MakeGroupNames) plus authenticated.
    ['system:serviceaccount:team-a:app', [], ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated']],
    // "if groups aren't specified for a service account, we know the groups" — given groups replace them.
    ['system:serviceaccount:team-a:app', ['ops'], ['ops', 'system:authenticated']],
    // The anonymous user is unauthenticated.
    ['system:anonymous', [], ['system:unauthenticated']],
    // A malformed service-account name is a plain user.
    ['system:serviceaccount:only-ns', [], ['system:authenticated']],
  ])('%s %j', (user, groups, expected) => {
    expect(userInfo(user, groups)).toEqual({ name: user, groups: expected });
  });

  it('splits service-account usernames', () => {
    expect(splitServiceAccountUser('system:serviceaccount:a:b')).toEqual({ namespace: 'a', name: 'b' });
    expect(splitServiceAccountUser('system:serviceaccount:a:b:c')).toBeUndefined();
    expect(splitServiceAccountUser('alice')).toBeUndefined();
  });
});
