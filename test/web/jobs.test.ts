// The job history's rendering and paging, over real job pages from a real store (the browser
// test in playground.test.ts covers the pages in Chromium).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { JobService } from '../../src/jobs/index.js';
import type { JobRecord } from '../../src/store/index.js';
import type { PageContext } from '../../src/web/context.js';
import { JOBS_PAGE_SIZE, decodeJobCursor, encodeJobCursor, renderJobListPage, renderJobPage } from '../../src/web/pages/jobs.js';
import { newJob, openTempStore, type TempStore } from '../store/temp-store.js';

const PUBLIC_URL = 'https://lipsync.example.test';
const context = (locale: 'en' | 'it' = 'en'): PageContext => ({ locale, viewer: null, csrfToken: 'token', path: '/jobs' });

describe('job history pages', () => {
  let temp: TempStore;
  let jobs: JobService;

  before(async () => {
    temp = await openTempStore();
    jobs = new JobService(temp.store.jobs);
    // One more than a page, a second apart, oldest first.
    const start = Date.UTC(2026, 0, 1);
    for (let i = 0; i <= JOBS_PAGE_SIZE; i++) {
      await temp.store.jobs.submit(newJob(temp.account.id, { createdAt: start + i * 1000, creditBalance: i % 2 ? 'user' : 'api' }), {
        maxProcessingJobs: 0,
        requiredCredits: 0,
      });
    }
  });
  after(() => temp.cleanup());

  test('pages through every job with the cursor it hands out, newest first, without repeats', async () => {
    const first = await jobs.list(temp.account.id, {}, null, JOBS_PAGE_SIZE);
    assert.equal(first.jobs.length, JOBS_PAGE_SIZE);
    assert.ok(first.next);
    const cursor = encodeJobCursor(first.next);
    const html = renderJobListPage(context(), { jobs: first.jobs, nextCursor: cursor, paged: false, publicUrl: PUBLIC_URL }).body.value;
    assert.ok(html.includes(`href="/jobs?cursor=${cursor}"`), 'links the older page');
    assert.ok(!html.includes('href="/jobs" '), 'no link back to the newest on the first page');

    const second = await jobs.list(temp.account.id, {}, decodeJobCursor(cursor), JOBS_PAGE_SIZE);
    assert.equal(second.jobs.length, 1);
    assert.equal(second.next, null);
    assert.ok(!first.jobs.some((job) => job.id === second.jobs[0].id));
    const last = renderJobListPage(context(), { jobs: second.jobs, nextCursor: null, paged: true, publicUrl: PUBLIC_URL }).body.value;
    assert.match(last, /href="\/jobs">Newest jobs</);
    assert.ok(!last.includes('cursor='));
  });

  test('a cursor it did not hand out shows the first page', () => {
    for (const bad of ['', 'garbage', Buffer.from('[1,"not-a-uuid"]').toString('base64url'), 'x'.repeat(500)]) {
      assert.equal(decodeJobCursor(bad), null, bad);
    }
  });

  test('shows status, which balance paid, the output link, and escapes what the job carries', () => {
    const base = newJob(temp.account.id) as unknown as JobRecord;
    const completed: JobRecord = {
      ...base,
      status: 'completed',
      stage: 'done',
      progress: 1,
      outputFile: `${base.id}-${'B'.repeat(32)}.mp4`,
      error: '',
      timings: {},
      executionMs: 12_345,
      startedAt: base.createdAt,
      completedAt: base.createdAt + 13_000,
      attempts: 1,
      lockedBy: null,
      lockedUntil: null,
      idempotencyKey: null,
      requestHash: null,
      credits: 14,
      creditBalance: 'user',
      outputDeletedAt: null,
    };
    const row = renderJobListPage(context(), { jobs: [completed], nextCursor: null, paged: false, publicUrl: PUBLIC_URL }).body.value;
    assert.match(row, /badge--ok">Completed</);
    assert.match(row, />12.3 s</);
    assert.match(row, />14 user</);
    assert.ok(row.includes(`href="${PUBLIC_URL}/outputs/${completed.outputFile}">Watch<`));

    const failed: JobRecord = { ...completed, status: 'failed', outputFile: null, error: '<script>alert(1)</script>', credits: 0 };
    const page = renderJobPage(context('it'), failed, PUBLIC_URL).body.value;
    assert.ok(!page.includes('<script>alert'), 'the error is escaped');
    assert.match(page, /Non riuscito/);
    assert.match(page, /0 utente/);
  });
});
