// The poll's cache (src/store/sqlite/job-view-cache.ts): a view is reused only while no job was
// written, by this process or any other on the same data directory.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteStore, JOB_CHANGES_FILE_NAME } from '../../src/store/index.js';
import { createAccount, newJob, openTempStore } from './temp-store.js';

const changeFileSize = (dataDir: string) => statSync(join(dataDir, JOB_CHANGES_FILE_NAME)).size;

describe('the cached poll read', () => {
  test('one frozen view is reused until a job changes; every kind of write is seen at the next read', async () => {
    const temp = await openTempStore();
    after(() => temp.cleanup());
    const { jobs } = temp.store;
    const accountId = temp.account.id;
    const view = async (id: string) => (await jobs.findViewForAccount(id, accountId))!;

    const job = await jobs.create(newJob(accountId));
    const first = await view(job.id);
    assert.equal(await view(job.id), first, 'a second read with nothing written is the same object');
    assert.ok(Object.isFrozen(first));

    // Each write, then what the next poll must show.
    const steps: [string, () => Promise<unknown>, (v: Awaited<ReturnType<typeof view>>) => void][] = [
      ['claim', () => jobs.claimNext('worker-1', 60_000), () => {}],
      ['heartbeat with progress', () => jobs.extendLease(job.id, 'worker-1', 60_000, { stage: 'render', progress: 0.5 }), (v) => assert.equal(v.progress, 0.5)],
      ['credit hold', () => jobs.holdCredits(job.id, 'worker-1', 20), (v) => assert.equal(v.credits, 20)],
      ['lease expiry', () => jobs.expireLease(job.id, 'worker-1'), (v) => assert.equal(v.stage, 'queued')],
      ['claim again', () => jobs.claimNext('worker-2', 60_000), () => {}],
      ['release', () => jobs.release(job.id, 'worker-2'), (v) => assert.equal(v.progress, 0)],
      ['claim once more', () => jobs.claimNext('worker-3', 60_000), () => {}],
      ['completion', () => jobs.complete(job.id, 'worker-3', { outputFile: 'out.mp4', timings: { render: 1 }, executionMs: 5, completedAt: Date.now() }), (v) => assert.equal(v.status, 'completed')],
      ['output purge', () => jobs.forgetOutput(job.id, accountId, Date.now()), (v) => assert.notEqual(v.outputDeletedAt, null)],
    ];
    let previous = first;
    for (const [what, write, expect] of steps) {
      const sizeBefore = changeFileSize(temp.dataDir);
      await write();
      assert.ok(changeFileSize(temp.dataDir) > sizeBefore, `${what} signals a change`);
      const next = await view(job.id);
      assert.notEqual(next, previous, `${what}: the poll reads again`);
      expect(next);
      previous = next;
    }

    const failing = await jobs.create(newJob(accountId));
    assert.equal((await view(failing.id)).status, 'processing');
    await jobs.fail(failing.id, null, { error: 'No face found in the image', timings: null, completedAt: Date.now() });
    assert.equal((await view(failing.id)).error, 'No face found in the image');

    const canceled = await jobs.create(newJob(accountId));
    assert.equal((await view(canceled.id)).status, 'processing');
    await jobs.cancel(canceled.id, accountId);
    assert.equal((await view(canceled.id)).status, 'canceled');

    const submitted = await jobs.submit(newJob(accountId), { maxProcessingJobs: 0, requiredCredits: 0 });
    assert.equal(submitted.type, 'created');
  });

  test('writes that change no job signal nothing, so the cache stays warm', async () => {
    const temp = await openTempStore();
    after(() => temp.cleanup());
    const { jobs } = temp.store;
    const job = await jobs.create(newJob(temp.account.id));
    const cached = await jobs.findViewForAccount(job.id, temp.account.id);
    await jobs.claimNext('worker-1', 60_000);
    const size = changeFileSize(temp.dataDir);
    assert.equal(await jobs.claimNext('worker-2', 60_000), undefined);
    assert.equal(await jobs.extendLease(job.id, 'not-the-owner', 60_000), false);
    assert.equal(await jobs.complete(job.id, 'not-the-owner', { outputFile: 'x.mp4', timings: {}, executionMs: 1, completedAt: Date.now() }), false);
    assert.equal(await jobs.cancel(job.id, 'acct_someone_else'), false);
    assert.equal(changeFileSize(temp.dataDir), size);
    assert.notEqual(await jobs.findViewForAccount(job.id, temp.account.id), cached, 'the successful claim above did signal');
  });

  test("a job written by another process is seen at this process's next read", async () => {
    const temp = await openTempStore();
    after(() => temp.cleanup());
    const { jobs } = temp.store;
    const job = await jobs.create(newJob(temp.account.id));
    assert.equal((await jobs.findViewForAccount(job.id, temp.account.id))?.status, 'processing');
    assert.equal((await jobs.findViewForAccount(job.id, temp.account.id))?.status, 'processing'); // now from the cache

    const script = `
      import { openSqliteStore } from './src/store/index.js';
      const store = await openSqliteStore(${JSON.stringify(temp.dataDir)});
      if (!(await store.jobs.cancel(${JSON.stringify(job.id)}, ${JSON.stringify(temp.account.id)}))) process.exit(3);
      await store.close();`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);

    assert.equal((await jobs.findViewForAccount(job.id, temp.account.id))?.status, 'canceled');
  });

  test('two stores on one data directory (as two processes would be) keep each other fresh, also when the change file is emptied', async () => {
    const temp = await openTempStore();
    after(() => temp.cleanup());
    const other = await openSqliteStore(temp.dataDir);
    after(() => other.close());
    const accountId = temp.account.id;
    const job = await temp.store.jobs.create(newJob(accountId));
    const seen = await temp.store.jobs.findViewForAccount(job.id, accountId);

    // A change file one byte short of full: the next write fills it and empties it.
    const path = join(temp.dataDir, JOB_CHANGES_FILE_NAME);
    writeFileSync(path, Buffer.alloc((1 << 20) - 1, '.'));
    assert.equal(await temp.store.jobs.findViewForAccount(job.id, accountId), await temp.store.jobs.findViewForAccount(job.id, accountId));

    await other.jobs.claimNext('worker-1', 60_000);
    assert.equal(statSync(path).size, 0, 'emptied at 1 MiB');
    await other.jobs.extendLease(job.id, 'worker-1', 60_000, { stage: 'render', progress: 0.25 });
    assert.equal(statSync(path).size, 1);
    const fresh = await temp.store.jobs.findViewForAccount(job.id, accountId);
    assert.notEqual(fresh, seen);
    assert.equal(fresh?.progress, 0.25);
    assert.equal((await other.jobs.findViewForAccount(job.id, accountId))?.progress, 0.25);
  });

  test('views are cached per account, and a job that is not found is read again next time', async () => {
    const temp = await openTempStore();
    after(() => temp.cleanup());
    const { jobs } = temp.store;
    const stranger = await createAccount(temp.store);
    const job = newJob(temp.account.id);
    assert.equal(await jobs.findViewForAccount(job.id, temp.account.id), undefined);
    await jobs.create(job);
    assert.equal((await jobs.findViewForAccount(job.id, temp.account.id))?.id, job.id);
    assert.equal(await jobs.findViewForAccount(job.id, stranger.id), undefined, 'never from another account’s cached view');
  });
});
