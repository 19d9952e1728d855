// Deletes outputs older than the retention period (MOUTHPIECE_OUTPUT_RETENTION_DAYS). The job
// keeps its row: `output` becomes null and `outputDeleted` true, as after DELETE. Files in the
// outputs folder that no job points to any more (a crash between the row and the unlink) go too.
import { readdir, stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { JobRepository } from '../store/index.js';
import { OUTPUT_FILE_PATTERN, removeOutputFile } from './outputs.js';

export interface OutputRetentionOptions {
  jobs: JobRepository;
  outputsDir: string;
  retentionMs: number;
  logger: Logger;
  /** The clock; tests move it forward instead of waiting days. */
  now?: () => number;
  /** Time between sweeps. */
  intervalMs?: number;
}

const DEFAULT_INTERVAL_MS = 3600_000;
/** Rows handled per query, so one sweep over a large backlog never holds much in memory. */
const BATCH = 200;
const OUTPUT_FILE = new RegExp(OUTPUT_FILE_PATTERN);

export class OutputRetentionSweep {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | null = null;
  private readonly now: () => number;

  constructor(private readonly options: OutputRetentionOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Sweeps now, then every interval. */
  start(): void {
    if (this.timer) return;
    const tick = () => {
      void this.sweepOnce().catch((error: unknown) => this.options.logger.error({ err: error }, 'output retention sweep failed'));
    };
    tick();
    this.timer = setInterval(tick, this.options.intervalMs ?? DEFAULT_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
  }

  /** One sweep; answers how many output files it deleted. Concurrent calls share one sweep. */
  sweepOnce(): Promise<number> {
    this.running ??= this.sweep().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async sweep(): Promise<number> {
    const now = this.now();
    const cutoff = now - this.options.retentionMs;
    let deleted = 0;
    for (;;) {
      const expired = await this.options.jobs.findKeptOutputsFinishedBefore(cutoff, BATCH);
      for (const job of expired) {
        const file = await this.options.jobs.forgetOutput(job.id, null, now);
        if (file !== null) {
          await removeOutputFile(this.options.outputsDir, file);
          deleted++;
        }
      }
      if (expired.length < BATCH) break;
    }
    deleted += await this.removeOrphans(cutoff);
    if (deleted > 0) this.options.logger.info({ deleted, cutoff: new Date(cutoff).toISOString() }, 'expired outputs deleted');
    return deleted;
  }

  private async removeOrphans(cutoff: number): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.options.outputsDir);
    } catch {
      return 0; // no outputs folder yet
    }
    let removed = 0;
    for (const name of names) {
      if (!OUTPUT_FILE.test(name)) continue;
      const info = await stat(`${this.options.outputsDir}/${name}`).catch(() => null);
      if (!info || info.mtimeMs >= cutoff) continue;
      const job = await this.options.jobs.findById(name.slice(0, 36));
      if (job?.outputFile === name) continue; // still handed out; the row decides (above)
      await removeOutputFile(this.options.outputsDir, name);
      removed++;
    }
    return removed;
  }
}
