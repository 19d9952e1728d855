// The server's renderers: a fixed number of long-lived render processes, each taking one job at
// a time from the queue (the jobs table). A render process that dies is replaced; its job is
// claimed again (attempts counted). On stop, running renders get a grace period, then they are
// killed and their jobs handed back so the next start picks them up.
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { EngineLimits } from '../engine/types.js';
import type { JobRecord, JobRepository } from '../store/index.js';
import { crashedTooOftenMessage, startJobRun, type JobRunSettings, type RunningJob } from './job-run.js';
import { DEFAULT_RENDER_WORKER, RenderChild } from './render-child.js';
import { uploadsDir } from './uploads.js';

export interface WorkerPoolOptions {
  jobs: JobRepository;
  dataDir: string;
  /** Number of render processes. */
  workers: number;
  jobTimeoutMs: number;
  limits: Partial<EngineLimits>;
  logger: Logger;
  /** Entry module of the render processes; tests substitute a fake engine. */
  workerModule?: URL;
  /** How long a claim holds a job without a heartbeat. A dead server's jobs wait this long. */
  leaseMs?: number;
  /** How often an idle render process looks for work it was not told about (CLI, other hosts). */
  pollMs?: number;
  /** Crashes of the renderer one job may cause before it fails. */
  maxAttempts?: number;
  /** config.publicUrl: media URLs of our own uploads under it are read from disk (no fetch). */
  publicUrl?: string;
}

const DEFAULT_LEASE_MS = 30_000;
const DEFAULT_POLL_MS = 1_000;
const DEFAULT_MAX_ATTEMPTS = 3;
/** Restart delays for a render process that cannot start (e.g. broken model files). */
const RESPAWN_BACKOFF_MS = [500, 1_000, 2_000, 5_000, 10_000, 30_000];

interface Slot {
  index: number;
  workerId: string;
  child: RenderChild | null;
  ready: boolean;
  running: RunningJob | null;
  loop: Promise<void>;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly settings: JobRunSettings;
  private readonly pollMs: number;
  private readonly workerModule: URL;
  private waiters = new Set<() => void>();
  private stopping = false;
  private isStarted = false;

  constructor(private readonly options: WorkerPoolOptions) {
    const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.settings = {
      jobs: options.jobs,
      dataDir: options.dataDir,
      jobTimeoutMs: options.jobTimeoutMs,
      leaseMs,
      // Three heartbeats per lease: one lost write does not cost the lease.
      heartbeatMs: Math.max(10, Math.floor(leaseMs / 3)),
      maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      limits: options.limits,
      logger: options.logger,
      uploads: options.publicUrl === undefined ? undefined : { publicUrl: options.publicUrl, uploadsDir: uploadsDir(options.dataDir) },
    };
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.workerModule = options.workerModule ?? DEFAULT_RENDER_WORKER;
  }

  start(): void {
    if (this.isStarted) return;
    this.isStarted = true;
    const host = hostname();
    for (let index = 0; index < this.options.workers; index++) {
      const slot: Slot = {
        index,
        workerId: `${host}:${process.pid}:${index}`,
        child: null,
        ready: false,
        running: null,
        loop: Promise.resolve(),
      };
      this.slots.push(slot);
      slot.loop = this.runSlot(slot);
    }
  }

  /** True once render processes are being started; the queue accepts jobs from then on. */
  get started(): boolean {
    return this.isStarted && !this.stopping;
  }

  status(): { workers: number; ready: number; busy: number } {
    return {
      workers: this.slots.length,
      ready: this.slots.filter((s) => s.ready).length,
      busy: this.slots.filter((s) => s.running !== null).length,
    };
  }

  /** A job was just queued: idle render processes look now rather than at their next poll. */
  notifyJobQueued(): void {
    this.wakeAll();
  }

  /** A job was canceled: if one of our renders is working on it, abort that render now. */
  notifyJobCanceled(jobId: string): void {
    for (const slot of this.slots) if (slot.running?.jobId === jobId) slot.running.stop('canceled');
  }

  /**
   * Stops taking jobs, lets running renders finish for up to `graceMs`, then kills what is left
   * and hands those jobs back to the queue. Resolves when every render process has exited.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.wakeAll();
    const loops = Promise.all(this.slots.map((s) => s.loop));
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace-over'>((resolve) => {
      timer = setTimeout(() => resolve('grace-over'), graceMs);
    });
    const first = await Promise.race([loops, graceOver]);
    clearTimeout(timer);
    if (first === 'grace-over') {
      for (const slot of this.slots) {
        slot.running?.stop('shutdown');
        slot.child?.kill();
      }
    }
    await loops;
  }

  private async runSlot(slot: Slot): Promise<void> {
    const log = this.options.logger.child({ workerId: slot.workerId });
    let failedStarts = 0;
    while (!this.stopping) {
      const child = new RenderChild(this.workerModule);
      slot.child = child;
      try {
        await child.ready;
        failedStarts = 0;
        slot.ready = true;
        log.info({ pid: child.pid }, 'render process ready');
        await this.serveJobs(slot, child);
      } catch (error) {
        if (!this.stopping) {
          const delay = RESPAWN_BACKOFF_MS[Math.min(failedStarts, RESPAWN_BACKOFF_MS.length - 1)];
          failedStarts++;
          log.error({ err: error, retryInMs: delay }, 'render process failed to start');
          child.kill();
          await this.waitForWork(delay);
        }
      } finally {
        slot.ready = false;
        child.kill();
        await child.exited;
        slot.child = null;
      }
    }
  }

  /** Claims and renders jobs on `child` until it dies or the pool stops. */
  private async serveJobs(slot: Slot, child: RenderChild): Promise<void> {
    while (!this.stopping && child.alive) {
      const job = await this.claimNextRunnable(slot.workerId);
      if (!job) {
        await this.waitForWork(this.pollMs);
        continue;
      }
      slot.running = startJobRun(this.settings, slot.workerId, child, job);
      const reusable = await slot.running.finished;
      slot.running = null;
      if (!reusable) return;
    }
  }

  /** The next job to render; jobs that already crashed the renderer too often fail instead. */
  private async claimNextRunnable(workerId: string): Promise<JobRecord | undefined> {
    for (;;) {
      const job = await this.settings.jobs.claimNext(workerId, this.settings.leaseMs);
      if (!job || job.attempts <= this.settings.maxAttempts) return job;
      const attempts = job.attempts - 1;
      this.options.logger.warn({ jobId: job.id, attempts }, 'job crashed the renderer too often');
      await this.settings.jobs.fail(job.id, workerId, {
        error: crashedTooOftenMessage(attempts),
        timings: {},
        completedAt: Date.now(),
      });
    }
  }

  /** Resolves after `ms`, or earlier when a job is queued or the pool stops. */
  private waitForWork(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  private wakeAll(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
