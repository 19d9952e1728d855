// Accepting, listing, canceling and purging jobs on behalf of an account. HTTP-free: the API
// calls this, and so will the dashboard and the SDK-backed CLI.
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { minimumCharge, resolutionOf } from '../billing/index.js';
import type {
  CreditBalanceName,
  JobListFilter,
  JobListPosition,
  JobModel,
  JobRecord,
  JobView,
  JobRepository,
} from '../store/index.js';
import { newOutputToken, removeOutputFile } from './outputs.js';
import {
  IdempotencyKeyReusedError,
  JobNotFoundError,
  JobStateConflictError,
  NotEnoughCreditsError,
  TooManyProcessingJobsError,
} from './submit-errors.js';

/** Largest seed the contract allows; random seeds are drawn from 0..MAX_SEED. */
export const MAX_SEED = 2_147_483_647;

/** The contract: an Idempotency-Key repeated within 24 h answers the first request's job. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;
/** What a 429 for the concurrency limit suggests: jobs take seconds to minutes to finish. */
const CONCURRENCY_RETRY_AFTER_SECONDS = 10;

export interface SubmitJob {
  accountId: string;
  keyId: string | null;
  model: JobModel;
  /** The validated formState; stored as the job's `input`. */
  formState: Record<string, unknown>;
  webhook?: string;
  /** The client's Idempotency-Key header, if any. */
  idempotencyKey?: string;
  /** Which balance pays: API keys spend 'api' (the default), the dashboard's playground 'user'. */
  creditBalance?: CreditBalanceName;
}

export interface SubmittedJob {
  job: JobRecord;
  /** True when an Idempotency-Key matched an earlier request: `job` is that request's job. */
  replayed: boolean;
}

export interface JobServiceOptions {
  /** Processing (queued + running) jobs an account may have; 0 or absent: no limit. */
  maxProcessingJobsPerAccount?: number;
  /** Where outputs live, for DELETE. */
  outputsDir?: string;
  /** Told after a cancel so the render working on the job is aborted at once. */
  onJobCanceled?: (jobId: string) => void;
  now?: () => number;
}

export interface JobPage {
  jobs: JobRecord[];
  /** Where the next page starts; null on the last page. */
  next: JobListPosition | null;
}

export class JobService {
  private readonly now: () => number;

  constructor(
    private readonly jobs: JobRepository,
    /** Told after each insert so an idle worker claims at once instead of at its next poll. */
    private readonly onJobQueued: () => void = () => {},
    private readonly options: JobServiceOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  async submit(request: SubmitJob): Promise<SubmittedJob> {
    const now = this.now();
    const requestHash = request.idempotencyKey === undefined ? undefined : hashSubmission(request);
    const outcome = await this.jobs.submit(
      {
        id: randomUUID(),
        accountId: request.accountId,
        keyId: request.keyId,
        model: request.model,
        input: request.formState,
        seed: resolveSeed(request.formState.seed),
        webhook: request.webhook ?? null,
        outputToken: newOutputToken(),
        createdAt: now,
        creditBalance: request.creditBalance ?? 'api',
      },
      {
        idempotency:
          request.idempotencyKey === undefined || requestHash === undefined
            ? undefined
            : { key: request.idempotencyKey, requestHash, since: now - IDEMPOTENCY_WINDOW_MS },
        maxProcessingJobs: this.options.maxProcessingJobsPerAccount ?? 0,
        requiredCredits: minimumCharge(resolutionOf(request.formState)),
      },
    );
    switch (outcome.type) {
      case 'created':
        this.onJobQueued();
        return { job: outcome.job, replayed: false };
      case 'existing':
        if (outcome.job.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
        return { job: outcome.job, replayed: true };
      case 'too-many-processing':
        throw new TooManyProcessingJobsError(this.options.maxProcessingJobsPerAccount ?? 0, CONCURRENCY_RETRY_AFTER_SECONDS);
      case 'insufficient-credits':
        throw new NotEnoughCreditsError(minimumCharge(resolutionOf(request.formState)), outcome.balance, request.creditBalance);
    }
  }

  findForAccount(id: string, accountId: string): Promise<JobRecord | undefined> {
    return this.jobs.findForAccount(id, accountId);
  }

  /** The job as polling shows it (jobObjectJson's input). */
  findViewForAccount(id: string, accountId: string): Promise<JobView | undefined> {
    return this.jobs.findViewForAccount(id, accountId);
  }

  /** One page of the account's jobs, newest first. */
  async list(accountId: string, filter: JobListFilter, after: JobListPosition | null, limit: number): Promise<JobPage> {
    // One row more than asked tells whether another page exists without a count query.
    const rows = await this.jobs.list(accountId, filter, after, limit + 1);
    const jobs = rows.slice(0, limit);
    const last = jobs.at(-1);
    return { jobs, next: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null };
  }

  /**
   * Cancels a processing job: it becomes `canceled`, its credit hold is released and its render
   * is aborted. Canceling a canceled job answers it unchanged; a finished one is a conflict.
   */
  async cancel(id: string, accountId: string): Promise<JobRecord> {
    const job = await this.jobs.findForAccount(id, accountId);
    if (!job) throw new JobNotFoundError(id);
    if (job.status === 'processing' && (await this.jobs.cancel(id, accountId, this.now()))) {
      this.options.onJobCanceled?.(id);
    }
    const current = (await this.jobs.findForAccount(id, accountId)) ?? job;
    if (current.status === 'completed' || current.status === 'failed') {
      throw new JobStateConflictError(`The job is already ${current.status} and can no longer be canceled`);
    }
    return current;
  }

  /** Purges a finished job's output file; the job stays, with `output: null`. */
  async deleteOutput(id: string, accountId: string): Promise<JobRecord> {
    const job = await this.jobs.findForAccount(id, accountId);
    if (!job) throw new JobNotFoundError(id);
    if (job.status === 'processing') {
      throw new JobStateConflictError('The job is still processing; cancel it first, then delete its output');
    }
    // The row first: from then on no URL is handed out for the file, even if removing it fails.
    const file = await this.jobs.forgetOutput(id, accountId, this.now());
    if (file !== null && this.options.outputsDir) await removeOutputFile(this.options.outputsDir, file);
    return (await this.jobs.findForAccount(id, accountId)) ?? job;
  }
}

/** Absent or -1 means "pick one": the chosen seed is stored so the result can be reproduced. */
export function resolveSeed(seed: unknown): number {
  if (typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED) return seed;
  return randomInt(0, MAX_SEED + 1);
}

/**
 * What "the same request" means for Idempotency-Key: same endpoint, webhook and formState (as
 * validated, defaults filled in), whatever the key order or spacing of the JSON.
 */
export function hashSubmission(request: Pick<SubmitJob, 'model' | 'webhook' | 'formState'>): string {
  const canonical = canonicalJson({ model: request.model, webhook: request.webhook ?? null, formState: request.formState });
  return createHash('sha256').update(canonical).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
