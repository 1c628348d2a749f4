import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * Headless Debian Chromium driven by playwright-core (ECOSYSTEM.md §10), one fresh profile per
 * browser. `CHROMIUM_PATH` overrides /usr/bin/chromium. Without a Chromium the browser tests
 * are skipped with a warning — unless TESSERA_REQUIRE_BROWSER=1 (CI sets it after installing
 * Debian's chromium), where a missing browser fails them.
 *
 * Screenshots go to test-results/screenshots/<name>.png (git-ignored), to be looked at.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const browserAvailable = existsSync(CHROMIUM);
if (!browserAvailable && process.env.TESSERA_REQUIRE_BROWSER === '1') {
  throw new Error(`TESSERA_REQUIRE_BROWSER=1 but no Chromium at ${CHROMIUM} (apt-get install chromium)`);
}
if (!browserAvailable) console.warn(`[browser tests skipped: no Chromium at ${CHROMIUM}; apt-get install chromium]`);

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Saves a full-page screenshot as test-results/screenshots/<name>.png and returns its path. */
  shot(name: string, page?: Page): Promise<string>;
  close(): Promise<void>;
}

export const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');

export async function openBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'tessera-pw-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    viewport: { width: 1000, height: 760 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async shot(name, p = page) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      const path = join(SCREENSHOTS, `${name.replace(/[^\w.-]+/g, '-')}.png`);
      await p.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
