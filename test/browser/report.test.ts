import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledTenants, cleanupTempRepos } from '../helpers.js';
import type { Locator } from 'playwright-core';
import { hasChromium, openReport, reportFor, screenshot, skipReason, type Browser } from './chromium.js';

/**
 * The HTML report in a real browser: what a reviewer sees, not the markup.
 * Colours are the computed styles of the cells and bars.
 */

const ISOLATED = 'rgb(230, 244, 234)';
const PATH = 'rgb(197, 34, 31)';
const SAME = 'rgb(232, 234, 237)';
const BAR_OK = 'rgb(52, 168, 83)';

const HOSTILE = '</script><img src=x onerror="window.pwned=1"><b>B</b>';

/** Opens every tenant's API to pods of any namespace and every tenant's DNS egress to any pod on any port: a real cross-tenant path. */
async function openPath(root: string): Promise<void> {
  const edits: [string, string, string][] = [
    [
      'templates/tenant/networkpolicy-allow-ingress-api.yaml.ejs',
      '        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: <%- v(platform.ingress.namespace) %>\n',
      '        - namespaceSelector: {}\n',
    ],
    [
      'templates/tenant/networkpolicy-allow-egress-dns.yaml.ejs',
      '        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: <%- v(platform.dns.namespace) %>\n          podSelector:\n            matchLabels: <%- v(platform.dns.podLabels) %>\n      ports:\n        - protocol: UDP\n          port: <%- v(platform.dns.port) %>\n        - protocol: TCP\n          port: <%- v(platform.dns.port) %>\n',
      '        - namespaceSelector: {}\n',
    ],
  ];
  for (const [file, from, to] of edits) {
    const text = await readFile(path.join(root, file), 'utf8');
    if (!text.includes(from)) throw new Error(`${file} no longer has the text this test replaces`);
    await writeFile(path.join(root, file), text.replace(from, to));
  }
}

// The page's globals are reached through globalThis: the tests compile without the DOM library.
type Styled = Record<string, string>;
const style = (l: Locator, prop: 'backgroundColor' | 'color') =>
  l.evaluate((e, p) => (globalThis as unknown as { getComputedStyle(e: unknown): Styled }).getComputedStyle(e)[p]!, prop);
const background = (b: Browser, selector: string) => style(b.page.locator(selector).first(), 'backgroundColor');

afterAll(cleanupTempRepos);

describe.skipIf(!hasChromium)('html report in Chromium: 2 isolated tenants', () => {
  let b: Browser;
  beforeAll(async () => {
    const { file, exitCode } = await reportFor(await bundledTenants());
    expect(exitCode).toBe(0);
    b = await openReport(file);
  });
  afterAll(async () => b?.close());

  it('shows a passing verdict, a 2 × 2 matrix of isolated pairs and no findings', async () => {
    const { page } = b;
    await expect(page.locator('#verdict').textContent()).resolves.toBe('✓ check passes: no findings');
    await expect(page.locator('#matrix-count').textContent()).resolves.toBe('showing 2 × 2 of 2 tenants');
    expect(await page.locator('.cell').count()).toBe(4);
    expect(await page.locator('.cell.self').count()).toBe(2);
    expect(await page.locator('.cell.iso').count()).toBe(2);
    await expect(background(b, '.cell.iso')).resolves.toBe(ISOLATED);
    await expect(background(b, '.cell.self')).resolves.toBe(SAME);
    await expect(page.locator('#matrix-groups td.g').allTextContents()).resolves.toEqual(['✓ 0']);
    await expect(page.locator('#matrix-exceptions').textContent()).resolves.toContain('Every pair of tenants is isolated');
    await expect(page.locator('#findings').textContent()).resolves.toContain('No findings');
    expect(b.errors).toEqual([]);
    expect(b.requests).toEqual([]);
  });

  it('names the policies that isolate a pair, on hover and on click', async () => {
    const { page } = b;
    const cell = page.locator('.cell[data-from="test-tenant-a"][data-to="test-tenant-b"]');
    const title = await cell.getAttribute('title');
    expect(title).toContain('test-tenant-a → test-tenant-b: isolated');
    expect(title).toContain('egress of test-tenant-a: ai-agents-test-tenant-a/allow-egress-to-database');
    expect(title).toContain('ingress of test-tenant-b: ai-agents-test-tenant-b/allow-ingress-to-api, ai-agents-test-tenant-b/default-deny-all');
    await cell.click();
    const details = page.locator('#cell-details');
    await expect(details.isVisible()).resolves.toBe(true);
    await expect(details.textContent()).resolves.toContain('ai-agents-test-tenant-a/default-deny-all');
  });

  it('draws headroom bars per tenant, resource and scenario, coloured by use', async () => {
    const { page } = b;
    expect(await page.locator('.qtenant').count()).toBe(2);
    // 10 quota resources × 4 scenarios per tenant.
    expect(await page.locator('.qtenant[data-tenant="test-tenant-a"] .bar').count()).toBe(40);
    const pods = page.locator('.qtenant[data-tenant="test-tenant-a"] .bar').filter({ hasText: '2 / 10' }).first();
    await expect(pods.getAttribute('data-ratio')).resolves.toBe('0.2');
    await expect(pods.locator('.fill').evaluate((e) => (e as unknown as { style: Styled }).style['width'])).resolves.toBe('20%');
    await expect(style(pods.locator('.fill'), 'backgroundColor')).resolves.toBe(BAR_OK);
    await screenshot(page, 'report-2-tenants');
  });

  it('filters the matrix and the quota list by the search', async () => {
    const { page } = b;
    await page.fill('#matrix-search', 'tenant-b');
    await expect(page.locator('#matrix-count').textContent()).resolves.toBe('showing 1 × 1 of 2 tenants');
    expect(await page.locator('.cell').count()).toBe(1);
    await expect(page.locator('.qtenant').evaluateAll((es) => es.map((e) => e.getAttribute('data-tenant')))).resolves.toEqual(['test-tenant-b']);
    await page.uncheck('#matrix-cols');
    await expect(page.locator('#matrix-count').textContent()).resolves.toBe('showing 1 × 2 of 2 tenants');
    await page.fill('#matrix-search', 'no such tenant');
    await expect(page.locator('#matrix-empty').isVisible()).resolves.toBe(true);
    await page.click('#matrix-clear');
    expect(await page.locator('.cell').count()).toBe(4);
  });
});

describe.skipIf(!hasChromium)('html report in Chromium: a cross-tenant path and a hostile display name', () => {
  let b: Browser;
  beforeAll(async () => {
    const tenants = (await bundledTenants()).replace('name: Test Tenant B', `name: ${JSON.stringify(HOSTILE)}`);
    const { file, exitCode } = await reportFor(tenants, openPath);
    expect(exitCode).toBe(1);
    b = await openReport(file);
  });
  afterAll(async () => b?.close());

  it('runs nothing from the display name and shows it as text', async () => {
    const { page } = b;
    expect(b.dialogs).toEqual([]);
    expect(b.errors).toEqual([]);
    expect(b.requests).toEqual([]);
    await expect(page.evaluate(() => (globalThis as { pwned?: unknown }).pwned)).resolves.toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('b', { hasText: /^B$/ }).count()).toBe(0);
    await expect(page.locator('.qtenant[data-tenant="test-tenant-b"] h3').textContent()).resolves.toContain(HOSTILE);
    await page.locator('.cell[data-from="test-tenant-a"][data-to="test-tenant-b"]').click();
    await expect(page.locator('#cell-details').textContent()).resolves.toContain(`test-tenant-b — ${HOSTILE} (ai-agents-test-tenant-b)`);
  });

  it('colours the paths red, says which policies open them, and counts them', async () => {
    const { page } = b;
    expect(await page.locator('.cell.path').count()).toBe(2);
    await expect(background(b, '.cell.path')).resolves.toBe(PATH);
    const title = await page.locator('.cell[data-from="test-tenant-a"][data-to="test-tenant-b"]').getAttribute('title');
    expect(title).toContain('test-tenant-a → test-tenant-b: PATH on TCP 8000');
    expect(title).toContain('egress allowed by: ai-agents-test-tenant-a/allow-egress-to-dns');
    expect(title).toContain('ingress allowed by: ai-agents-test-tenant-b/allow-ingress-to-api');
    await expect(page.locator('#summary .stat').filter({ hasText: 'cross-tenant paths' }).locator('b').textContent()).resolves.toBe('2');
    await expect(page.locator('#verdict').textContent()).resolves.toMatch(/^✗ check fails: \d+ errors$/);
    await expect(page.locator('#matrix-groups td.g').allTextContents()).resolves.toEqual(['2 ✗']);
    expect(await page.locator('#matrix-exceptions tr.exception').count()).toBe(2);
  });

  it('lists the findings with file:line, rule and doc link, and filters them', async () => {
    const { page } = b;
    const row = page.locator('tr.finding[data-rule="isolation/cross-tenant-path"]').first();
    await expect(row.locator('.loc').textContent()).resolves.toMatch(/^rendered\/ai-agents-test-tenant-[ab]\/networkpolicy-allow-ingress-to-api\.yaml:\d+:\d+$/);
    await expect(row.locator('a').getAttribute('href')).resolves.toBe('docs/analysis/isolation.md#cross-tenant-path');
    await expect(style(row.locator('.sev'), 'color')).resolves.toBe(PATH);
    const total = await page.locator('tr.finding').count();
    expect(total).toBeGreaterThan(2);
    await page.fill('#findings-search', 'cross-tenant path:');
    expect(await page.locator('tr.finding:visible').count()).toBe(2);
    await expect(page.locator('#findings-count').textContent()).resolves.toBe(`2 of ${total} shown`);
    await page.fill('#findings-search', '');
    await page.locator('.cell[data-from="test-tenant-b"][data-to="test-tenant-a"]').click();
    await screenshot(page, 'report-cross-tenant-path');
  });
});

describe.skipIf(hasChromium)('html report in Chromium', () => {
  it.skip(skipReason, () => undefined);
});
