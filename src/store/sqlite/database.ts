// Opens <dataDir>/mouthpiece.db with the settings a multi-process SQLite deployment needs
// (server + CLI at the same time), migrates it, and wires the repositories.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { migrateToLatest } from '../migrations.js';
import type { Database } from '../schema.js';
import type { Store } from '../store.js';
import { SqliteAccountRepository } from './accounts.js';
import { SqliteApiKeyRepository } from './api-keys.js';
import { SqliteCreditLedgerRepository } from './credit-ledger.js';
import { JobChangeSignal } from './job-view-cache.js';
import { SqliteJobRepository } from './jobs.js';
import { SqliteSessionRepository } from './sessions.js';
import { withStatementCache } from './statement-cache.js';
import { SqliteWebhookDeliveryRepository } from './webhook-deliveries.js';
import { SqliteWebhookSecretRepository } from './webhook-secrets.js';

export const DATABASE_FILE_NAME = 'mouthpiece.db';
/** Grows by a byte at each write of a job, by any process (job-view-cache.ts). */
export const JOB_CHANGES_FILE_NAME = `${DATABASE_FILE_NAME}-jobs-changed`;

/** Opens (creating if needed) and migrates the database in `dataDir`. */
export async function openSqliteStore(dataDir: string): Promise<Store> {
  mkdirSync(dataDir, { recursive: true });
  const connection = new SqliteDatabase(join(dataDir, DATABASE_FILE_NAME));
  // WAL: readers never block the writer, so the CLI can create keys while the server runs.
  connection.pragma('journal_mode = WAL');
  // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the
  // last commits, and every write here is re-doable (a job is re-claimed, a key re-created).
  connection.pragma('synchronous = NORMAL');
  // Another process holding the write lock makes us wait instead of failing at once.
  connection.pragma('busy_timeout = 5000');
  connection.pragma('foreign_keys = ON');

  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(connection) }) });
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  // A second, read-only connection for the hottest read (polling a job); opened after the
  // migration so the schema it prepares against exists. WAL lets it read while the other writes.
  // Its results are cached until any process writes a job (job-view-cache.ts).
  const reader = new SqliteDatabase(join(dataDir, DATABASE_FILE_NAME), { readonly: true, fileMustExist: true });
  reader.pragma('busy_timeout = 5000');
  const jobChanges = new JobChangeSignal(join(dataDir, JOB_CHANGES_FILE_NAME));
  return {
    accounts: new SqliteAccountRepository(db),
    apiKeys: new SqliteApiKeyRepository(db),
    sessions: new SqliteSessionRepository(db),
    jobs: new SqliteJobRepository(db, { reader, changes: jobChanges }),
    credits: new SqliteCreditLedgerRepository(db),
    webhookSecrets: new SqliteWebhookSecretRepository(db),
    webhookDeliveries: new SqliteWebhookDeliveryRepository(db),
    close: async () => {
      reader.close();
      jobChanges.close();
      await db.destroy();
    },
  };
}
