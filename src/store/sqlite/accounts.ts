// Accounts, their log-in secrets, plans and invites in SQLite.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Account, ApiKeyRecord, CreditGrant, InviteRecord, NewAccount } from '../records.js';
import type { AccountRepository } from '../repositories.js';
import type { AccountsTable, Database, InvitesTable } from '../schema.js';
import { apiKeyToRow } from './api-keys.js';
import { insertGrants } from './credit-ledger.js';

export class SqliteAccountRepository implements AccountRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(account: NewAccount, openingGrants: CreditGrant[] = []): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('accounts').values(newAccountRow(account)).execute();
      await insertGrants(trx, account.id, openingGrants, account.createdAt);
    });
  }

  async findById(id: string): Promise<Account | undefined> {
    const row = await this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return row && accountFromRow(row);
  }

  async findLogin(email: string): Promise<{ account: Account; passwordHash: string | null } | undefined> {
    const row = await this.db.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst();
    return row && { account: accountFromRow(row), passwordHash: row.password_hash };
  }

  async passwordHash(id: string): Promise<string | null> {
    const row = await this.db.selectFrom('accounts').select('password_hash').where('id', '=', id).executeTakeFirst();
    return row?.password_hash ?? null;
  }

  async setPassword(id: string, passwordHash: string): Promise<void> {
    await this.db.updateTable('accounts').set({ password_hash: passwordHash }).where('id', '=', id).execute();
  }

  async list(): Promise<Account[]> {
    const rows = await this.db.selectFrom('accounts').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(accountFromRow);
  }

  async anyWithPassword(): Promise<boolean> {
    const row = await this.db
      .selectFrom('accounts')
      .select('id')
      .where('password_hash', 'is not', null)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
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

  async createFirstAccountWithKey(account: NewAccount, key: ApiKeyRecord, openingGrants: CreditGrant[] = []): Promise<boolean> {
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

  async redeemInvite(
    codeHash: string,
    account: NewAccount & { passwordHash: string },
    openingGrants: CreditGrant[],
    now: number,
  ): Promise<string | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const invite = await trx.selectFrom('invites').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
      if (!invite || invite.used_at !== null || invite.expires_at <= now) return undefined;
      let accountId = account.id;
      if (invite.claim_account_id) {
        accountId = invite.claim_account_id;
        await trx
          .updateTable('accounts')
          .set({ email: account.email, password_hash: account.passwordHash })
          .where('id', '=', accountId)
          .execute();
      } else {
        await trx.insertInto('accounts').values(newAccountRow(account)).execute();
        await insertGrants(trx, account.id, openingGrants, now);
      }
      // The guard on used_at makes a concurrent second redemption update nothing and roll back.
      const used = await trx
        .updateTable('invites')
        .set({ used_at: now, used_by: accountId })
        .where('code_hash', '=', codeHash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (Number(used.numUpdatedRows) !== 1) throw new Error('invite redeemed twice at once');
      return accountId;
    });
  }

  async createInvite(invite: InviteRecord): Promise<void> {
    await this.db.insertInto('invites').values(inviteToRow(invite)).execute();
  }

  async findInvite(codeHash: string): Promise<InviteRecord | undefined> {
    const row = await this.db.selectFrom('invites').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
    return row && inviteFromRow(row);
  }

  async setPlan(id: string, plan: string | null, renewsAt: number | null, grants: CreditGrant[], now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('accounts').set({ plan, plan_renews_at: renewsAt }).where('id', '=', id).execute();
      await insertGrants(trx, id, grants, now);
    });
  }

  async findPlanRenewalsDue(now: number, limit: number): Promise<Account[]> {
    const rows = await this.db
      .selectFrom('accounts')
      .selectAll()
      .where('plan', 'is not', null)
      .where('plan_renews_at', '<=', now)
      .orderBy('plan_renews_at')
      .limit(limit)
      .execute();
    return rows.map(accountFromRow);
  }
}

function newAccountRow(a: NewAccount): AccountsTable {
  return {
    id: a.id,
    email: a.email,
    is_admin: a.isAdmin ? 1 : 0,
    created_at: a.createdAt,
    password_hash: a.passwordHash ?? null,
    plan: null,
    plan_renews_at: null,
  };
}

export function accountFromRow(row: Selectable<AccountsTable>): Account {
  return {
    id: row.id,
    email: row.email,
    isAdmin: row.is_admin === 1,
    createdAt: row.created_at,
    plan: row.plan,
    planRenewsAt: row.plan_renews_at,
    hasPassword: row.password_hash !== null,
  };
}

function inviteToRow(i: InviteRecord): InvitesTable {
  return {
    code_hash: i.codeHash,
    created_by: i.createdBy,
    claim_account_id: i.claimAccountId,
    created_at: i.createdAt,
    expires_at: i.expiresAt,
    used_at: i.usedAt,
    used_by: i.usedBy,
  };
}

function inviteFromRow(row: Selectable<InvitesTable>): InviteRecord {
  return {
    codeHash: row.code_hash,
    createdBy: row.created_by,
    claimAccountId: row.claim_account_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
    usedBy: row.used_by,
  };
}
