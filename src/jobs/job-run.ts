// One job on one render process, from the parent's side: scratch dir, lease heartbeat,
// progress, timeout, and writing the outcome. Whatever happens, the job ends in exactly one of:
// completed, failed, handed back (shutdown), re-claimable (crash), or left to whoever holds the
// lease now (lost lease).
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { creditsFor, insufficientCreditsMessage, resolutionOf } from '../billing/index.js';
import type { EngineLimits, RunResult } from '../engine/types.js';
import type { JobRecord, JobRepository } from '../store/index.js';
import type { HoldAnswer, RenderFailure } from './ipc.js';
import { jobWorkDir, outputFileName, outputsDir, removeOutputFile } from './outputs.js';
import type { RenderChild, RenderOutcome } from './render-child.js';
import { StageClock } from './stage-clock.js';
import { localUploadFiles, type UploadUrlContext } from './uploads.js';

/** Progress is written on a stage change at once, otherwise at most this often. */
const PROGRESS_WRITE_INTERVAL_MS = 1000;
/** A canceled render gets this long to stop through its AbortSignal before it is killed. */
const ABORT_GRACE_MS = 5_000;

export interface JobRunSettings {
  jobs: JobRepository;
  dataDir: string;
  jobTimeoutMs: number;
  leaseMs: number;
  heartbeatMs: number;
  maxAttempts: number;
  limits: Partial<EngineLimits>;
  logger: Logger;
  /** Where our own uploads live, so jobs read them from disk instead of fetching our own URL. */
  uploads?: UploadUrlContext;
}

/** Why the parent ended a render early. */
export type StopReason = 'timeout' | 'lost-lease' | 'shutdown' | 'canceled';

export interface RunningJob {
  jobId: string;
  /**
   * Ends the render; the job is then settled according to `reason`. A cancel aborts the render
   * (the process stays, for the next job) and kills it only if it does not stop in time.
   */
  stop(reason: StopReason): void;
  /** Resolves with whether the render process can take another job. */
  finished: Promise<boolean>;
}

export function crashedTooOftenMessage(attempts: number): string {
  return `The job crashed the renderer ${attempts} times and was stopped`;
}

export function startJobRun(settings: JobRunSettings, workerId: string, child: RenderChild, job: JobRecord): RunningJob {
  let stopReason: StopReason | null = null;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = (reason: StopReason) => {
    // Canceling also makes the heartbeat see a lost lease; the abort is already under way.
    if (stopReason === 'canceled' && reason === 'lost-lease') return;
    stopReason ??= reason;
    if (reason !== 'canceled') {
      child.kill();
      return;
    }
    child.abort(job.id);
    killTimer ??= setTimeout(() => child.kill(), ABORT_GRACE_MS);
  };
  const finished = runJob(settings, workerId, child, job, () => stopReason, stop).finally(() => clearTimeout(killTimer));
  return { jobId: job.id, stop, finished };
}

async function runJob(
  settings: JobRunSettings,
  workerId: string,
  child: RenderChild,
  job: JobRecord,
  stopReason: () => StopReason | null,
  stop: (reason: StopReason) => void,
): Promise<boolean> {
  const { jobs, leaseMs } = settings;
  const log = settings.logger.child({ jobId: job.id, model: job.model, workerId, attempt: job.attempts });
  const workDir = jobWorkDir(settings.dataDir, job.id);
  const clock = new StageClock();
  let lastProgressWrite = 0;

  const writeProgress = () => {
    const progress = clock.stage === null ? undefined : { stage: clock.stage, progress: clock.progress };
    jobs
      .extendLease(job.id, workerId, leaseMs, progress)
      .then((held) => {
        if (!held) stop('lost-lease');
      })
      .catch((error: unknown) => log.error({ err: error }, 'could not extend the job lease'));
  };
  const onProgress = (stage: string, progress: number) => {
    const changed = clock.report(stage, progress);
    const now = Date.now();
    if (changed || now - lastProgressWrite >= PROGRESS_WRITE_INTERVAL_MS) {
      lastProgressWrite = now;
      writeProgress();
    }
  };

  // A previous attempt may have died half-way: start from an empty scratch dir.
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  const credits = new JobCredits(settings, workerId, job, log);
  const heartbeat = setInterval(writeProgress, settings.heartbeatMs);
  const timeout = setTimeout(() => stop('timeout'), settings.jobTimeoutMs);
  const startedAt = performance.now();
  log.info('render started');

  let outcome: RenderOutcome;
  try {
    outcome = await child.render(
      {
        type: 'render',
        job: {
          id: job.id,
          model: job.model,
          input: job.input,
          seed: job.seed,
          localFiles: settings.uploads ? localUploadFiles(job.input, settings.uploads) : undefined,
        },
        outputPath: join(workDir, 'output.mp4'),
        workDir,
        limits: settings.limits,
      },
      { onProgress, onInputsProbed: (plan) => credits.hold(plan.outputSeconds) },
    );
  } finally {
    clearInterval(heartbeat);
    clearTimeout(timeout);
  }

  const executionMs = performance.now() - startedAt;
  try {
    await settle(settings, workerId, job, outcome, stopReason(), { executionMs, clock, workDir, log, credits });
  } catch (error) {
    // The outcome could not be written (disk or database trouble): the lease will expire and the
    // job will be tried again, which is the safe direction.
    log.error({ err: error }, 'could not record the job outcome');
  } finally {
    await rm(workDir, { recursive: true, force: true }).catch(() => {});
  }
  return outcome.type !== 'exited' && child.alive;
}

interface SettleContext {
  executionMs: number;
  clock: StageClock;
  workDir: string;
  log: Logger;
  credits: JobCredits;
}

/**
 * The job's credit hold, placed in the database on the render's request. The amount is the
 * exact price of the output the engine announced; an attempt after a crash finds the first
 * attempt's hold and keeps it (holdCredits is idempotent per job).
 */
class JobCredits {
  held = false;

  constructor(
    private readonly settings: JobRunSettings,
    private readonly workerId: string,
    private readonly job: JobRecord,
    private readonly log: Logger,
  ) {}

  async hold(outputSeconds: number): Promise<HoldAnswer> {
    const amount = creditsFor(resolutionOf(this.job.input), outputSeconds);
    const outcome = await this.settings.jobs.holdCredits(this.job.id, this.workerId, amount);
    switch (outcome.type) {
      case 'held':
        this.held = true;
        this.log.info({ credits: outcome.amount, outputSeconds }, 'credits held');
        return { ok: true, credits: outcome.amount };
      case 'insufficient':
        this.log.info({ needed: outcome.needed, balance: outcome.balance }, 'not enough credits for the job');
        return { ok: false, reason: 'insufficient', needed: outcome.needed, balance: outcome.balance };
      case 'not-held':
        return { ok: false, reason: 'stop', message: 'The job is no longer assigned to this render' };
    }
  }
}

async function settle(
  settings: JobRunSettings,
  workerId: string,
  job: JobRecord,
  outcome: RenderOutcome,
  stopReason: StopReason | null,
  ctx: SettleContext,
): Promise<void> {
  const { jobs } = settings;
  const fail = (error: string) =>
    jobs.fail(job.id, workerId, { error, timings: ctx.clock.timings(), completedAt: Date.now() });

  switch (outcome.type) {
    case 'done':
      return completeJob(settings, workerId, job, outcome.result, ctx);
    case 'failed':
      if (stopReason === 'canceled') {
        ctx.log.info('render stopped: the job was canceled');
        return;
      }
      return failFromRender(outcome.failure, fail, ctx.log);
    case 'exited':
      break;
  }

  switch (stopReason) {
    case 'canceled':
      ctx.log.info('render killed after the job was canceled');
      return;
    case 'timeout':
      ctx.log.warn('render timed out and was killed');
      await fail(`The job took longer than ${Math.round(settings.jobTimeoutMs / 1000)} s and was stopped`);
      return;
    case 'lost-lease':
      // Canceled, or another worker took over after our lease lapsed: not ours to settle.
      ctx.log.warn('lost the job lease; render stopped');
      return;
    case 'shutdown':
      ctx.log.info('render stopped by shutdown; job handed back to the queue');
      await jobs.release(job.id, workerId);
      return;
    case null:
      ctx.log.error({ code: outcome.code, signal: outcome.signal }, 'render process died while rendering');
      if (job.attempts >= settings.maxAttempts) await fail(crashedTooOftenMessage(job.attempts));
      else await jobs.expireLease(job.id, workerId);
      return;
  }
}

async function completeJob(
  settings: JobRunSettings,
  workerId: string,
  job: JobRecord,
  result: RunResult,
  ctx: SettleContext,
): Promise<void> {
  if (!ctx.credits.held) {
    // An engine that never announced its inputs still pays: hold for what it produced.
    const answer = await ctx.credits.hold(result.durationSeconds);
    if (!answer.ok) {
      const error = answer.reason === 'insufficient' ? insufficientCreditsMessage(answer.needed, answer.balance) : answer.message;
      await settings.jobs.fail(job.id, workerId, { error, timings: ctx.clock.timings(), completedAt: Date.now() });
      return;
    }
  }
  const fileName = outputFileName(job.id, job.outputToken);
  const dir = outputsDir(settings.dataDir);
  await mkdir(dir, { recursive: true });
  // Same filesystem (both under the data dir), so the output appears whole or not at all.
  await rename(join(ctx.workDir, 'output.mp4'), join(dir, fileName));
  const timings = Object.fromEntries(Object.entries(result.timings).map(([k, v]) => [k, Math.round(v)]));
  const held = await settings.jobs.complete(job.id, workerId, {
    outputFile: fileName,
    timings,
    executionMs: ctx.executionMs,
    completedAt: Date.now(),
  });
  if (held) {
    ctx.log.info({ executionMs: Math.round(ctx.executionMs), timings }, 'job completed');
    return;
  }
  const now = await settings.jobs.findById(job.id);
  if (now?.status === 'canceled' || now?.status === 'failed') {
    // Canceled while the last frames were encoded: nobody will ever be given this file.
    ctx.log.info({ status: now.status }, 'render finished after the job ended; output discarded');
    await removeOutputFile(dir, fileName);
  } else {
    ctx.log.warn('job finished after its lease was lost; left to the current holder');
  }
}

async function failFromRender(
  failure: RenderFailure,
  fail: (error: string) => Promise<boolean>,
  log: Logger,
): Promise<void> {
  if (failure.kind === 'user') {
    log.info({ code: failure.code, error: failure.message }, 'job failed');
    await fail(failure.message);
    return;
  }
  log.error({ code: failure.code, error: failure.message, stack: failure.stack }, 'render failed unexpectedly');
  await fail('The renderer failed unexpectedly; the server log has the details');
}
