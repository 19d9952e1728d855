// The persistence interfaces the rest of the service codes against. Async on purpose: the
// SQLite implementation answers synchronously underneath, a Postgres one will not.
import type {
  Account,
  ApiKeyRecord,
  JobFailure,
  JobRecord,
  JobSuccess,
  NewJob,
} from './records.js';

export interface AccountRepository {
  create(account: Account): Promise<void>;
  findById(id: string): Promise<Account | undefined>;
  /** The oldest admin account, the one operator commands act on by default. */
  findFirstAdmin(): Promise<Account | undefined>;
  /**
   * Creates `account` and `key` only if no account exists yet, atomically, so two processes
   * starting on an empty database cannot both bootstrap. Answers whether it created them.
   */
  createFirstAccountWithKey(account: Account, key: ApiKeyRecord): Promise<boolean>;
}

export interface ApiKeyRepository {
  create(key: ApiKeyRecord): Promise<void>;
  findByKeyId(keyId: string): Promise<ApiKeyRecord | undefined>;
  /** All keys, or one account's, oldest first. */
  list(accountId?: string): Promise<ApiKeyRecord[]>;
  /** Answers false when the key does not exist or was already revoked. */
  revoke(keyId: string, now: number): Promise<boolean>;
  recordUse(keyId: string, now: number): Promise<void>;
}

/** Progress a running job reports; written together with the lease extension. */
export interface JobProgress {
  stage: string;
  progress: number;
}

export interface JobRepository {
  create(job: NewJob): Promise<JobRecord>;
  findById(id: string): Promise<JobRecord | undefined>;
  /** The job if it belongs to `accountId`; another account's job is indistinguishable from none. */
  findForAccount(id: string, accountId: string): Promise<JobRecord | undefined>;
  /**
   * Atomically takes the oldest `processing` job whose lease is free or expired: locks it for
   * `leaseMs` to `workerId` and counts the attempt. Undefined when nothing is claimable.
   */
  claimNext(workerId: string, leaseMs: number, now?: number): Promise<JobRecord | undefined>;
  /** Extends the lease (and records progress). False when `workerId` no longer holds it. */
  extendLease(
    id: string,
    workerId: string,
    leaseMs: number,
    progress?: JobProgress,
    now?: number,
  ): Promise<boolean>;
  /** Marks the job completed and releases the lease. False when `workerId` no longer holds it. */
  complete(id: string, workerId: string, success: JobSuccess): Promise<boolean>;
  /**
   * Marks a processing job failed. With `workerId`, only while that worker holds the lease;
   * with null, regardless of the lease (operator/sweeper decisions).
   */
  fail(id: string, workerId: string | null, failure: JobFailure): Promise<boolean>;
  /** The worker died: make the job claimable now; the attempt stays counted. */
  expireLease(id: string, workerId: string, now?: number): Promise<boolean>;
  /** Handed back on shutdown: claimable now, and the attempt is not counted as a crash. */
  release(id: string, workerId: string): Promise<boolean>;
}
