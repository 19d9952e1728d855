// The domain records repositories hand out. Plain data, camelCase, already parsed (JSON columns
// are objects, 0/1 are booleans), so callers never depend on how a database stores them.

export interface Account {
  id: string;
  /** Lower-cased; null for an account nobody has logged in as (the first-start admin). */
  email: string | null;
  isAdmin: boolean;
  createdAt: number;
  /** Plan id of the plans file, or null. */
  plan: string | null;
  /** When the plan's next monthly credits are due; null without a plan. */
  planRenewsAt: number | null;
  /** Whether a password is set, i.e. whether anyone can log in to the dashboard as it. */
  hasPassword: boolean;
}

/** What creating an account needs; plan and password come later (or here, for sign-up). */
export interface NewAccount {
  id: string;
  email: string | null;
  isAdmin: boolean;
  createdAt: number;
  passwordHash?: string | null;
}

export interface SessionRecord {
  idHash: string;
  accountId: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  userAgent: string;
}

export interface InviteRecord {
  codeHash: string;
  createdBy: string | null;
  /** The code claims this existing account instead of creating one. */
  claimAccountId: string | null;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  usedBy: string | null;
}

export interface ApiKeyRecord {
  keyId: string;
  secretHash: string;
  name: string;
  accountId: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export const JOB_MODELS = ['lipsync-image', 'lipsync-video', 'lipsync-image-multi'] as const;
export type JobModel = (typeof JOB_MODELS)[number];

/** `processing` covers queued and running; where it stands is `stage`. */
export type JobStatus = 'processing' | 'completed' | 'failed' | 'canceled';

export interface JobRecord {
  id: string;
  accountId: string;
  keyId: string | null;
  model: JobModel;
  status: JobStatus;
  stage: string;
  progress: number;
  input: Record<string, unknown>;
  seed: number;
  webhook: string | null;
  outputFile: string | null;
  outputToken: string;
  error: string;
  timings: Record<string, number> | null;
  executionMs: number | null;
  createdAt: number;
  startedAt: number | null;
  completedAt: number | null;
  attempts: number;
  lockedBy: string | null;
  lockedUntil: number | null;
  idempotencyKey: string | null;
  requestHash: string | null;
  /** Held while processing, charged when completed; null until the inputs were probed. */
  credits: number | null;
  creditBalance: CreditBalanceName;
  /** Set when the output was purged (DELETE or retention); `outputFile` is then null. */
  outputDeletedAt: number | null;
}

/**
 * A job as the polling read returns it: the fields the job object shows, with its JSON columns
 * as the text they were stored as (JSON.stringify's), so the answer is written without parsing
 * them and writing them again.
 */
export interface JobView
  extends Pick<
    JobRecord,
    'id' | 'model' | 'status' | 'stage' | 'progress' | 'seed' | 'outputFile' | 'error' | 'executionMs' | 'createdAt' | 'completedAt' | 'credits' | 'outputDeletedAt'
  > {
  inputJson: string;
  timingsJson: string | null;
}

export interface NewJob {
  id: string;
  accountId: string;
  keyId: string | null;
  model: JobModel;
  input: Record<string, unknown>;
  seed: number;
  webhook: string | null;
  outputToken: string;
  createdAt: number;
  idempotencyKey?: string | null;
  requestHash?: string | null;
  /** Which balance pays: 'api' (the default, API keys) or 'user' (the dashboard's playground). */
  creditBalance?: CreditBalanceName;
}

/** An account's two balances; they never convert into each other. */
export const CREDIT_BALANCES = ['api', 'user'] as const;
export type CreditBalanceName = (typeof CREDIT_BALANCES)[number];
export type CreditBalances = Record<CreditBalanceName, number>;

/** grant: credits added; hold: reserved for a job; release: a hold returned; charge: spent. */
export type LedgerKind = 'grant' | 'hold' | 'release' | 'charge';

export interface LedgerEntry {
  id: number;
  accountId: string;
  balance: CreditBalanceName;
  kind: LedgerKind;
  /** Signed as it changes the balance: grant +, hold -, release +, charge -. */
  amount: number;
  jobId: string | null;
  note: string;
  createdAt: number;
}

/** Credits given to an account (at creation or by an operator). */
export interface CreditGrant {
  balance: CreditBalanceName;
  amount: number;
  note: string;
}

/** What a submission must satisfy, checked in the same transaction as the insert. */
export interface SubmitChecks {
  /** Idempotency-Key: a job of the account with this key created at or after `since` is answered instead. */
  idempotency?: { key: string; requestHash: string; since: number };
  /** At most this many processing jobs per account (0: no limit). */
  maxProcessingJobs: number;
  /** The paying balance must hold at least this many credits. */
  requiredCredits: number;
}

export type SubmitOutcome =
  | { type: 'created'; job: JobRecord }
  /** The same Idempotency-Key was used within the window: `job` is the first request's job. */
  | { type: 'existing'; job: JobRecord }
  | { type: 'too-many-processing'; processing: number }
  | { type: 'insufficient-credits'; balance: number };

/** Outcome of placing a job's credit hold. */
export type HoldOutcome =
  /** Held now, or held already by an earlier attempt of the same job (then `amount` is that hold). */
  | { type: 'held'; amount: number }
  | { type: 'insufficient'; needed: number; balance: number }
  /** The job is no longer this worker's (canceled, or its lease was taken over). */
  | { type: 'not-held' };

export interface JobListFilter {
  status?: JobStatus;
  model?: JobModel;
  /** Epoch ms, inclusive: [createdAfter, createdBefore) is a half-open interval. */
  createdAfter?: number;
  /** Epoch ms, exclusive. */
  createdBefore?: number;
}

/** Position in the newest-first job list: the last job of the previous page. */
export interface JobListPosition {
  createdAt: number;
  id: string;
}

/** What a worker reports when a job ends well. */
export interface JobSuccess {
  outputFile: string;
  timings: Record<string, number>;
  executionMs: number;
  completedAt: number;
}

export interface JobFailure {
  error: string;
  timings: Record<string, number> | null;
  completedAt: number;
}

/** An account's webhook signing secrets (`whsec_…`). */
export interface WebhookSecrets {
  accountId: string;
  secret: string;
  /** Still signs beside `secret` until `previousExpiresAt` (a rotation's grace period). */
  previousSecret: string | null;
  previousExpiresAt: number | null;
  createdAt: number;
  rotatedAt: number | null;
}

/** pending: an attempt is due or scheduled; delivered: a 2xx came back; failed: no more attempts. */
export type WebhookDeliveryState = 'pending' | 'delivered' | 'failed';

/** The webhook of one finished job, with where its retries stand. */
export interface WebhookDelivery {
  /** The `webhook-id`, the same on every attempt. */
  id: string;
  jobId: string;
  accountId: string;
  url: string;
  payload: string;
  state: WebhookDeliveryState;
  attempts: number;
  scheduleStep: number;
  nextAttemptAt: number | null;
  lockedBy: string | null;
  lockedUntil: number | null;
  lastStatus: number | null;
  lastError: string;
  createdAt: number;
  deliveredAt: number | null;
}

export interface NewWebhookDelivery {
  id: string;
  jobId: string;
  accountId: string;
  url: string;
  payload: string;
  createdAt: number;
  /** Normally `createdAt`: the first attempt is immediate. */
  nextAttemptAt: number;
}

/** One POST to a receiver and what came of it. */
export interface WebhookAttempt {
  deliveryId: string;
  /** 1-based, counted over the delivery's whole life. */
  attempt: number;
  startedAt: number;
  durationMs: number;
  statusCode: number | null;
  error: string;
  nextAttemptAt: number | null;
}

/** What an attempt leads to: done, or another attempt at `nextAttemptAt`. */
export type WebhookAttemptOutcome =
  | { state: 'delivered' }
  | { state: 'failed' }
  | { state: 'pending'; nextAttemptAt: number };

export interface WebhookAttemptResult {
  startedAt: number;
  durationMs: number;
  statusCode: number | null;
  error: string;
  outcome: WebhookAttemptOutcome;
}
