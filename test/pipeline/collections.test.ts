import { describe, expect, it } from 'vitest';
import { sortedUnion } from '../../src/collections.js';

describe('sortedUnion', () => {
  const reference = (a: string[], b: string[]) => [...new Set([...a, ...b])].sort();

  it('merges two sorted lists into their sorted union, each common string once', () => {
    const a = ['a/x', 'a/y', 'b', 'c-d/z', 'c/z'].sort();
    const b = ['a/y', 'a0', 'c/z', 'd'];
    expect(sortedUnion(a, b)).toEqual(reference(a, b));
    expect(sortedUnion(b, a)).toEqual(reference(a, b));
    expect(sortedUnion([], b)).toEqual(b);
    expect(sortedUnion(a, [])).toEqual(a);
  });

  it('sorts whole when either list is out of order, whatever the merge would have given', () => {
    for (const [a, b] of [
      [['b', 'a'], ['c']],
      [['a', 'c'], ['d', 'b']],
      // Out of order and repeating: the merge alone would give "a" twice.
      [['b', 'c'], ['a', 'b', 'a']],
    ] as [string[], string[]][]) {
      expect(sortedUnion(a, b)).toEqual(reference(a, b));
    }
  });
});
