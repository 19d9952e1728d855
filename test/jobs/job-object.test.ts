import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import { JobObjectSchema } from '../../src/api/schemas.js';
import { jobObjectJson, toJobObject } from '../../src/jobs/index.js';
import { createAccount, newJob, openTempStore } from '../store/temp-store.js';

const PUBLIC_URL = 'https://lipsync.example.com';

describe('the job object, as the poll writes it', () => {
  test('the poll’s JSON text is JSON.stringify of toJobObject, in every state of a job', async () => {
    const temp = await openTempStore();
    after(() => temp.cleanup());
    const { jobs } = temp.store;
    const accountId = temp.account.id;
    const expectSame = async (id: string, state: string) => {
      const record = await jobs.findForAccount(id, accountId);
      const view = await jobs.findViewForAccount(id, accountId);
      assert.ok(record && view, state);
      const text = jobObjectJson(view, PUBLIC_URL);
      assert.equal(text, JSON.stringify(toJobObject(record, PUBLIC_URL)), state);
      const parsed: unknown = JSON.parse(text);
      assert.ok(Value.Check(JobObjectSchema, parsed), `${state}: ${[...Value.Errors(JobObjectSchema, parsed)].map((e) => e.message).join('; ')}`);
      return parsed as Record<string, unknown>;
    };

    const queued = await jobs.create(
      newJob(accountId, {
        input: { image: 'https://example.com/f.jpg?a=1&b="2"', audio: 'https://example.com/v.mp3', prompt: 'é 😀 \\ \n\u2028', seed: 7 },
        seed: 4_294_967_295,
      }),
    );
    assert.equal((await expectSame(queued.id, 'queued')).timings, null);
    await jobs.claimNext('worker-1', 60_000);
    await jobs.extendLease(queued.id, 'worker-1', 60_000, { stage: 'render', progress: 1 / 3 });
    assert.equal((await expectSame(queued.id, 'running')).progress, 1 / 3);
    await jobs.holdCredits(queued.id, 'worker-1', 20);
    assert.equal((await expectSame(queued.id, 'credits held')).credits, 20);
    await jobs.complete(queued.id, 'worker-1', {
      outputFile: 'a/b c.mp4',
      timings: { probe: 12.5, render: 300, total: 0.1 + 0.2 },
      executionMs: 312.7,
      completedAt: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
    });
    const completed = await expectSame(queued.id, 'completed');
    assert.equal(completed.executionTime, 313);
    assert.equal(completed.output, `${PUBLIC_URL}/outputs/a/b c.mp4`);
    assert.equal(completed.completedAt, '2026-01-02T03:04:05.006Z');

    const failed = await jobs.create(newJob(accountId));
    await jobs.fail(failed.id, null, { error: 'No face found in the "image"', timings: null, completedAt: Date.now() });
    const failedObject = await expectSame(failed.id, 'failed');
    assert.deepEqual(failedObject.timings, {});
    assert.equal(failedObject.credits, 0);

    const canceled = await jobs.create(newJob(accountId));
    await jobs.cancel(canceled.id, accountId);
    await expectSame(canceled.id, 'canceled');
  });

  test("another account's job, or an unknown id, has no view", async () => {
    const temp = await openTempStore();
    after(() => temp.cleanup());
    const other = await createAccount(temp.store);
    const job = await temp.store.jobs.create(newJob(temp.account.id));
    assert.equal(await temp.store.jobs.findViewForAccount(job.id, other.id), undefined);
    assert.equal(await temp.store.jobs.findViewForAccount('00000000-0000-4000-8000-000000000000', temp.account.id), undefined);
  });
});
