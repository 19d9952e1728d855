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
