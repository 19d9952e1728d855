// The persistence interfaces the rest of the service codes against. Async on purpose: the
// SQLite implementation answers synchronously underneath, a Postgres one will not.
import type {
  Account,
  InviteRecord,
  NewAccount,
  SessionRecord,
  ApiKeyRecord,
  CreditBalances,
  CreditGrant,
  HoldOutcome,
  JobListFilter,
  JobListPosition,
  LedgerEntry,
  SubmitChecks,
  SubmitOutcome,
  JobFailure,
  JobRecord,
  JobView,
  JobSuccess,
  NewJob,
  NewWebhookDelivery,
  WebhookAttempt,
  WebhookAttemptResult,
  WebhookDelivery,
  WebhookSecrets,
} from './records.js';

export interface AccountRepository {
  /** Creates the account and its opening credit grants in one transaction. */
  create(account: NewAccount, openingGrants?: CreditGrant[]): Promise<void>;
  findById(id: string): Promise<Account | undefined>;
  /** The account and its password hash, by (lower-cased) e-mail. */
  findLogin(email: string): Promise<{ account: Account; passwordHash: string | null } | undefined>;
  passwordHash(id: string): Promise<string | null>;
  setPassword(id: string, passwordHash: string): Promise<void>;
  /** All accounts, oldest first (admin pages). */
  list(): Promise<Account[]>;
  /** Whether any account can log in (has a password): the first to sign up becomes an admin otherwise. */
  anyWithPassword(): Promise<boolean>;
  /**
   * Redeems `invite` (unused, unexpired) atomically: creates `account` (with its grants), or, when
   * the invite claims an existing account, sets that account's e-mail and password. Answers the
   * account id, or undefined when the invite was already used or expired.
   */
  redeemInvite(
    codeHash: string,
    account: NewAccount & { passwordHash: string },
    openingGrants: CreditGrant[],
    now: number,
  ): Promise<string | undefined>;
  createInvite(invite: InviteRecord): Promise<void>;
  findInvite(codeHash: string): Promise<InviteRecord | undefined>;
  /** Sets the plan and when its next monthly credits are due, granting `grants` in the same transaction. */
  setPlan(id: string, plan: string | null, renewsAt: number | null, grants: CreditGrant[], now: number): Promise<void>;
  /** Accounts whose plan renewal is due at `now`, oldest due first. */
  findPlanRenewalsDue(now: number, limit: number): Promise<Account[]>;
  /** The oldest admin account, the one operator commands act on by default. */
  findFirstAdmin(): Promise<Account | undefined>;
  /**
   * Creates `account` and `key` only if no account exists yet, atomically, so two processes
   * starting on an empty database cannot both bootstrap. Answers whether it created them.
   */
  createFirstAccountWithKey(account: NewAccount, key: ApiKeyRecord, openingGrants?: CreditGrant[]): Promise<boolean>;
}

export interface SessionRepository {
  create(session: SessionRecord): Promise<void>;
  /** The live session (not expired at `now`) and its account. */
  findLive(idHash: string, now: number): Promise<{ session: SessionRecord; account: Account } | undefined>;
  /** Records activity and pushes the expiry (sliding sessions). */
  touch(idHash: string, lastSeenAt: number, expiresAt: number): Promise<void>;
  delete(idHash: string): Promise<void>;
  /** Ends every session of the account except `keepIdHash` (after a password change). */
  deleteForAccount(accountId: string, keepIdHash: string | null): Promise<void>;
  deleteExpired(now: number): Promise<number>;
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
  /** What polling a job reads: findForAccount's answer, only the shown fields, JSON left as text. */
  findViewForAccount(id: string, accountId: string): Promise<JobView | undefined>;
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

  // Every way a job ends (complete, fail, cancel) settles its credit hold in the same
  // transaction: completion turns it into a charge, the others release it. Each movement is
  // unique per job, so no retry, crash or race can charge or release twice.

  /**
   * Inserts a job after `checks` (idempotency, concurrency limit, credits), all in one
   * transaction so concurrent submissions cannot slip past a limit together.
   */
  submit(job: NewJob, checks: SubmitChecks): Promise<SubmitOutcome>;
  /**
   * Holds `amount` credits of the job's paying balance for it, while `workerId` holds its lease.
   * Idempotent per job: a job that already has a hold (an earlier attempt) keeps that one.
   */
  holdCredits(id: string, workerId: string, amount: number, now?: number): Promise<HoldOutcome>;
  /** Cancels a processing job of `accountId` and releases its hold. False when it is not processing. */
  cancel(id: string, accountId: string, now?: number): Promise<boolean>;
  /** An account's jobs, newest first, after `after` (the previous page's last job). */
  list(accountId: string, filter: JobListFilter, after: JobListPosition | null, limit: number): Promise<JobRecord[]>;
  /**
   * Forgets a job's output file (DELETE, retention): sets output_deleted_at and answers the file
   * name that was recorded, or null when there was none. With `accountId`, only that account's job.
   */
  forgetOutput(id: string, accountId: string | null, now: number): Promise<string | null>;
  /** Jobs whose output is still kept and that finished before `cutoff`, oldest first. */
  findKeptOutputsFinishedBefore(cutoff: number, limit: number): Promise<JobRecord[]>;
}

export interface CreditLedgerRepository {
  /** Each balance as the sum of its rows (holds subtract: this is what can be spent). */
  balances(accountId: string): Promise<CreditBalances>;
  /** Credits currently held for processing jobs (holds not yet released), per balance. */
  held(accountId: string): Promise<CreditBalances>;
  grant(accountId: string, grant: CreditGrant, now?: number): Promise<LedgerEntry>;
  /** The account's movements, newest first. */
  entries(accountId: string, limit: number): Promise<LedgerEntry[]>;
  /** One job's movements, oldest first. */
  entriesForJob(jobId: string): Promise<LedgerEntry[]>;
}

export interface WebhookSecretRepository {
  find(accountId: string): Promise<WebhookSecrets | undefined>;
  /** Stores `secret` unless the account has one already; answers the secrets in force either way. */
  createIfAbsent(accountId: string, secret: string, now: number): Promise<WebhookSecrets>;
  /** Makes `secret` current; the old one keeps signing until `previousExpiresAt`. */
  rotate(accountId: string, secret: string, previousExpiresAt: number, now: number): Promise<WebhookSecrets>;
}

export interface WebhookDeliveryRepository {
  /**
   * Ids of completed or failed jobs, finished at or after `since`, that have a webhook URL and
   * no delivery yet, oldest first.
   */
  findFinishedJobsWithoutDelivery(since: number, limit: number): Promise<string[]>;
  /** Creates the job's delivery unless it has one (two dispatchers may race); answers whether it did. */
  createIfAbsent(delivery: NewWebhookDelivery): Promise<boolean>;
  findByJob(jobId: string): Promise<WebhookDelivery | undefined>;
  /**
   * Atomically takes the pending delivery that has been due longest and is not leased, leasing
   * it to `dispatcherId` for `leaseMs`. Undefined when nothing is due.
   */
  claimDue(dispatcherId: string, leaseMs: number, now?: number): Promise<WebhookDelivery | undefined>;
  /**
   * Logs an attempt and applies its outcome, releasing the lease. The outcome is applied only
   * while `dispatcherId` holds the lease (answer: whether it did); the attempt is logged anyway.
   */
  recordAttempt(deliveryId: string, dispatcherId: string, result: WebhookAttemptResult): Promise<boolean>;
  /** Gives the lease back without an attempt (shutdown interrupted it): due again at once. */
  releaseLease(deliveryId: string, dispatcherId: string): Promise<void>;
  /**
   * A new retry sequence starting at `now` (manual redelivery). False while an attempt is in
   * flight (leased), so it cannot overwrite that attempt's outcome.
   */
  restart(deliveryId: string, now: number): Promise<boolean>;
  listAttempts(deliveryId: string): Promise<WebhookAttempt[]>;
}
