/**
 * The browser tier: headless Chromium (Debian's `chromium`, or CHROMIUM_PATH) driven by playwright-core, each test
 * file with its own fresh profile. Without the browser these files skip (global-setup.ts prints one line saying how
 * to install it); under CI=true its absence fails the run. (`npm run screenshots` takes docs/screenshots/.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { available, chromiumPath } from '../integration/servers';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** `describe`, skipped when there is no browser (and then only outside CI: global-setup.ts fails CI first). */
export const describeInBrowser = describe.skipIf(!available('chromium'));

export interface BrowserUnderTest {
  /** A new page (a new tab of the file's profile), with every request and console error recorded. */
  page(viewport?: { width: number; height: number }): Promise<TrackedPage>;
  /** Closes every page, and with them their connections (call before stopping the stack they talk to). */
  closePages(): Promise<void>;
}

export interface TrackedPage {
  readonly page: Page;
  /** Every URL the page requested. */
  readonly requests: string[];
  /** Console errors, page errors and CSP violations. */
  readonly errors: string[];
}

/** Call at the top of a `describeInBrowser` block: one browser for the block, closed after it. */
export function useBrowser(): BrowserUnderTest {
  let context: BrowserContext | undefined;
  let profile: string | undefined;
  beforeAll(async () => {
    profile = mkdtempSync(join(tmpdir(), 'portal-browser-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath(),
      args: FLAGS,
      viewport: { width: 1200, height: 900 },
    });
  });
  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });
  return {
    async page(viewport) {
      const page = await context!.newPage();
      if (viewport) await page.setViewportSize(viewport);
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      return { page, requests, errors };
    },
    async closePages() {
      await Promise.all(context!.pages().map((p) => p.close()));
    },
  };
}
