// Accounts' webhook signing secrets in SQLite.
import type { Kysely, Selectable } from 'kysely';
import type { WebhookSecrets } from '../records.js';
import type { WebhookSecretRepository } from '../repositories.js';
import type { Database, WebhookSecretsTable } from '../schema.js';
import { writeTransaction } from './transaction.js';

export class SqliteWebhookSecretRepository implements WebhookSecretRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async find(accountId: string): Promise<WebhookSecrets | undefined> {
    const row = await this.db.selectFrom('webhook_secrets').selectAll().where('account_id', '=', accountId).executeTakeFirst();
    return row && secretsFromRow(row);
  }

  async createIfAbsent(accountId: string, secret: string, now: number): Promise<WebhookSecrets> {
    // Two requests creating the first secret at once: the first insert wins, both answer it.
    await this.db
      .insertInto('webhook_secrets')
      .values({ account_id: accountId, secret, previous_secret: null, previous_expires_at: null, created_at: now, rotated_at: null })
      .onConflict((oc) => oc.column('account_id').doNothing())
      .execute();
    const stored = await this.find(accountId);
    if (!stored) throw new Error(`webhook secret of ${accountId} vanished after insert`);
    return stored;
  }

  async rotate(accountId: string, secret: string, previousExpiresAt: number, now: number): Promise<WebhookSecrets> {
    // Read, then write: BEGIN IMMEDIATE so another process cannot commit in between.
    return writeTransaction(this.db, async (trx) => {
      const current = await trx.selectFrom('webhook_secrets').select('secret').where('account_id', '=', accountId).executeTakeFirst();
      if (!current) {
        await trx
          .insertInto('webhook_secrets')
          .values({ account_id: accountId, secret, previous_secret: null, previous_expires_at: null, created_at: now, rotated_at: now })
          .execute();
      } else {
        await trx
          .updateTable('webhook_secrets')
          .set({ secret, previous_secret: current.secret, previous_expires_at: previousExpiresAt, rotated_at: now })
          .where('account_id', '=', accountId)
          .execute();
      }
      const row = await trx.selectFrom('webhook_secrets').selectAll().where('account_id', '=', accountId).executeTakeFirstOrThrow();
      return secretsFromRow(row);
    });
  }
}

function secretsFromRow(row: Selectable<WebhookSecretsTable>): WebhookSecrets {
  return {
    accountId: row.account_id,
    secret: row.secret,
    previousSecret: row.previous_secret,
    previousExpiresAt: row.previous_expires_at,
    createdAt: row.created_at,
    rotatedAt: row.rotated_at,
  };
}
