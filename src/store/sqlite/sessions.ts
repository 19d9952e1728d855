// Dashboard log-in sessions in SQLite, keyed by the sha256 of the cookie token.
import type { Kysely, Selectable } from 'kysely';
import type { Account, SessionRecord } from '../records.js';
import type { SessionRepository } from '../repositories.js';
import type { Database, SessionsTable } from '../schema.js';
import { accountFromRow } from './accounts.js';

export class SqliteSessionRepository implements SessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(s: SessionRecord): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        id_hash: s.idHash,
        account_id: s.accountId,
        created_at: s.createdAt,
        last_seen_at: s.lastSeenAt,
        expires_at: s.expiresAt,
        user_agent: s.userAgent,
      })
      .execute();
  }

  async findLive(idHash: string, now: number): Promise<{ session: SessionRecord; account: Account } | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
      .selectAll('accounts')
      .select([
        'sessions.id_hash',
        'sessions.created_at as session_created_at',
        'sessions.last_seen_at',
        'sessions.expires_at',
        'sessions.user_agent',
      ])
      .where('sessions.id_hash', '=', idHash)
      .where('sessions.expires_at', '>', now)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      session: sessionFromRow({
        id_hash: row.id_hash,
        account_id: row.id,
        created_at: row.session_created_at,
        last_seen_at: row.last_seen_at,
        expires_at: row.expires_at,
        user_agent: row.user_agent,
      }),
      account: accountFromRow(row),
    };
  }

  async touch(idHash: string, lastSeenAt: number, expiresAt: number): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ last_seen_at: lastSeenAt, expires_at: expiresAt })
      .where('id_hash', '=', idHash)
      .execute();
  }

  async delete(idHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  }

  async deleteForAccount(accountId: string, keepIdHash: string | null): Promise<void> {
    let query = this.db.deleteFrom('sessions').where('account_id', '=', accountId);
    if (keepIdHash) query = query.where('id_hash', '!=', keepIdHash);
    await query.execute();
  }

  async deleteExpired(now: number): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function sessionFromRow(row: Selectable<SessionsTable>): SessionRecord {
  return {
    idHash: row.id_hash,
    accountId: row.account_id,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    userAgent: row.user_agent,
  };
}
