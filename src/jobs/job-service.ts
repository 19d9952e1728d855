// Accepting jobs and reading them back on behalf of an account. HTTP-free: the API calls this,
// and so will the dashboard and the SDK-backed CLI.
import { randomInt, randomUUID } from 'node:crypto';
import type { JobModel, JobRecord, JobRepository } from '../store/index.js';
import { newOutputToken } from './outputs.js';

/** Largest seed the contract allows; random seeds are drawn from 0..MAX_SEED. */
export const MAX_SEED = 2_147_483_647;

export interface SubmitJob {
  accountId: string;
  keyId: string | null;
  model: JobModel;
  /** The validated formState; stored as the job's `input`. */
  formState: Record<string, unknown>;
  webhook?: string;
}

export class JobService {
  constructor(
    private readonly jobs: JobRepository,
    /** Told after each insert so an idle worker claims at once instead of at its next poll. */
    private readonly onJobQueued: () => void = () => {},
  ) {}

  async submit(request: SubmitJob): Promise<JobRecord> {
    const job = await this.jobs.create({
      id: randomUUID(),
      accountId: request.accountId,
      keyId: request.keyId,
      model: request.model,
      input: request.formState,
      seed: resolveSeed(request.formState.seed),
      webhook: request.webhook ?? null,
      outputToken: newOutputToken(),
      createdAt: Date.now(),
    });
    this.onJobQueued();
    return job;
  }

  findForAccount(id: string, accountId: string): Promise<JobRecord | undefined> {
    return this.jobs.findForAccount(id, accountId);
  }
}

/** Absent or -1 means "pick one": the chosen seed is stored so the result can be reproduced. */
export function resolveSeed(seed: unknown): number {
  if (typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED) return seed;
  return randomInt(0, MAX_SEED + 1);
}
