import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findingEntry, type FindingId } from '../../src/diagnostics/catalogue.js';
import { rules } from '../../src/rules/registry.js';
import { repoRoot } from '../helpers.js';

const entries = Object.entries(rules);

describe('rule conventions', () => {
  it('has rules', () => {
    expect(entries.length).toBeGreaterThan(0);
  });

  it.each(entries)('%s: registry key equals meta.id and the id is group/name', (key, rule) => {
    expect(rule.meta.id).toBe(key);
    expect(key).toMatch(/^[a-z0-9]+\/[a-z0-9-]+$/);
  });

  it.each(entries)('%s: has a doc page that names it', (key) => {
    const doc = path.join(repoRoot, 'docs/rules', `${key}.md`);
    expect(existsSync(doc), `missing ${doc}`).toBe(true);
    expect(readFileSync(doc, 'utf8')).toContain(`# ${key}`);
  });

  it.each(entries)('%s: has a test file with passing and failing fixtures', (key) => {
    const file = path.join(repoRoot, 'test/rules', `${key.replace('/', '-')}.test.ts`);
    expect(existsSync(file), `missing ${file}`).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/passes/);
    expect(text).toMatch(/expectFinding|ruleId/);
  });

  it.each(entries)('%s: has a catalogue entry pointing at its page, and messages', (key, rule) => {
    expect(findingEntry(key as FindingId).doc).toBe(`docs/rules/${key}.md`);
    expect(Object.keys(rule.meta.messages).length).toBeGreaterThan(0);
  });
});
