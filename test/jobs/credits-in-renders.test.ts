import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { WorkerPool, outputsDir } from '../../src/jobs/index.js';
import type { JobRecord, LedgerEntry } from '../../src/store/index.js';
import { createAccount, newJob, openTempStore, waitFor, type TempStore } from '../store/temp-store.js';

const FAKE_WORKER = new URL('./fake-render-worker.ts', import.meta.url);
const movements = (entries: LedgerEntry[]) => entries.map((e) => `${e.kind} ${e.amount}`);

describe('credits while rendering', () => {
  let temp: TempStore;
  let pool: WorkerPool;
  before(async () => {
    temp = await openTempStore();
    pool = new WorkerPool({
      jobs: temp.store.jobs,
      dataDir: temp.dataDir,
      workers: 1,
      jobTimeoutMs: 60_000,
      limits: { allowPrivateUrls: true },
      logger: pino({ level: 'silent' }),
      workerModule: FAKE_WORKER,
      leaseMs: 3_000,
      pollMs: 50,
    });
    pool.start();
  });
  after(async () => {
    await pool.stop(1_000);
    await temp.cleanup();
  });

  async function queue(accountId: string, imagePath: string, resolution = '480p'): Promise<JobRecord> {
    const job = await temp.store.jobs.create(
      newJob(accountId, { input: { image: `https://media.test/${imagePath}`, audio: 'https://media.test/a.mp3', resolution } }),
    );
    pool.notifyJobQueued();
    return job;
  }

  const finished = (id: string) =>
    waitFor(`job ${id} to finish`, async () => {
      const job = await temp.store.jobs.findById(id);
      return job && job.status !== 'processing' ? job : undefined;
    }, 60_000);

  test('the exact cost is held when the engine announces the output length, and charged once on completion', async () => {
    const account = await createAccount(temp.store, false, { api: 100, user: 0 });
    const job = await queue(account.id, 'face.jpg?seconds=6.4', '720p');
    const done = await finished(job.id);
    assert.equal(done.status, 'completed');
    assert.equal(done.credits, 28, '6.4 s → 7 s × 4 credits at 720p');
    assert.deepEqual(movements(await temp.store.credits.entriesForJob(job.id)), ['hold -28', 'release 28', 'charge -28']);
    assert.equal((await temp.store.credits.balances(account.id)).api, 72);
  });

  test('not enough credits: the job fails saying what it needs and has, nothing is charged and no output is kept', async () => {
    const account = await createAccount(temp.store, false, { api: 20, user: 1_000 });
    const job = await queue(account.id, 'face.jpg?seconds=6.4', '720p');
    const done = await finished(job.id);
    assert.equal(done.status, 'failed');
    assert.equal(done.error, 'Insufficient credits: needs 28, balance 20');
    assert.equal(done.outputFile, null);
    assert.deepEqual(await temp.store.credits.entriesForJob(job.id), []);
    assert.deepEqual(await temp.store.credits.balances(account.id), { api: 20, user: 1_000 });
    assert.ok(!readdirSync(outputsDir(temp.dataDir)).some((f) => f.startsWith(job.id)));
  });

  test('a job that fails after its hold costs nothing: the hold is released', async () => {
    const account = await createAccount(temp.store, false, { api: 100, user: 0 });
    const job = await queue(account.id, 'no-face');
    const done = await finished(job.id);
    assert.equal(done.error, 'No face found in image');
    assert.deepEqual(movements(await temp.store.credits.entriesForJob(job.id)), ['hold -10', 'release 10']);
    assert.equal((await temp.store.credits.balances(account.id)).api, 100);
  });

  test('a render process that dies after the hold is replaced; the retry keeps the hold and the job is charged once', async () => {
    const account = await createAccount(temp.store, false, { api: 100, user: 0 });
    const marker = join(temp.dataDir, `crash-marker-${Date.now()}`);
    const job = await queue(account.id, `crash-once?seconds=12&marker=${encodeURIComponent(marker)}`);
    const done = await finished(job.id);
    assert.equal(done.status, 'completed');
    assert.equal(done.attempts, 2);
    assert.ok(existsSync(marker), 'the first attempt did crash (after holding)');
    assert.deepEqual(movements(await temp.store.credits.entriesForJob(job.id)), ['hold -24', 'release 24', 'charge -24']);
    assert.equal((await temp.store.credits.balances(account.id)).api, 76);
  });

  test('an engine that never announces its inputs is still charged, for the length it produced', async () => {
    const account = await createAccount(temp.store, false, { api: 100, user: 0 });
    const job = await queue(account.id, 'no-probe');
    const done = await finished(job.id);
    assert.equal(done.status, 'completed');
    assert.deepEqual(movements(await temp.store.credits.entriesForJob(job.id)), ['hold -10', 'release 10', 'charge -10']);
  });

  test('canceling aborts the running render through its signal; the same render process takes the next job', async () => {
    const account = await createAccount(temp.store, false, { api: 100, user: 0 });
    const firstPid = join(temp.dataDir, `pid-a-${Date.now()}`);
    const job = await queue(account.id, `hang?seconds=3&pidfile=${encodeURIComponent(firstPid)}`);
    await waitFor('the render to be running', async () => ((await temp.store.jobs.findById(job.id))?.stage === 'render' ? true : undefined), 60_000);
    assert.equal(await temp.store.jobs.cancel(job.id, account.id), true);
    pool.notifyJobCanceled(job.id);

    const secondPid = join(temp.dataDir, `pid-b-${Date.now()}`);
    const next = await queue(account.id, `face.jpg?pidfile=${encodeURIComponent(secondPid)}`);
    assert.equal((await finished(next.id)).status, 'completed');
    assert.equal(readFileSync(secondPid, 'utf8'), readFileSync(firstPid, 'utf8'), 'the aborted process was reused, not killed');
    const canceled = await temp.store.jobs.findById(job.id);
    assert.equal(canceled?.status, 'canceled');
    assert.deepEqual(movements(await temp.store.credits.entriesForJob(job.id)), ['hold -10', 'release 10']);
  });

  test('a render that ignores the abort is killed after a grace period, and a new process takes over', async () => {
    const account = await createAccount(temp.store, false, { api: 100, user: 0 });
    const firstPid = join(temp.dataDir, `pid-c-${Date.now()}`);
    const job = await queue(account.id, `deaf?pidfile=${encodeURIComponent(firstPid)}`);
    await waitFor('the render to be running', async () => ((await temp.store.jobs.findById(job.id))?.stage === 'render' ? true : undefined), 60_000);
    await temp.store.jobs.cancel(job.id, account.id);
    pool.notifyJobCanceled(job.id);
    const secondPid = join(temp.dataDir, `pid-d-${Date.now()}`);
    const next = await queue(account.id, `face.jpg?pidfile=${encodeURIComponent(secondPid)}`);
    assert.equal((await finished(next.id)).status, 'completed');
    assert.notEqual(readFileSync(secondPid, 'utf8'), readFileSync(firstPid, 'utf8'));
    assert.equal((await temp.store.jobs.findById(job.id))?.status, 'canceled');
  });
});
