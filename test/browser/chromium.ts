import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { cli, repoRoot, tempRepo } from '../helpers.js';

/**
 * CHROMIUM_PATH if set, else Debian's chromium package (`.ci/run` installs it),
 * else the Google Chrome that GitHub's Ubuntu runners carry (Ubuntu's own
 * chromium package is only a shim for a snap, which cannot run there).
 */
const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/google-chrome'].filter((p): p is string => !!p);
const CHROMIUM = CANDIDATES.find((p) => existsSync(p));
export const hasChromium = CHROMIUM !== undefined;
export const skipReason = `SKIPPED: no Chromium at ${CANDIDATES.join(' or ')} (apt-get install chromium, or set CHROMIUM_PATH), so the report is not checked in a browser`;
if (!hasChromium) console.warn(skipReason);

/** Where the tests leave their screenshots (git-ignored), for a person to look at. */
export const SCREENSHOTS = path.join(repoRoot, '.screenshots');

// On a machine without network Chromium waits on its background services unless they are off.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Browser {
  page: Page;
  /** Dialogs (alert, confirm) the page opened: a report must open none. */
  dialogs: string[];
  /** Script errors the page threw. */
  errors: string[];
  /** Requests other than the report file itself: a self-contained report makes none. */
  requests: string[];
  close(): Promise<void>;
}

/** A fresh headless Chromium (own profile directory) with the report loaded from disk and its script done. */
export async function openReport(file: string, viewport = { width: 1300, height: 1000 }): Promise<Browser> {
  const profile = await mkdtemp(path.join(tmpdir(), 'tenantctl-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM!, args: ARGS, viewport });
  const page = context.pages()[0] ?? (await context.newPage());
  const b: Browser = {
    page,
    dialogs: [],
    errors: [],
    requests: [],
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
  const url = pathToFileURL(file).href;
  page.on('dialog', (d) => {
    b.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => b.errors.push(e.message));
  page.on('request', (r) => {
    if (r.url() !== url) b.requests.push(r.url());
  });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  return b;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** tenants.yaml with the bundled platform and tiers and `n` generated tenants (every tenth premium). */
export async function generatedTenants(n: number): Promise<string> {
  const base = await readFile(path.join(repoRoot, 'tenants.yaml'), 'utf8');
  const head = base.slice(0, base.indexOf('\ntenants:') + '\ntenants:'.length);
  const lines = [head];
  for (let i = 0; i < n; i++) lines.push(`  - id: tenant-${String(i).padStart(5, '0')}\n    name: "Tenant ${i}"\n    tier: ${i % 10 === 0 ? 'premium' : 'standard'}`);
  return `${lines.join('\n')}\n`;
}

/** A temporary repository with `tenants`, rendered, and its `check --format html` report written next to it. */
export async function reportFor(tenants: string, edit?: (root: string) => Promise<void>): Promise<{ root: string; file: string; exitCode: number }> {
  const root = await tempRepo({ tenants });
  if (edit) await edit(root);
  const rendered = await cli(root, 'render');
  if (rendered.exitCode !== 0) throw new Error(`render failed: ${rendered.stdout}${rendered.stderr ?? ''}`);
  const r = await cli(root, 'check', '--format', 'html', '--allow-no-base');
  const file = path.join(root, 'report.html');
  await writeFile(file, r.stdout);
  return { root, file, exitCode: r.exitCode };
}
