import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { OutputRetentionSweep, outputFileName, outputsDir, toJobObject } from '../../src/jobs/index.js';
import { newJob, openTempStore, type TempStore } from '../store/temp-store.js';

const DAY = 24 * 3600 * 1000;

/** A completed job whose output file exists, finished at `completedAt`. */
async function completedJob(temp: TempStore, completedAt: number) {
  const job = await temp.store.jobs.create(newJob(temp.account.id, { createdAt: completedAt - 1000 }));
  for (;;) {
    const claimed = await temp.store.jobs.claimNext('w', 30_000);
    assert.ok(claimed);
    if (claimed.id === job.id) break;
  }
  const file = outputFileName(job.id, job.outputToken);
  mkdirSync(outputsDir(temp.dataDir), { recursive: true });
  writeFileSync(join(outputsDir(temp.dataDir), file), 'mp4');
  await temp.store.jobs.complete(job.id, 'w', { outputFile: file, timings: {}, executionMs: 1, completedAt });
  return { id: job.id, path: join(outputsDir(temp.dataDir), file) };
}

describe('output retention', () => {
  test('deletes outputs older than the retention period; the jobs stay, with output null and outputDeleted', async () => {
    const temp = await openTempStore();
    try {
      const start = Date.parse('2025-06-01T00:00:00Z');
      let now = start;
      const sweep = new OutputRetentionSweep({
        jobs: temp.store.jobs,
        outputsDir: outputsDir(temp.dataDir),
        retentionMs: 7 * DAY,
        logger: pino({ level: 'silent' }),
        now: () => now,
      });
      const old = await completedJob(temp, start - 8 * DAY);
      const recent = await completedJob(temp, start - 6 * DAY);

      assert.equal(await sweep.sweepOnce(), 1);
      assert.ok(!existsSync(old.path), 'the 8-day-old output is gone');
      assert.ok(existsSync(recent.path), 'the 6-day-old output is kept');
      const oldJob = await temp.store.jobs.findById(old.id);
      assert.equal(oldJob?.status, 'completed');
      assert.equal(oldJob?.outputDeletedAt, now);
      const view = toJobObject(oldJob!, 'https://x.test');
      assert.equal(view.output, null);
      assert.equal(view.outputDeleted, true);
      assert.equal(toJobObject((await temp.store.jobs.findById(recent.id))!, 'https://x.test').outputDeleted, false);

      now += 2 * DAY; // the clock moves on: the other output expires too
      assert.equal(await sweep.sweepOnce(), 1);
      assert.ok(!existsSync(recent.path));
      assert.equal(await sweep.sweepOnce(), 0, 'nothing left to do');
    } finally {
      await temp.cleanup();
    }
  });

  test('also removes old files no job points to (a crash between the row and the unlink), never a kept one', async () => {
    const temp = await openTempStore();
    try {
      const now = Date.parse('2025-06-01T00:00:00Z');
      const dir = outputsDir(temp.dataDir);
      mkdirSync(dir, { recursive: true });
      const orphan = join(dir, outputFileName('11111111-1111-4111-8111-111111111111', 'B'.repeat(32)));
      writeFileSync(orphan, 'mp4');
      utimesSync(orphan, new Date(now - 9 * DAY), new Date(now - 9 * DAY));
      const stranger = join(dir, 'notes.txt');
      writeFileSync(stranger, 'not ours');
      utimesSync(stranger, new Date(now - 9 * DAY), new Date(now - 9 * DAY));
      const kept = await completedJob(temp, now - 1 * DAY);
      utimesSync(kept.path, new Date(now - 9 * DAY), new Date(now - 9 * DAY));

      const sweep = new OutputRetentionSweep({
        jobs: temp.store.jobs,
        outputsDir: dir,
        retentionMs: 7 * DAY,
        logger: pino({ level: 'silent' }),
        now: () => now,
      });
      assert.equal(await sweep.sweepOnce(), 1);
      assert.ok(!existsSync(orphan));
      assert.ok(existsSync(stranger), 'only files named like outputs are touched');
      assert.ok(existsSync(kept.path), 'a job finished a day ago keeps its output, whatever the file time says');
    } finally {
      await temp.cleanup();
    }
  });
});
