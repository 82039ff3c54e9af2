import { describe, expect, it } from 'vitest';
import { createTwoFilesPatch } from 'diff';
import { compareTrees } from '../../src/tree/compare.js';

/** A rendered tree that may be looked up by path but never walked: the comparison must not cost a pass over every file. */
class Unwalkable extends Map<string, string> {
  override keys(): MapIterator<string> {
    throw new Error('walked the whole tree');
  }
  override entries(): MapIterator<[string, string]> {
    throw new Error('walked the whole tree');
  }
  override [Symbol.iterator](): MapIterator<[string, string]> {
    throw new Error('walked the whole tree');
  }
}

describe('compareTrees', () => {
  it('reports each changed, extra and missing file in path order, looking up only those', () => {
    const expected = new Unwalkable([
      ['rendered/a/one.yaml', 'a: 1\n'],
      ['rendered/b/two.yaml', 'b: 2\nc: 3\n'],
      ['rendered/c/three.yaml', 'c: 3\n'],
      ['rendered/d/same.yaml', 'd: 4\n'],
    ]);
    const differing = new Map([
      ['rendered/z/extra.yaml', 'z: 0\n'],
      ['rendered/b/two.yaml', 'b: 2\nc: 30\n'],
    ]);
    const found = compareTrees(expected, differing, ['rendered/c/three.yaml'], createTwoFilesPatch);
    expect(found.map((d) => [d.ruleId, d.file?.path, d.file?.line])).toEqual([
      ['drift/changed', 'rendered/b/two.yaml', 2],
      ['drift/missing', 'rendered/c/three.yaml', 1],
      ['drift/extra', 'rendered/z/extra.yaml', 1],
    ]);
    expect(found[0]!.detail).toContain('-c: 30\n+c: 3');
    expect(found[1]!.detail).toContain('+c: 3');
    expect(found[2]!.detail).toContain('-z: 0');
  });

  it('shows the first 25 diffs and counts the rest', () => {
    const expected = new Map<string, string>();
    const differing = new Map<string, string>();
    for (let i = 0; i < 30; i++) {
      const p = `rendered/t${String(i).padStart(2, '0')}/f.yaml`;
      expected.set(p, `v: ${i}\n`);
      differing.set(p, `v: edited\n`);
    }
    const found = compareTrees(expected, differing, [], createTwoFilesPatch);
    expect(found.filter((d) => d.ruleId === 'drift/changed')).toHaveLength(30);
    expect(found.filter((d) => d.detail !== undefined)).toHaveLength(25);
    expect(found.at(-1)!.message).toBe('30 files drift; diffs shown for the first 25');
  });
});
