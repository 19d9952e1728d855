import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { outputFileName, outputsDir } from '../../src/jobs/index.js';
import type { JobRecord } from '../../src/store/index.js';
import { newJob } from '../store/temp-store.js';
import { PUBLIC_URL, get, post, startTestApp, type TestApp } from './test-app.js';

describe('POST /api/v1/jobs/{id}/cancel and DELETE /api/v1/jobs/{id}', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const cancel = (id: string, key = t.keyA) => post(t, `/api/v1/jobs/${id}/cancel`, '', key);
  const remove = (id: string, key = t.keyA) =>
    t.app.inject({ method: 'DELETE', url: `/api/v1/jobs/${id}`, headers: { authorization: `Bearer ${key}` } });

  /** A job of account A claimed by worker "w" (earlier tests may leave others queued). */
  async function runningJob(): Promise<JobRecord> {
    const job = await t.temp.store.jobs.create(newJob(t.accountA.id));
    for (;;) {
      const claimed = await t.temp.store.jobs.claimNext('w', 30_000);
      assert.ok(claimed);
      if (claimed.id === job.id) return claimed;
    }
  }

  async function completedJob(): Promise<{ job: JobRecord; file: string }> {
    const job = await runningJob();
    await t.temp.store.jobs.holdCredits(job.id, 'w', 14);
    const file = outputFileName(job.id, job.outputToken);
    mkdirSync(outputsDir(t.temp.dataDir), { recursive: true });
    writeFileSync(join(outputsDir(t.temp.dataDir), file), 'mp4 bytes');
    await t.temp.store.jobs.complete(job.id, 'w', { outputFile: file, timings: { render: 5 }, executionMs: 10, completedAt: Date.now() });
    return { job, file };
  }

  test('a running job becomes canceled, its credits are released and its render is told to stop', async () => {
    const job = await runningJob();
    await t.temp.store.jobs.holdCredits(job.id, 'w', 20);
    const before = (await get(t, '/api/v1/account')).json();
    const response = await cancel(job.id);
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json();
    assert.equal(body.id, job.id);
    assert.equal(body.status, 'canceled');
    assert.equal(body.output, null);
    assert.equal(body.error, '');
    assert.equal(body.credits, 0, 'a canceled job costs nothing');
    assert.ok(t.canceledNotifications.includes(job.id), 'the worker pool was told, so the render gets an abort');
    const afterCancel = (await get(t, '/api/v1/account')).json();
    assert.equal(afterCancel.apiCredits, before.apiCredits + 20);
    assert.equal(afterCancel.heldCredits.api, before.heldCredits.api - 20);
    assert.equal((await get(t, `/api/v1/jobs/${job.id}`)).json().status, 'canceled');
  });

  test('a queued job can be canceled and is never claimed afterwards', async () => {
    const submitted = await post(t, '/api/v1/lipsync-image', { formState: { image: 'https://m.example.com/f.jpg', audio: 'https://m.example.com/a.mp3' } });
    const id = submitted.json().id;
    assert.equal((await cancel(id)).json().status, 'canceled');
    for (;;) {
      const claimed = await t.temp.store.jobs.claimNext('w', 30_000);
      if (!claimed) break;
      assert.notEqual(claimed.id, id);
    }
  });

  test('canceling twice answers the canceled job again', async () => {
    const job = await runningJob();
    await cancel(job.id);
    const again = await cancel(job.id);
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().status, 'canceled');
  });

  test('a completed or failed job cannot be canceled: 409 in the error shape', async () => {
    const { job } = await completedJob();
    const completed = await cancel(job.id);
    assert.equal(completed.statusCode, 409);
    assert.deepEqual(completed.json(), {
      error: { code: 'conflict', message: 'The job is already completed and can no longer be canceled', field: null },
    });
    const failed = await runningJob();
    await t.temp.store.jobs.fail(failed.id, 'w', { error: 'No face found in image', timings: null, completedAt: Date.now() });
    assert.equal((await cancel(failed.id)).statusCode, 409);
    assert.equal((await get(t, `/api/v1/jobs/${job.id}`)).json().credits, 14, 'the completed job stays charged');
  });

  test("another account's job, an unknown id and a non-UUID are 404 for cancel and delete", async () => {
    const job = await runningJob();
    for (const id of [job.id, '00000000-0000-4000-8000-000000000000', 'nope']) {
      assert.equal((await cancel(id, t.keyB)).statusCode, 404, id);
      assert.equal((await remove(id, t.keyB)).statusCode, 404, id);
    }
    assert.equal((await get(t, `/api/v1/jobs/${job.id}`)).json().status, 'processing');
  });

  test('DELETE purges the output file; the job stays with output null and outputDeleted true', async () => {
    const { job, file } = await completedJob();
    const path = join(outputsDir(t.temp.dataDir), file);
    const beforeDelete = (await get(t, `/api/v1/jobs/${job.id}`)).json();
    assert.equal(beforeDelete.output, `${PUBLIC_URL}/outputs/${file}`);
    assert.equal(beforeDelete.outputDeleted, false);
    assert.equal((await get(t, `/outputs/${file}`, null)).statusCode, 200);

    const response = await remove(job.id);
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json();
    assert.equal(body.status, 'completed');
    assert.equal(body.output, null);
    assert.equal(body.outputDeleted, true);
    assert.equal(body.credits, 14, 'deleting an output does not refund it');
    assert.ok(!existsSync(path), 'the file is gone');
    assert.equal((await get(t, `/outputs/${file}`, null)).statusCode, 404);
    assert.deepEqual((await get(t, `/api/v1/jobs/${job.id}`)).json(), body);
    assert.equal((await remove(job.id)).statusCode, 200, 'deleting again is harmless');
  });

  test('DELETE of a processing job is 409: cancel it first', async () => {
    const job = await runningJob();
    const response = await remove(job.id);
    assert.equal(response.statusCode, 409);
    assert.match(response.json().error.message, /still processing; cancel it first/);
  });
});
