import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { JobModel, JobRecord } from '../../src/store/index.js';
import { newJob } from '../store/temp-store.js';
import { get, startTestApp, type TestApp } from './test-app.js';

describe('GET /api/v1/jobs', () => {
  let t: TestApp;
  /** 25 jobs of account A, one per hour from 2025-03-01T00:00Z, newest last; every 5th a video job. */
  const jobsA: JobRecord[] = [];
  const START = Date.parse('2025-03-01T00:00:00Z');
  const HOUR = 3600_000;

  before(async () => {
    t = await startTestApp();
    for (let i = 0; i < 25; i++) {
      const model: JobModel = i % 5 === 0 ? 'lipsync-video' : 'lipsync-image';
      jobsA.push(await t.temp.store.jobs.create(newJob(t.accountA.id, { model, createdAt: START + i * HOUR })));
    }
    // Two jobs at the very same millisecond: pagination must not lose or repeat either.
    jobsA.push(await t.temp.store.jobs.create(newJob(t.accountA.id, { createdAt: START + 30 * HOUR })));
    jobsA.push(await t.temp.store.jobs.create(newJob(t.accountA.id, { createdAt: START + 30 * HOUR })));
    await t.temp.store.jobs.create(newJob(t.accountB.id, { createdAt: START + 5 * HOUR }));
    // Settle a few: failed and canceled.
    await t.temp.store.jobs.fail(jobsA[3].id, null, { error: 'No face found in image', timings: null, completedAt: START });
    await t.temp.store.jobs.cancel(jobsA[4].id, t.accountA.id);
  });
  after(() => t.close());

  const list = async (query = '', key = t.keyA) => {
    const response = await get(t, `/api/v1/jobs${query}`, key);
    assert.equal(response.statusCode, 200, response.body);
    return response.json() as { data: Array<Record<string, unknown>>; nextCursor: string | null };
  };

  test('lists only the caller’s jobs, newest first, 20 per page by default, as job objects', async () => {
    const page = await list();
    assert.equal(page.data.length, 20);
    const expectedOrder = [...jobsA].sort((a, b) => b.createdAt - a.createdAt || (b.id < a.id ? -1 : 1)).map((j) => j.id);
    assert.deepEqual(page.data.map((j) => j.id), expectedOrder.slice(0, 20));
    assert.deepEqual(Object.keys(page.data[0]).slice(0, 7), ['id', 'model', 'status', 'output', 'error', 'executionTime', 'timings']);
    assert.equal(typeof page.nextCursor, 'string');
    const other = await list('', t.keyB);
    assert.equal(other.data.length, 1);
    assert.equal(other.nextCursor, null);
  });

  test('following nextCursor walks every job exactly once, ties included, and ends with null', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list(`?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.ok(page.data.length <= 7);
      seen.push(...page.data.map((j) => String(j.id)));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null);
    assert.equal(pages, 4);
    assert.equal(seen.length, jobsA.length);
    assert.equal(new Set(seen).size, jobsA.length);
  });

  test('filters by status and by model, and keeps the filters across pages', async () => {
    assert.deepEqual((await list('?status=failed')).data.map((j) => j.id), [jobsA[3].id]);
    const canceled = await list('?status=canceled');
    assert.deepEqual(canceled.data.map((j) => [j.id, j.status]), [[jobsA[4].id, 'canceled']]);
    const videos = await list('?model=lipsync-video&limit=3');
    assert.deepEqual(videos.data.map((j) => j.id), [jobsA[20].id, jobsA[15].id, jobsA[10].id]);
    const rest = await list(`?model=lipsync-video&limit=3&cursor=${videos.nextCursor}`);
    assert.deepEqual(rest.data.map((j) => j.id), [jobsA[5].id, jobsA[0].id]);
    assert.equal(rest.nextCursor, null);
  });

  test('createdAfter is inclusive and createdBefore exclusive; dates and date-times with offsets both work', async () => {
    const window = await list('?createdAfter=2025-03-01T02:00:00Z&createdBefore=2025-03-01T05:00:00Z');
    assert.deepEqual(window.data.map((j) => j.id), [jobsA[4].id, jobsA[3].id, jobsA[2].id]);
    const offset = await list('?createdAfter=2025-03-01T04:00:00%2B02:00&createdBefore=2025-03-01T03:00:00Z');
    assert.deepEqual(offset.data.map((j) => j.id), [jobsA[2].id], '04:00+02:00 is 02:00Z');
    const byDay = await list('?createdAfter=2025-03-02&limit=100');
    assert.deepEqual(byDay.data.map((j) => j.id).sort(), [jobsA[24], jobsA[25], jobsA[26]].map((j) => j.id).sort());
  });

  test('limit is 1..100; bad filters and cursors are 400s naming the parameter', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['?limit=0', 'limit', /between 1 and 100/],
      ['?limit=101', 'limit', /between 1 and 100/],
      ['?limit=ten', 'limit', /must be an integer/],
      ['?status=queued', 'status', /"processing", "completed", "failed", "canceled"/],
      ['?model=lipsync', 'model', /must be one of/],
      ['?createdAfter=yesterday', 'createdAfter', /ISO 8601 date/],
      ['?createdBefore=2025-03-01T10:00', 'createdBefore', /ISO 8601 date/],
      ['?createdAfter=2025-02-30', 'createdAfter', /not a real date/],
      ['?cursor=bm90LWEtY3Vyc29y', 'cursor', /not a cursor this server handed out/],
      ['?sort=asc', 'sort', /is not a known field/],
    ];
    for (const [query, field, message] of cases) {
      const response = await get(t, `/api/v1/jobs${query}`);
      assert.equal(response.statusCode, 400, query);
      assert.equal(response.json().error.field, field, query);
      assert.match(response.json().error.message, message, query);
    }
    assert.equal((await list('?limit=100')).data.length, 27);
  });

  test('needs an API key', async () => {
    assert.equal((await get(t, '/api/v1/jobs', null)).statusCode, 401);
  });
});
