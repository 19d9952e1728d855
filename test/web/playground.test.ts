// The playground in a real browser against the real server and render process: files picked
// from the computer, the cost shown, the job followed live and its video played, paid with
// user credits only; then the same without JavaScript, and on a phone-sized screen.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { FIXTURES, waitFor } from '../e2e/harness.js';
import { PHONE_VIEWPORT, screenshot, scrollsSideways, signUp, startDashboard, uniqueEmail, type Dashboard } from './browser-harness.js';

const PASSWORD = 'correct horse battery staple';
const PORTRAIT = join(FIXTURES, 'portrait-hopper.jpg');
/** espeak-ng speech, 6.36 s decoded (6.43 s in the container): 7 billed seconds, 14 credits at 480p. */
const SPEECH = join(FIXTURES, 'speech-en.mp3');
const SPEECH_CREDITS = 14;
const RENDER_TIMEOUT_MS = 240_000;

interface AccountView {
  apiCredits: number;
  userCredits: number;
}

/** GET /api/v1/account with the page's session cookie. */
async function account(page: Page): Promise<AccountView> {
  const response = await page.request.get('/api/v1/account');
  assert.equal(response.status(), 200, await response.text());
  return (await response.json()) as AccountView;
}

describe('playground', { timeout: 900_000 }, () => {
  let dashboard: Dashboard;
  let email: string;
  let jobId: string;

  before(async () => {
    // One render process: the playground's jobs must really render.
    dashboard = await startDashboard({ MOUTHPIECE_WORKERS: '1' });
  });

  after(async () => {
    await dashboard?.close();
  });

  test('makes a talking portrait from files on the computer, shows the cost and progress, plays it, and spends user credits only', async () => {
    const { page, errors } = await dashboard.newPage();
    email = uniqueEmail('playground');
    await signUp(page, email, PASSWORD);
    const before = await account(page);

    await page.goto('/playground');
    assert.equal(await page.locator('h1').textContent(), 'Playground');
    assert.equal(await page.locator('#field-video').isVisible(), false, 'only the chosen mode’s files are asked for');
    await page.locator('#field-image').setInputFiles(PORTRAIT);
    await page.locator('#field-audio').setInputFiles(SPEECH);
    const estimate = page.locator('#playground-estimate');
    await estimate.filter({ hasText: 'user credits:' }).waitFor({ timeout: 60_000 });
    assert.match(String(await estimate.textContent()), new RegExp(`^${SPEECH_CREDITS} user credits: 7 s at 480p`));
    assert.match(String(await page.locator('#field-image-status').textContent()), /portrait-hopper\.jpg uploaded/);
    await screenshot(page, 'playground-ready');

    await page.locator('#playground-submit').click();
    await page.locator('#playground-job').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#playground-progress').count(), 1);
    // While it runs, the stage is named for people (the names the page sent), not by its engine id.
    await page.waitForFunction("/ · \\d+%$/.test(document.getElementById('playground-stage')?.textContent ?? '')", undefined, { timeout: 30_000, polling: 100 });
    assert.match(
      String(await page.locator('#playground-stage').textContent()),
      /^(Waiting for a free renderer…|Reading the files…|Finding the face and listening to the voice…|Animating the face…|Encoding the video…|Finishing…) · \d+%$/,
    );
    // The video element gets the output once the job completes; metadata loaded = it can play.
    await page.waitForFunction(
      "(() => { const v = document.getElementById('playground-video'); return !!v && !!v.getAttribute('src') && v.readyState >= 1; })()",
      undefined,
      { timeout: RENDER_TIMEOUT_MS, polling: 250 },
    );
    const played = await page.evaluate(
      "(async () => { const v = document.getElementById('playground-video'); v.muted = true; await v.play(); " +
        'await new Promise((resolve) => { const check = () => (v.currentTime > 0.2 ? resolve() : setTimeout(check, 50)); check(); }); ' +
        'v.pause(); return { duration: v.duration, width: v.videoWidth, height: v.videoHeight }; })()',
    );
    const { duration, width, height } = played as { duration: number; width: number; height: number };
    assert.ok(Math.abs(duration - 6.4) < 0.3, `the video lasts as long as the speech (${duration} s)`);
    assert.equal(Math.min(width, height), 480);
    assert.match(String(await page.locator('#playground-stage').textContent()), new RegExp(`${SPEECH_CREDITS} user credits spent`));
    const download = await page.locator('#playground-download').getAttribute('href');
    assert.match(String(download), /\/outputs\/[0-9a-f-]{36}-[A-Za-z0-9_-]{32}\.mp4$/);
    jobId = String(await page.locator('#playground-job-link').getAttribute('href')).replace('/jobs/', '');

    const after = await account(page);
    assert.equal(after.userCredits, before.userCredits - SPEECH_CREDITS, 'the job was paid with user credits');
    assert.equal(after.apiCredits, before.apiCredits, 'API credits are untouched');
    assert.equal(await page.locator('#playground-balance').textContent(), after.userCredits.toLocaleString('en-GB'));
    await screenshot(page, 'playground-done');
    assert.deepEqual(errors, []);
  });

  test('the jobs page lists that job with its model, status, credits and output, and its page plays the video', async () => {
    assert.ok(jobId, 'the previous test made a job');
    const { page, errors } = await dashboard.newPage();
    await page.goto('/login');
    await page.locator('input[name="email"]').fill(email);
    await page.locator('input[name="password"]').fill(PASSWORD);
    await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.locator('form.auth-form button[type="submit"]').click()]);

    await page.goto('/jobs');
    const row = page.locator('tbody tr', { has: page.locator(`a[href="/jobs/${jobId}"]`) });
    assert.equal(await row.count(), 1);
    const cells = (await row.locator('td').allTextContents()).map((text) => text.trim());
    assert.equal(cells[1], 'lipsync-image');
    assert.equal(cells[2], 'Completed');
    assert.match(cells[3], /^\d+(\.\d)? s$/);
    assert.equal(cells[4], `${SPEECH_CREDITS} user`);
    assert.equal(cells[5], 'Watch');
    await screenshot(page, 'jobs');

    await page.locator(`a[href="/jobs/${jobId}"]`).click();
    await page.waitForURL(`**/jobs/${jobId}`);
    await page.waitForFunction("document.querySelector('video') && document.querySelector('video').readyState >= 1", undefined, { timeout: 30_000 });
    assert.match(String(await page.locator('dl').textContent()), /user/);
    await screenshot(page, 'job-detail');

    await page.setViewportSize(PHONE_VIEWPORT);
    assert.equal(await scrollsSideways(page), false, 'the video fits a phone');
    await page.goto('/jobs');
    assert.equal(await scrollsSideways(page), false, 'the table stacks on a phone');
    await screenshot(page, 'jobs-phone');
    assert.deepEqual(errors, []);
  });

  test('a processing job’s page follows the job by itself until its video is there', async () => {
    const { page, errors } = await dashboard.newPage();
    await page.goto('/login');
    await page.locator('input[name="email"]').fill(email);
    await page.locator('input[name="password"]').fill(PASSWORD);
    await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.locator('form.auth-form button[type="submit"]').click()]);
    // Submitted the way the playground script does: the session and the page's CSRF token.
    const csrf = String(await page.locator('meta[name="csrf-token"]').getAttribute('content'));
    const upload = async (file: string, mimeType: string) => {
      const response = await page.request.post('/api/v1/uploads', {
        headers: { 'x-csrf-token': csrf },
        multipart: { file: { name: file, mimeType, buffer: await readFile(join(FIXTURES, file)) } },
      });
      assert.equal(response.status(), 201, await response.text());
      return ((await response.json()) as { url: string }).url;
    };
    const formState = { image: await upload('portrait-astronaut.jpg', 'image/jpeg'), audio: await upload('speech-short.wav', 'audio/wav') };
    const submitted = await page.request.post('/api/v1/lipsync-image', { headers: { 'x-csrf-token': csrf }, data: { formState } });
    assert.equal(submitted.status(), 200, await submitted.text());
    const { id } = (await submitted.json()) as { id: string };

    await page.goto(`/jobs/${id}`);
    await page.locator('.badge', { hasText: 'Completed' }).first().waitFor({ timeout: RENDER_TIMEOUT_MS });
    assert.equal(await page.locator('video').count(), 1);
    assert.deepEqual(errors, []);
  });

  test('without JavaScript the form uploads, starts the job and sends the reader to the job page', async () => {
    const context = await dashboard.browser.newContext({ baseURL: dashboard.baseUrl, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await signUp(page, uniqueEmail('no-script'), PASSWORD);
      await page.goto('/playground');
      await page.locator('#field-image').setInputFiles(PORTRAIT);
      await page.locator('#field-audio').setInputFiles(SPEECH);
      await page.locator('#field-seed').fill('42');
      await Promise.all([page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/), page.locator('#playground-submit').click()]);
      const id = page.url().split('/').pop()!;
      await waitFor('the job to finish', async () => {
        await page.reload();
        return (await page.locator('.badge').first().textContent()) === 'Processing' ? undefined : true;
      }, RENDER_TIMEOUT_MS, 1000);
      assert.equal(await page.locator('.badge').first().textContent(), 'Completed', await page.content());
      assert.equal(await page.locator('video').count(), 1);
      assert.match(String(await page.locator('dl').textContent()), /42/);

      // A file that is no media comes back to the form with the field marked.
      await page.goto('/playground');
      await page.locator('#field-image').setInputFiles(join(FIXTURES, 'not-media.mp3'));
      await page.locator('#field-audio').setInputFiles(SPEECH);
      await page.locator('#playground-submit').click();
      await page.waitForLoadState();
      assert.equal(await page.locator('#field-image').getAttribute('aria-invalid'), 'true');
      assert.match(String(await page.locator('#field-image-error').textContent()), /not a supported image, audio or video/);
      assert.ok(id);
    } finally {
      await context.close();
    }
  });

  test('fits a phone-sized screen and speaks Italian', async () => {
    const { page, errors } = await dashboard.newPage({ viewport: PHONE_VIEWPORT, locale: 'it-IT' });
    await signUp(page, uniqueEmail('telefono'), PASSWORD);
    await page.goto('/playground');
    assert.equal(await page.locator('#playground-submit').textContent(), 'Crea il video');
    await page.locator('#mode-lipsync-image-multi').check();
    assert.equal(await page.locator('#field-left_audio').isVisible(), true);
    assert.equal(await page.locator('#field-audio').isVisible(), false);
    assert.equal(await scrollsSideways(page), false);
    await screenshot(page, 'playground-phone-it');
    assert.deepEqual(errors, []);
  });
});
