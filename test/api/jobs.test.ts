import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AUDIO, IMAGE, PUBLIC_URL, get, post, startTestApp, type TestApp } from './test-app.js';

const CONTRACT_FIELDS = ['id', 'model', 'status', 'output', 'error', 'executionTime', 'timings'];
const EXTENSION_FIELDS = ['progress', 'stage', 'createdAt', 'completedAt', 'seed', 'input', 'credits', 'outputDeleted'];

describe('GET /api/v1/jobs/{id}', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  async function submit(formState: Record<string, unknown> = {}, key = t.keyA): Promise<string> {
    const response = await post(t, '/api/v1/lipsync-image', { formState: { image: IMAGE, audio: AUDIO, ...formState } }, key);
    assert.equal(response.statusCode, 200);
    return response.json().id;
  }

  test('a queued job is processing, with exactly the contract fields plus our extensions', async () => {
    const notificationsBefore = t.queuedNotifications;
    const id = await submit({ resolution: '720p', seed: 42 });
    assert.equal(t.queuedNotifications, notificationsBefore + 1, 'the worker pool is told about the new job');
    const response = await get(t, `/api/v1/jobs/${id}`);
    assert.equal(response.statusCode, 200);
    const job = response.json();
    assert.deepEqual(Object.keys(job), [...CONTRACT_FIELDS, ...EXTENSION_FIELDS]);
    assert.deepEqual(
      { ...job, createdAt: undefined },
      {
        id,
        model: 'lipsync-image',
        status: 'processing',
        output: null,
        error: '',
        executionTime: null,
        timings: null,
        progress: 0,
        stage: 'queued',
        createdAt: undefined,
        completedAt: null,
        seed: 42,
        input: { image: IMAGE, audio: AUDIO, resolution: '720p', seed: 42 },
        credits: null,
        outputDeleted: false,
      },
    );
    assert.ok(!Number.isNaN(Date.parse(job.createdAt)));
  });

  test('without a seed (or with -1) a random seed is chosen and reported; resolution defaults to 480p', async () => {
    const a = (await get(t, `/api/v1/jobs/${await submit()}`)).json();
    const b = (await get(t, `/api/v1/jobs/${await submit({ seed: -1 })}`)).json();
    for (const job of [a, b]) {
      assert.ok(Number.isInteger(job.seed) && job.seed >= 0 && job.seed <= 2147483647);
      assert.equal(job.input.resolution, '480p');
    }
  });

  /** Claims queued jobs (earlier tests leave some) until `id` is ours, as worker "w". */
  async function claim(id: string) {
    for (;;) {
      const claimed = await t.temp.store.jobs.claimNext('w', 30_000);
      assert.ok(claimed, `job ${id} was claimable`);
      if (claimed.id === id) return claimed;
    }
  }

  test('a completed job has an absolute output URL, executionTime in ms and per-stage timings', async () => {
    const id = await submit();
    const { jobs } = t.temp.store;
    const claimed = await claim(id);
    const outputFile = `${id}-${claimed.outputToken}.mp4`;
    await jobs.complete(id, 'w', { outputFile, timings: { fetch: 120, render: 3400 }, executionMs: 4321.4, completedAt: Date.now() });

    const job = (await get(t, `/api/v1/jobs/${id}`)).json();
    assert.deepEqual(Object.keys(job), [...CONTRACT_FIELDS, ...EXTENSION_FIELDS]);
    assert.equal(job.status, 'completed');
    assert.equal(job.output, `${PUBLIC_URL}/outputs/${outputFile}`);
    assert.equal(job.error, '');
    assert.equal(job.executionTime, 4321);
    assert.deepEqual(job.timings, { fetch: 120, render: 3400 });
    assert.equal(job.progress, 1);
    assert.ok(!Number.isNaN(Date.parse(job.completedAt)));
  });

  test('a failed job has its error sentence, no output and no executionTime', async () => {
    const id = await submit();
    const { jobs } = t.temp.store;
    await claim(id);
    await jobs.fail(id, 'w', { error: 'No face found in image', timings: { fetch: 80 }, completedAt: Date.now() });

    const job = (await get(t, `/api/v1/jobs/${id}`)).json();
    assert.equal(job.status, 'failed');
    assert.equal(job.error, 'No face found in image');
    assert.equal(job.output, null);
    assert.equal(job.executionTime, null);
    assert.deepEqual(job.timings, { fetch: 80 });
  });

  test("another account's job is 404, exactly like a job that does not exist", async () => {
    const id = await submit({}, t.keyA);
    const foreign = await get(t, `/api/v1/jobs/${id}`, t.keyB);
    const unknown = await get(t, '/api/v1/jobs/00000000-0000-4000-8000-000000000000', t.keyB);
    assert.equal(foreign.statusCode, 404);
    assert.equal(unknown.statusCode, 404);
    assert.equal(foreign.json().error.code, 'not_found');
    assert.equal((await get(t, `/api/v1/jobs/${id}`, t.keyA)).statusCode, 200);
  });

  test('an id that is not a UUID is 404 too', async () => {
    assert.equal((await get(t, '/api/v1/jobs/not-a-job')).statusCode, 404);
  });
});

describe('request ids and health', () => {
  test('every response carries x-request-id; a sane incoming one is kept', async () => {
    const t = await startTestApp();
    after(() => t.close());
    const generated = await get(t, '/healthz', null);
    assert.match(String(generated.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    const kept = await get(t, '/api/v1/jobs/x', null, { 'x-request-id': 'proxy-abc.123' });
    assert.equal(kept.statusCode, 401);
    assert.equal(kept.headers['x-request-id'], 'proxy-abc.123');
    const replaced = await get(t, '/healthz', null, { 'x-request-id': 'bad id\twith spaces' });
    assert.notEqual(replaced.headers['x-request-id'], 'bad id\twith spaces');
  });

  test('/healthz is 503 until the server can take jobs, then 200', async () => {
    const t = await startTestApp();
    after(() => t.close());
    t.ready = false;
    const starting = await get(t, '/healthz', null);
    assert.equal(starting.statusCode, 503);
    assert.equal(starting.json().error.code, 'not_ready');
    t.ready = true;
    assert.equal((await get(t, '/healthz', null)).statusCode, 200);
  });
});
