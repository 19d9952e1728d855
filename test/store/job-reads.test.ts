import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, newJob, openTempStore } from './temp-store.js';

describe('reading a job for its account', () => {
  test('findForAccount answers exactly the record findById reads, in every state of a job', async () => {
    const temp = await openTempStore();
    after(() => temp.cleanup());
    const { jobs } = temp.store;
    const accountId = temp.account.id;
    const expectSame = async (id: string, state: string) => {
      const read = await jobs.findForAccount(id, accountId);
      assert.deepEqual(read, await jobs.findById(id), state);
      return read!;
    };

    const queued = await jobs.create(
      newJob(accountId, {
        input: { image: 'https://example.com/f.jpg?a=1&b="2"', audio: 'https://example.com/v.mp3', prompt: 'é 😀 \\ \n', nested: { n: [1, 2.5, null] } },
        webhook: 'https://example.com/hook',
        seed: 4_294_967_295,
      }),
    );
    assert.deepEqual(await expectSame(queued.id, 'queued'), queued);

    const claimed = await jobs.claimNext('worker-1', 60_000);
    assert.equal(claimed?.id, queued.id);
    await jobs.extendLease(queued.id, 'worker-1', 60_000, { stage: 'render', progress: 1 / 3 });
    assert.equal((await expectSame(queued.id, 'running')).progress, 1 / 3);
    await jobs.holdCredits(queued.id, 'worker-1', 20);
    await expectSame(queued.id, 'credits held');
    await jobs.complete(queued.id, 'worker-1', {
      outputFile: 'out.mp4',
      timings: { probe: 12.5, render: 300, total: 0.1 + 0.2 },
      executionMs: 312.7,
      completedAt: Date.now(),
    });
    assert.deepEqual((await expectSame(queued.id, 'completed')).timings, { probe: 12.5, render: 300, total: 0.1 + 0.2 });

    const failed = await jobs.create(newJob(accountId));
    await jobs.fail(failed.id, null, { error: 'No face found in the image', timings: null, completedAt: Date.now() });
    assert.equal((await expectSame(failed.id, 'failed')).timings, null);

    const canceled = await jobs.create(newJob(accountId));
    await jobs.cancel(canceled.id, accountId);
    await expectSame(canceled.id, 'canceled');
  });

  test("another account's job, or an unknown id, is not found", async () => {
    const temp = await openTempStore();
    after(() => temp.cleanup());
    const other = await createAccount(temp.store);
    const job = await temp.store.jobs.create(newJob(temp.account.id));
    assert.equal(await temp.store.jobs.findForAccount(job.id, other.id), undefined);
    assert.equal(await temp.store.jobs.findForAccount('00000000-0000-4000-8000-000000000000', temp.account.id), undefined);
  });
});
