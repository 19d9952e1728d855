// Table shapes as Kysely sees them. Column names are snake_case SQL; repositories translate
// rows into the camelCase records of records.ts so nothing outside store/ sees a row.
import type { Generated } from 'kysely';

/** Milliseconds since the Unix epoch, stored as INTEGER (BIGINT on Postgres later). */
export type EpochMs = number;

export interface AccountsTable {
  id: string;
  email: string | null;
  /** 0/1: SQLite has no boolean type. */
  is_admin: number;
  created_at: EpochMs;
  /** scrypt hash (accounts/passwords.ts); null until a password is set. */
  password_hash: string | null;
  /** Plan id from the plans file; null: no plan (self-hosted default). */
  plan: string | null;
  /** When the plan's next monthly credits are granted. */
  plan_renews_at: EpochMs | null;
}

export interface SessionsTable {
  /** sha256 (hex) of the cookie token. */
  id_hash: string;
  account_id: string;
  created_at: EpochMs;
  last_seen_at: EpochMs;
  expires_at: EpochMs;
  user_agent: Generated<string>;
}

export interface InvitesTable {
  /** sha256 (hex) of the code handed out. */
  code_hash: string;
  created_by: string | null;
  /** Set: the code claims this existing account (sets its e-mail and password) instead of making one. */
  claim_account_id: string | null;
  created_at: EpochMs;
  expires_at: EpochMs;
  used_at: EpochMs | null;
  used_by: string | null;
}

export interface ApiKeysTable {
  /** Public part of the key (`sk_<key_id>_<secret>`), shown in listings. */
  key_id: string;
  /** Hex sha256 of the secret part; the secret itself is never stored. */
  secret_hash: string;
  name: string;
  account_id: string;
  created_at: EpochMs;
  last_used_at: EpochMs | null;
  revoked_at: EpochMs | null;
}

export interface JobsTable {
  id: string;
  account_id: string;
  key_id: string | null;
  model: string;
  status: string;
  stage: Generated<string>;
  progress: Generated<number>;
  /** JSON text: the formState as accepted. */
  input: string;
  seed: number;
  webhook: string | null;
  /** File name under <dataDir>/outputs once completed. */
  output_file: string | null;
  /** Random part of the output file name: the capability that makes its URL unguessable. */
  output_token: string;
  error: Generated<string>;
  /** JSON text: per-stage milliseconds, set when the job ends. */
  timings: string | null;
  execution_ms: number | null;
  created_at: EpochMs;
  started_at: EpochMs | null;
  completed_at: EpochMs | null;
  attempts: Generated<number>;
  locked_by: string | null;
  locked_until: EpochMs | null;
  idempotency_key: string | null;
  request_hash: string | null;
  /** Credits held (while processing) or charged (completed) for the job; null until probed. */
  credits: number | null;
  /** 'api' | 'user': the balance that pays for the job. */
  credit_balance: Generated<string>;
  /** When the output file was purged (DELETE or the retention sweep); output_file is then null. */
  output_deleted_at: EpochMs | null;
}

export interface CreditLedgerTable {
  id: Generated<number>;
  account_id: string;
  /** 'api' | 'user' */
  balance: string;
  /** 'grant' | 'hold' | 'release' | 'charge' */
  kind: string;
  /** Signed as it changes the balance: grant +, hold -, release +, charge -. */
  amount: number;
  job_id: string | null;
  note: Generated<string>;
  created_at: EpochMs;
}

export interface Database {
  accounts: AccountsTable;
  sessions: SessionsTable;
  invites: InvitesTable;
  api_keys: ApiKeysTable;
  jobs: JobsTable;
  credit_ledger: CreditLedgerTable;
  webhook_secrets: WebhookSecretsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
}

export interface WebhookSecretsTable {
  account_id: string;
  /** `whsec_<base64>`: the HMAC key of the account's webhook signatures. */
  secret: string;
  /** The secret before the last rotation; still signs (beside the new one) until it expires. */
  previous_secret: string | null;
  previous_expires_at: EpochMs | null;
  created_at: EpochMs;
  rotated_at: EpochMs | null;
}

export interface WebhookDeliveriesTable {
  /** The `webhook-id` header: the same on every attempt, so receivers can de-duplicate. */
  id: string;
  job_id: string;
  account_id: string;
  url: string;
  /** The exact JSON body sent on every attempt (the job object when the delivery was created). */
  payload: string;
  /** pending | delivered | failed */
  state: string;
  /** Attempts ever made. */
  attempts: Generated<number>;
  /** Attempts in the current retry sequence (a redelivery starts a new one); indexes the schedule. */
  schedule_step: Generated<number>;
  next_attempt_at: EpochMs | null;
  locked_by: string | null;
  locked_until: EpochMs | null;
  last_status: number | null;
  last_error: Generated<string>;
  created_at: EpochMs;
  delivered_at: EpochMs | null;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: string;
  attempt: number;
  started_at: EpochMs;
  duration_ms: number;
  /** The receiver's HTTP status; null when no response came (refused, timeout, blocked). */
  status_code: number | null;
  error: Generated<string>;
  /** When the next attempt was scheduled after this one; null when this one was the last. */
  next_attempt_at: EpochMs | null;
}
