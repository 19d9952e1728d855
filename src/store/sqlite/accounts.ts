// Accounts in SQLite.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Account, ApiKeyRecord, CreditGrant } from '../records.js';
import type { AccountRepository } from '../repositories.js';
import type { AccountsTable, Database } from '../schema.js';
import { apiKeyToRow } from './api-keys.js';
import { insertGrants } from './credit-ledger.js';

export class SqliteAccountRepository implements AccountRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(account: Account, openingGrants: CreditGrant[] = []): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('accounts').values(accountToRow(account)).execute();
      await insertGrants(trx, account.id, openingGrants, account.createdAt);
    });
  }

  async findById(id: string): Promise<Account | undefined> {
    const row = await this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return row && accountFromRow(row);
  }

  async findFirstAdmin(): Promise<Account | undefined> {
    const row = await this.db
      .selectFrom('accounts')
      .selectAll()
      .where('is_admin', '=', 1)
      .orderBy('created_at')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    return row && accountFromRow(row);
  }

  async createFirstAccountWithKey(account: Account, key: ApiKeyRecord, openingGrants: CreditGrant[] = []): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      // One statement decides, so the check and the insert cannot be split by another writer.
      const r = account;
      const inserted = await sql`
        INSERT INTO accounts (id, email, is_admin, created_at)
        SELECT ${r.id}, ${r.email}, ${r.isAdmin ? 1 : 0}, ${r.createdAt}
        WHERE NOT EXISTS (SELECT 1 FROM accounts)`.execute(trx);
      if (Number(inserted.numAffectedRows ?? 0) !== 1) return false;
      await trx.insertInto('api_keys').values(apiKeyToRow(key)).execute();
      await insertGrants(trx, account.id, openingGrants, account.createdAt);
      return true;
    });
  }
}

function accountToRow(a: Account): AccountsTable {
  return { id: a.id, email: a.email, is_admin: a.isAdmin ? 1 : 0, created_at: a.createdAt };
}

function accountFromRow(row: Selectable<AccountsTable>): Account {
  return { id: row.id, email: row.email, isAdmin: row.is_admin === 1, createdAt: row.created_at };
}
