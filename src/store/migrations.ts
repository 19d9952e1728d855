// Versioned schema migrations, kept in code so the compiled package carries them (no migration
// folder to locate at run time). Append new entries; never edit one that has shipped.
import { Kysely, Migrator, sql, type Migration, type MigrationProvider } from 'kysely';

const migrations: Record<string, Migration> = {
  '0001_accounts_keys_jobs': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.unique())
        .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('key_id', 'text', (c) => c.primaryKey())
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .addColumn('last_used_at', 'integer')
        .addColumn('revoked_at', 'integer')
        .execute();
      await db.schema.createIndex('api_keys_account').on('api_keys').column('account_id').execute();

      await db.schema
        .createTable('jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('key_id', 'text')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull().defaultTo('queued'))
        .addColumn('progress', 'real', (c) => c.notNull().defaultTo(0))
        .addColumn('input', 'text', (c) => c.notNull())
        .addColumn('seed', 'integer', (c) => c.notNull())
        .addColumn('webhook', 'text')
        .addColumn('output_file', 'text')
        .addColumn('output_token', 'text', (c) => c.notNull())
        .addColumn('error', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('timings', 'text')
        .addColumn('execution_ms', 'integer')
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .addColumn('started_at', 'integer')
        .addColumn('completed_at', 'integer')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('locked_by', 'text')
        .addColumn('locked_until', 'integer')
        .addColumn('idempotency_key', 'text')
        .addColumn('request_hash', 'text')
        .execute();
      // The claim query scans processing jobs oldest first.
      await db.schema
        .createIndex('jobs_claimable')
        .on('jobs')
        .columns(['status', 'created_at'])
        .execute();
      await db.schema
        .createIndex('jobs_account_created')
        .on('jobs')
        .columns(['account_id', 'created_at'])
        .execute();
      // Idempotency-Key is per account (next issue); partial so NULLs never collide.
      await sql`CREATE UNIQUE INDEX jobs_idempotency ON jobs (account_id, idempotency_key)
                WHERE idempotency_key IS NOT NULL`.execute(db);
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('jobs').execute();
      await db.schema.dropTable('api_keys').execute();
      await db.schema.dropTable('accounts').execute();
    },
  },
  '0002_billing_and_idempotency': {
    async up(db: Kysely<any>) {
      // The credit ledger: one row per movement, `amount` signed as it changes the balance
      // (grant +, hold -, release +, charge -), so a balance is the sum of its rows. `balance` is
      // 'api' or 'user': two balances per account that never convert into each other.
      await db.schema
        .createTable('credit_ledger')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('balance', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('amount', 'integer', (c) => c.notNull())
        .addColumn('job_id', 'text', (c) => c.references('jobs.id'))
        .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .execute();
      // Covering index: a balance is summed from the index alone.
      await db.schema
        .createIndex('credit_ledger_balance')
        .on('credit_ledger')
        .columns(['account_id', 'balance', 'amount'])
        .execute();
      // At most one hold, one charge and one release per job, whatever crashes and retries do.
      await sql`CREATE UNIQUE INDEX credit_ledger_job_movement ON credit_ledger (job_id, kind)
                WHERE job_id IS NOT NULL`.execute(db);

      // credits: held or charged for the job (null until its inputs are probed); credit_balance:
      // which balance pays; output_deleted_at: when the output was purged (DELETE or retention).
      await db.schema.alterTable('jobs').addColumn('credits', 'integer').execute();
      await db.schema.alterTable('jobs').addColumn('credit_balance', 'text', (c) => c.notNull().defaultTo('api')).execute();
      await db.schema.alterTable('jobs').addColumn('output_deleted_at', 'integer').execute();
      // The per-account concurrency limit counts an account's processing jobs at every submit.
      await db.schema.createIndex('jobs_account_status').on('jobs').columns(['account_id', 'status']).execute();
      // The retention sweep looks for kept outputs of jobs finished before a cutoff.
      await sql`CREATE INDEX jobs_kept_outputs ON jobs (completed_at)
                WHERE output_file IS NOT NULL`.execute(db);

      // Accounts that predate credits get the starting grant new accounts get (numbers frozen here
      // on purpose: a migration must not change with later policy): admins 1 000 000 of each.
      const now = Date.now();
      for (const balance of ['api', 'user']) {
        await sql`INSERT INTO credit_ledger (account_id, balance, kind, amount, note, created_at)
                  SELECT id, ${balance}, 'grant', CASE WHEN is_admin = 1 THEN 1000000 ELSE 1000 END,
                         'starting credits', ${now}
                  FROM accounts`.execute(db);
      }
    },
    async down(db: Kysely<any>) {
      await sql`DROP INDEX IF EXISTS jobs_kept_outputs`.execute(db);
      await sql`DROP INDEX IF EXISTS jobs_account_status`.execute(db);
      await db.schema.alterTable('jobs').dropColumn('output_deleted_at').execute();
      await db.schema.alterTable('jobs').dropColumn('credit_balance').execute();
      await db.schema.alterTable('jobs').dropColumn('credits').execute();
      await db.schema.dropTable('credit_ledger').execute();
    },
  },
  '0003_webhooks': {
    async up(db: Kysely<any>) {
      // Plain text on purpose: signing needs the secret itself, not a hash of it. The previous
      // secret keeps signing (beside the new one) for a day after a rotation.
      await db.schema
        .createTable('webhook_secrets')
        .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('previous_secret', 'text')
        .addColumn('previous_expires_at', 'integer')
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .addColumn('rotated_at', 'integer')
        .execute();

      // One delivery per job (its id is the webhook-id receivers de-duplicate on); the payload is
      // frozen when the delivery is created so every attempt sends the same bytes.
      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('job_id', 'text', (c) => c.notNull().unique().references('jobs.id').onDelete('cascade'))
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('schedule_step', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'integer')
        .addColumn('locked_by', 'text')
        .addColumn('locked_until', 'integer')
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .addColumn('delivered_at', 'integer')
        .execute();
      // The dispatcher's poll: due pending deliveries, soonest first.
      await sql`CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
                WHERE state = 'pending'`.execute(db);

      await db.schema
        .createTable('webhook_attempts')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('delivery_id', 'text', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('started_at', 'integer', (c) => c.notNull())
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('error', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('next_attempt_at', 'integer')
        .execute();
      await db.schema.createIndex('webhook_attempts_delivery').on('webhook_attempts').columns(['delivery_id', 'attempt']).execute();

      // Finding finished jobs whose webhook is not queued yet reads only jobs that have a webhook.
      await sql`CREATE INDEX jobs_finished_with_webhook ON jobs (completed_at)
                WHERE webhook IS NOT NULL`.execute(db);
    },
    async down(db: Kysely<any>) {
      await sql`DROP INDEX IF EXISTS jobs_finished_with_webhook`.execute(db);
      await db.schema.dropTable('webhook_attempts').execute();
      await db.schema.dropTable('webhook_deliveries').execute();
      await db.schema.dropTable('webhook_secrets').execute();
    },
  },
  '0004_logins_sessions_invites_plans': {
    async up(db: Kysely<any>) {
      // password_hash: scrypt in PHC-like text (null for an account that has never set one, e.g.
      // the bootstrap admin before it is claimed); plan: a plan id of the plans file;
      // plan_renews_at: when the plan's next monthly credits are due.
      await db.schema.alterTable('accounts').addColumn('password_hash', 'text').execute();
      await db.schema.alterTable('accounts').addColumn('plan', 'text').execute();
      await db.schema.alterTable('accounts').addColumn('plan_renews_at', 'integer').execute();

      // The cookie holds a random token; only its sha256 is stored, so a copy of the database
      // cannot be replayed as a log-in.
      await db.schema
        .createTable('sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .addColumn('last_seen_at', 'integer', (c) => c.notNull())
        .addColumn('expires_at', 'integer', (c) => c.notNull())
        .addColumn('user_agent', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema.createIndex('sessions_account').on('sessions').column('account_id').execute();

      // One-time codes: sign-up when it is invite-only, or (claim_account_id) taking over an
      // existing account that has no password yet, such as the admin made on first start.
      await db.schema
        .createTable('invites')
        .addColumn('code_hash', 'text', (c) => c.primaryKey())
        .addColumn('created_by', 'text')
        .addColumn('claim_account_id', 'text', (c) => c.references('accounts.id').onDelete('cascade'))
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .addColumn('expires_at', 'integer', (c) => c.notNull())
        .addColumn('used_at', 'integer')
        .addColumn('used_by', 'text')
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('invites').execute();
      await db.schema.dropTable('sessions').execute();
      await db.schema.alterTable('accounts').dropColumn('plan_renews_at').execute();
      await db.schema.alterTable('accounts').dropColumn('plan').execute();
      await db.schema.alterTable('accounts').dropColumn('password_hash').execute();
    },
  },
};

const inCodeProvider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema to the newest version; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({ db, provider: inCodeProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(`database migration failed${name}: ${String((error as Error).message ?? error)}`, {
      cause: error,
    });
  }
}
