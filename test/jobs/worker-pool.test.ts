import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { WorkerPool, outputFileName, outputsDir } from '../../src/jobs/index.js';
import { RENDER_V8_FLAGS } from '../../src/jobs/render-child.js';
import type { JobRecord } from '../../src/store/index.js';
import { newJob, openTempStore, waitFor, type TempStore } from '../store/temp-store.js';

const FAKE_WORKER = new URL('./fake-render-worker.ts', import.meta.url);

function startPool(temp: TempStore, overrides: { jobTimeoutMs?: number; workers?: number } = {}): WorkerPool {
  const pool = new WorkerPool({
    jobs: temp.store.jobs,
    dataDir: temp.dataDir,
    workers: overrides.workers ?? 1,
    jobTimeoutMs: overrides.jobTimeoutMs ?? 60_000,
    limits: { allowPrivateUrls: true },
    logger: pino({ level: 'silent' }),
    workerModule: FAKE_WORKER,
    leaseMs: 3_000,
    pollMs: 50,
  });
  pool.start();
  return pool;
}

async function queue(temp: TempStore, imagePath: string, model: JobRecord['model'] = 'lipsync-image'): Promise<JobRecord> {
  return temp.store.jobs.create(
    newJob(temp.account.id, { model, input: { image: `https://media.test/${imagePath}`, audio: 'https://media.test/a.mp3' } }),
  );
}

async function finished(temp: TempStore, id: string): Promise<JobRecord> {
  // Generous: render processes start through tsx, which is slow on a loaded machine.
  return waitFor(`job ${id} to finish`, async () => {
    const job = await temp.store.jobs.findById(id);
    return job && job.status !== 'processing' ? job : undefined;
  }, 60_000);
}

describe('worker pool', () => {
  let temp: TempStore;
  let pool: WorkerPool;
  before(async () => {
    temp = await openTempStore();
    pool = startPool(temp);
  });
  after(async () => {
    await pool.stop(1_000);
    await temp.cleanup();
  });

  test('renders a queued job into <dataDir>/outputs/<id>-<token>.mp4 and completes it', async () => {
    const job = await queue(temp, 'face.jpg');
    pool.notifyJobQueued();
    const done = await finished(temp, job.id);
    assert.equal(done.status, 'completed');
    assert.equal(done.outputFile, outputFileName(job.id, job.outputToken));
    assert.equal(readFileSync(join(outputsDir(temp.dataDir), done.outputFile!), 'utf8'), 'fake mp4 for seed 42');
    assert.deepEqual(done.timings, { fetch: 1, render: 4 });
    assert.equal(typeof done.executionMs, 'number');
    assert.equal(done.stage, 'done');
    assert.equal(done.progress, 1);
    assert.equal(done.lockedBy, null);
    // The scratch dir is removed right after the result is written (cleanup follows the result).
    await waitFor('the scratch dir to be removed', () => (existsSync(join(temp.dataDir, 'work', job.id)) ? undefined : true), 5_000);
  });

  test('render processes run with the render heap settings', async () => {
    const argvFile = join(temp.dataDir, 'render-argv.json');
    const job = await queue(temp, `face.jpg?argvfile=${encodeURIComponent(argvFile)}`);
    pool.notifyJobQueued();
    assert.equal((await finished(temp, job.id)).status, 'completed');
    const execArgv = JSON.parse(readFileSync(argvFile, 'utf8')) as string[];
    for (const flag of RENDER_V8_FLAGS) assert.ok(execArgv.includes(flag), `${flag} in ${execArgv.join(' ')}`);
  });

  test("an engine error fails the job with the error's own message", async () => {
    const job = await queue(temp, 'no-face');
    const done = await finished(temp, job.id);
    assert.equal(done.status, 'failed');
    assert.equal(done.error, 'No face found in image');
    assert.equal(typeof done.timings?.fetch, 'number', 'failed jobs keep the timings of the stages they reached');
  });

  test('an unexpected error fails the job with an honest generic message, without internals', async () => {
    const job = await queue(temp, 'bug');
    const done = await finished(temp, job.id);
    assert.equal(done.status, 'failed');
    assert.match(done.error, /unexpectedly/);
    assert.doesNotMatch(done.error, /undefined|landmarks/);
  });

  test('lipsync-video and lipsync-image-multi fail honestly: their engines do not exist yet', async () => {
    const video = await queue(temp, 'face.jpg', 'lipsync-video');
    const multi = await queue(temp, 'face.jpg', 'lipsync-image-multi');
    assert.equal((await finished(temp, video.id)).error, 'lipsync-video is not available on this server yet');
    assert.equal((await finished(temp, multi.id)).error, 'lipsync-image-multi is not available on this server yet');
  });

  test('a render process that dies is replaced and the job completes on its next attempt', async () => {
    const marker = join(temp.dataDir, `crash-marker-${Date.now()}`);
    const job = await queue(temp, `crash-once?marker=${encodeURIComponent(marker)}`);
    const done = await finished(temp, job.id);
    assert.equal(done.status, 'completed');
    assert.equal(done.attempts, 2);
    assert.ok(existsSync(marker), 'the first attempt did crash');
  });

  test('a job that keeps crashing the renderer fails after 3 attempts', async () => {
    const job = await queue(temp, 'crash');
    const done = await finished(temp, job.id);
    assert.equal(done.status, 'failed');
    assert.equal(done.error, 'The job crashed the renderer 3 times and was stopped');
    assert.equal(done.attempts, 3);
  });

  test('the next job after all those failures still completes', async () => {
    const job = await queue(temp, 'face.jpg');
    assert.equal((await finished(temp, job.id)).status, 'completed');
  });
});

describe('worker pool limits and shutdown', () => {
  test('a render running past the job timeout is killed and the job fails saying so', async () => {
    const temp = await openTempStore();
    const pool = startPool(temp, { jobTimeoutMs: 1_000 });
    after(async () => {
      await pool.stop(1_000);
      await temp.cleanup();
    });
    const job = await queue(temp, 'hang');
    const done = await finished(temp, job.id);
    assert.equal(done.status, 'failed');
    assert.equal(done.error, 'The job took longer than 1 s and was stopped');
    const next = await queue(temp, 'face.jpg');
    assert.equal((await finished(temp, next.id)).status, 'completed', 'a new render process took over');
  });

  test('stop hands a running job back to the queue, unfinished and without counting the attempt', async () => {
    const temp = await openTempStore();
    const pool = startPool(temp);
    after(() => temp.cleanup());
    const job = await queue(temp, 'hang');
    await waitFor('the render to report its stage', async () => {
      const row = await temp.store.jobs.findById(job.id);
      return row?.stage === 'render' ? row : undefined;
    }, 60_000);
    await pool.stop(200);
    const row = await temp.store.jobs.findById(job.id);
    assert.equal(row?.status, 'processing');
    assert.equal(row?.lockedBy, null);
    assert.equal(row?.attempts, 0);
    assert.equal(row?.stage, 'queued');
    assert.deepEqual(readdirSync(join(temp.dataDir, 'work')), [], 'no scratch dir is left behind');
  });
});
