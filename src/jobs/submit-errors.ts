// Why a job was not accepted (or not changed). Typed so the API maps each to its status once.

/** Idempotency-Key reused within its window with a different request. */
export class IdempotencyKeyReusedError extends Error {
  readonly code = 'idempotency_key_reused';
  constructor() {
    super('This Idempotency-Key was already used with a different request body; use a new key for a new request');
    this.name = 'IdempotencyKeyReusedError';
  }
}

/** The account already has as many processing jobs as it may. */
export class TooManyProcessingJobsError extends Error {
  readonly code = 'too_many_processing_jobs';
  constructor(
    readonly limit: number,
    /** Seconds after which a retry has a fair chance (jobs take seconds to minutes). */
    readonly retryAfterSeconds: number,
  ) {
    super(`The account already has ${limit} jobs processing, the most it may have at once; retry when some have finished`);
    this.name = 'TooManyProcessingJobsError';
  }
}

/** The paying balance is below the least any job at this resolution costs. */
export class NotEnoughCreditsError extends Error {
  readonly code = 'insufficient_credits';
  constructor(
    readonly needed: number,
    readonly balance: number,
    balanceName: 'api' | 'user' = 'api',
  ) {
    const which = balanceName === 'api' ? 'API' : 'user';
    super(`Insufficient credits: a job at this resolution costs at least ${needed} credits, the ${which} balance is ${balance}`);
    this.name = 'NotEnoughCreditsError';
  }
}

/** The job does not exist for this account (or belongs to another). */
export class JobNotFoundError extends Error {
  readonly code = 'not_found';
  constructor(id: string) {
    super(`No job with id ${id}`);
    this.name = 'JobNotFoundError';
  }
}

/** The operation does not apply to the job in its current status (cancel a completed job). */
export class JobStateConflictError extends Error {
  readonly code = 'job_state_conflict';
  constructor(message: string) {
    super(message);
    this.name = 'JobStateConflictError';
  }
}
