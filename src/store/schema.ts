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
}

export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  jobs: JobsTable;
}

