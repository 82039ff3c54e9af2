// The HTML report in headless Chromium: how long it takes to open and to search, as a reviewer would.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { median } from './measure.js';

const CHROMIUM = '/usr/bin/chromium';
// Without the background services off, Chromium waits on the network on an offline machine.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface BrowserTimes {
  /** Navigation start to the report's script done (matrix, groups and headroom drawn), in the page's clock. */
  loadMsMedian: number;
  /** Typing a tenant-id prefix to the matrix and headroom list redrawn. */
  searchMsMedian: number;
  /** What the search left on screen, e.g. `showing 10 × 10 of 10,000 tenants`. */
  searchResult: string;
}

/** Undefined where Chromium is not installed (the bench then says so). */
export async function browserTimes(html: string, runs: number, query: string): Promise<BrowserTimes | undefined> {
  if (!existsSync(CHROMIUM)) return undefined;
  const { chromium } = await import('playwright-core');
  const dir = await mkdtemp(path.join(tmpdir(), 'tenantctl-bench-browser-'));
  const file = path.join(dir, 'report.html');
  await writeFile(file, html);
  const load: number[] = [];
  const search: number[] = [];
  let searchResult = '';
  try {
    for (let i = 0; i < runs; i++) {
      const context = await chromium.launchPersistentContext(path.join(dir, `profile-${i}`), { executablePath: CHROMIUM, args: ARGS, viewport: { width: 1300, height: 1000 } });
      try {
        const page = context.pages()[0] ?? (await context.newPage());
        await page.goto(pathToFileURL(file).href);
        await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
        // Page functions run in Chromium; globalThis keeps them free of the DOM types this project does not compile with.
        load.push(await page.evaluate(() => (globalThis as unknown as { performance: { now(): number } }).performance.now()));
        search.push(
          await page.evaluate((q) => {
            const g = globalThis as unknown as { document: { getElementById(id: string): { value: string; dispatchEvent(e: unknown): void } }; Event: new (t: string) => unknown; performance: { now(): number } };
            const input = g.document.getElementById('matrix-search');
            const start = g.performance.now();
            input.value = q;
            input.dispatchEvent(new g.Event('input'));
            return g.performance.now() - start;
          }, query),
        );
        searchResult = (await page.textContent('#matrix-count')) ?? '';
      } finally {
        await context.close();
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { loadMsMedian: median(load), searchMsMedian: median(search), searchResult };
}
