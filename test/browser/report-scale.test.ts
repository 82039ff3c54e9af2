import { stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempRepos } from '../helpers.js';
import { generatedTenants, hasChromium, openReport, reportFor, screenshot, skipReason, type Browser } from './chromium.js';

/** The report of 1,000 tenants (10^6 pairs) in a real browser: it opens, aggregates, and search narrows it. */

const N = 1000;

afterAll(cleanupTempRepos);

describe.skipIf(!hasChromium)(`html report in Chromium: ${N} tenants`, () => {
  let b: Browser;
  let bytes = 0;
  beforeAll(async () => {
    const { file, exitCode } = await reportFor(await generatedTenants(N));
    expect(exitCode).toBe(0);
    bytes = (await stat(file)).size;
    b = await openReport(file);
  }, 300_000);
  afterAll(async () => b?.close());

  it('holds only the cells on screen, not a million', async () => {
    const { page } = b;
    await expect(page.locator('#matrix-count').textContent()).resolves.toBe(`showing 1,000 × 1,000 of 1,000 tenants`);
    const cells = await page.locator('.cell').count();
    expect(cells).toBeGreaterThan(100);
    expect(cells).toBeLessThan(5000);
    expect(await page.locator('.cell.path, .cell.one').count()).toBe(0);
    // Its size grows with the tenants, not with their pairs (about 1 KB per tenant at most).
    expect(bytes).toBeLessThan(N * 1024);
    expect(b.errors).toEqual([]);
  });

  it('aggregates by tier with the tenant counts of each group', async () => {
    const { page } = b;
    await expect(page.locator('#matrix-groups th').allTextContents()).resolves.toEqual(['from \\ to', 'premium (100)', 'standard (900)', 'premium (100)', 'standard (900)']);
    await expect(page.locator('#matrix-groups td.g').allTextContents()).resolves.toEqual(['✓ 0', '✓ 0', '✓ 0', '✓ 0']);
    const title = await page.locator('#matrix-groups td.g[data-from="premium"][data-to="standard"]').getAttribute('title');
    expect(title).toContain('90,000 tenant pairs, 0 with a path, 0 one-sided; 90,000 isolated');
    await page.locator('#matrix-groups td.g[data-from="premium"][data-to="premium"]').click();
    await expect(page.locator('#matrix-count').textContent()).resolves.toBe('showing 100 × 100 of 1,000 tenants (tier premium → premium)');
    await page.click('#matrix-clear');
  });

  it('narrows the matrix and the headroom list to the tenants a search matches', async () => {
    const { page } = b;
    await page.fill('#matrix-search', 'tenant-0004');
    await expect(page.locator('#matrix-count').textContent()).resolves.toBe('showing 10 × 10 of 1,000 tenants');
    expect(await page.locator('.cell').count()).toBe(100);
    expect(await page.locator('.cell.self').count()).toBe(10);
    await expect(page.locator('.rlabel').allTextContents()).resolves.toEqual(Array.from({ length: 10 }, (_, i) => `tenant-0004${i}`));
    expect(await page.locator('.qtenant').count()).toBe(10);
    // Display names are searched too.
    await page.fill('#matrix-search', 'Tenant 999');
    await expect(page.locator('.rlabel').allTextContents()).resolves.toEqual(['tenant-00999']);
    await page.fill('#matrix-search', '');
  });

  it('draws the last rows when scrolled to the bottom', async () => {
    const { page } = b;
    await page.locator('#matrix-grid .body').evaluate((e) => {
      const el = e as unknown as { scrollTop: number; scrollHeight: number };
      el.scrollTop = el.scrollHeight;
    });
    await page.waitForFunction(() => {
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ textContent: string }> } }).document;
      const labels = doc.querySelectorAll('.rlabel');
      return labels.length > 0 && labels[labels.length - 1]!.textContent === 'tenant-00999';
    });
    await expect(page.locator('.cell[data-from="tenant-00999"][data-to="tenant-00000"]').getAttribute('class')).resolves.toBe('cell iso');
    await screenshot(page, 'report-1000-tenants');
  });
});

describe.skipIf(hasChromium)(`html report in Chromium: ${N} tenants`, () => {
  it.skip(skipReason, () => undefined);
});
