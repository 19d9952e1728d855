// Browser-test parts: the real server (test/e2e/harness.ts) on a temporary data directory,
// Debian's Chromium driven by playwright-core, screenshots into test-results/, and the few
// dashboard steps most tests start with (sign up, log in).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT, startServer, type RunningServer } from '../e2e/harness.js';

export const RESULTS_DIR = join(REPO_ROOT, 'test-results');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PHONE_VIEWPORT = { width: 375, height: 740 } as const;
export const DESKTOP_VIEWPORT = { width: 1280, height: 860 } as const;

export interface Dashboard {
  server: RunningServer;
  baseUrl: string;
  dataDir: string;
  browser: Browser;
  /** A fresh browser profile (own cookies) with one page; closed by `close()`. */
  newPage(options?: PageOptions): Promise<{ context: BrowserContext; page: Page; errors: string[] }>;
  /** Closes the browser and every context, stops the server, removes the data directory. */
  close(): Promise<void>;
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  /** The browser's language (Accept-Language), e.g. 'it-IT'. Default en-US. */
  locale?: string;
  /**
   * Apply the pages' Content-Security-Policy. Off by default because Playwright's polling
   * waitForFunction evaluates strings in the page, which the policy (rightly) forbids; the
   * policy itself is checked by a test that turns this on.
   */
  enforceCsp?: boolean;
}

/**
 * Starts the server (`env` is added to a temporary MOUTHPIECE_DATA_DIR and private URLs allowed)
 * and launches Chromium headless.
 */
export async function startDashboard(env: Record<string, string> = {}): Promise<Dashboard> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mouthpiece-web-'));
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startServer({
      MOUTHPIECE_DATA_DIR: dataDir,
      MOUTHPIECE_ALLOW_PRIVATE_URLS: '1',
      MOUTHPIECE_WORKERS: '0',
      ...env,
    });
    browser = await launchBrowser();
  } catch (error) {
    await browser?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const running = { server, browser };
  const contexts: BrowserContext[] = [];
  return {
    server,
    baseUrl: server.baseUrl,
    dataDir,
    browser,
    async newPage(options = {}) {
      const context = await running.browser.newContext({
        baseURL: running.server.baseUrl,
        viewport: options.viewport ?? DESKTOP_VIEWPORT,
        locale: options.locale ?? 'en-US',
        bypassCSP: !options.enforceCsp,
      });
      contexts.push(context);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      return { context, page, errors };
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await running.browser.close();
      await running.server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Saves a full-page PNG as test-results/<name>.png and answers its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** True when the page is wider than the window (a phone would have to scroll sideways). */
export async function scrollsSideways(page: Page): Promise<boolean> {
  // A string expression: it runs in the page, whose DOM types this Node project does not load.
  return Boolean(await page.evaluate('document.documentElement.scrollWidth > window.innerWidth'));
}

/** Signs up through the form and waits for the overview. Answers nothing; the page is signed in. */
export async function signUp(page: Page, email: string, password: string, inviteCode?: string): Promise<void> {
  await page.goto(inviteCode ? `/signup?invite=${encodeURIComponent(inviteCode)}` : '/signup');
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.locator('form.auth-form button[type="submit"]').click()]);
}

/** Logs in through the form and waits for the overview. */
export async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.locator('form.auth-form button[type="submit"]').click()]);
}

/** Logs out with the header's button and waits for the log-in page. */
export async function logOut(page: Page): Promise<void> {
  await Promise.all([page.waitForURL((url) => url.pathname === '/login'), page.locator('form.logout-form button').click()]);
}

/** A unique e-mail address for one test. */
export function uniqueEmail(label: string): string {
  return `${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.test`;
}
