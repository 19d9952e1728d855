import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../../src/store/index.js';
import { newJob, openTempStore } from '../store/temp-store.js';

const LEASE_MS = 30_000;
const T0 = 1_800_000_000_000;

describe('the jobs table as a queue', () => {
  test('a job is claimed by exactly one of two claimers on separate connections', async () => {
    const temp = await openTempStore();
    const other = await openSqliteStore(temp.dataDir);
    after(async () => {
      await other.close();
      await temp.cleanup();
    });
    const job = await temp.store.jobs.create(newJob(temp.account.id));

    const [a, b] = await Promise.all([
      temp.store.jobs.claimNext('worker-a', LEASE_MS),
      other.jobs.claimNext('worker-b', LEASE_MS),
    ]);
    const winners = [a, b].filter((claim) => claim !== undefined);
    assert.equal(winners.length, 1);
    assert.equal(winners[0]!.id, job.id);
    assert.equal(winners[0]!.attempts, 1);
    assert.ok(['worker-a', 'worker-b'].includes(winners[0]!.lockedBy!));
  });

  test('claims the oldest processing job first and never a finished one', async () => {
    const temp = await openTempStore();
    after(() => temp.cleanup());
    const { jobs } = temp.store;
    const done = await jobs.create(newJob(temp.account.id, { createdAt: T0 - 3000 }));
    await jobs.claimNext('w', LEASE_MS, T0);
    await jobs.fail(done.id, 'w', { error: 'x', timings: null, completedAt: T0 });
    const older = await jobs.create(newJob(temp.account.id, { createdAt: T0 - 2000 }));
    const newer = await jobs.create(newJob(temp.account.id, { createdAt: T0 - 1000 }));

    assert.equal((await jobs.claimNext('w', LEASE_MS, T0))?.id, older.id);
    assert.equal((await jobs.claimNext('w', LEASE_MS, T0))?.id, newer.id);
    assert.equal(await jobs.claimNext('w', LEASE_MS, T0), undefined);
  });

  test('a live lease is not claimed; an expired one is claimed again with the attempt counted', async () => {
    const temp = await openTempStore();
    after(() => temp.cleanup());
    const { jobs } = temp.store;
    const job = await jobs.create(newJob(temp.account.id));

    const first = await jobs.claimNext('dead-worker', LEASE_MS, T0);
    assert.equal(first?.lockedUntil, T0 + LEASE_MS);
    assert.equal(await jobs.claimNext('w2', LEASE_MS, T0 + LEASE_MS - 1), undefined);

    const second = await jobs.claimNext('w2', LEASE_MS, T0 + LEASE_MS);
    assert.equal(second?.id, job.id);
    assert.equal(second?.attempts, 2);
    assert.equal(second?.lockedBy, 'w2');
    assert.equal(second?.startedAt, T0, 'started_at keeps the first claim');

    // The worker that lost the lease can no longer extend or complete it.
    assert.equal(await jobs.extendLease(job.id, 'dead-worker', LEASE_MS), false);
    const success = { outputFile: 'x.mp4', timings: {}, executionMs: 1, completedAt: T0 };
    assert.equal(await jobs.complete(job.id, 'dead-worker', success), false);
    assert.equal(await jobs.complete(job.id, 'w2', success), true);
    assert.equal((await jobs.findById(job.id))?.status, 'completed');
  });

  test('heartbeats extend the lease and record stage and progress', async () => {
    const temp = await openTempStore();
    after(() => temp.cleanup());
    const { jobs } = temp.store;
    const job = await jobs.create(newJob(temp.account.id));
    await jobs.claimNext('w', LEASE_MS, T0);
    assert.equal(await jobs.extendLease(job.id, 'w', LEASE_MS, { stage: 'render', progress: 0.5 }, T0 + 20_000), true);
    assert.equal(await jobs.claimNext('w2', LEASE_MS, T0 + LEASE_MS + 1), undefined, 'the extended lease still holds');
    const row = await jobs.findById(job.id);
    assert.equal(row?.stage, 'render');
    assert.equal(row?.progress, 0.5);
    assert.equal(row?.lockedUntil, T0 + 20_000 + LEASE_MS);
  });

  test('a crash makes the job claimable at once; a shutdown hand-back does not count the attempt', async () => {
    const temp = await openTempStore();
    after(() => temp.cleanup());
    const { jobs } = temp.store;
    const job = await jobs.create(newJob(temp.account.id));

    await jobs.claimNext('w', LEASE_MS, T0);
    assert.equal(await jobs.expireLease(job.id, 'w', T0 + 5), true);
    assert.equal((await jobs.claimNext('w', LEASE_MS, T0 + 5))?.attempts, 2);

    assert.equal(await jobs.release(job.id, 'w'), true);
    const released = await jobs.findById(job.id);
    assert.equal(released?.attempts, 1);
    assert.equal(released?.lockedBy, null);
    assert.equal((await jobs.claimNext('w', LEASE_MS, T0 + 6))?.attempts, 2);
  });
});
