// API keys in SQLite. Only the hash of a key's secret is ever written.
import type { Kysely, Selectable } from 'kysely';
import type { ApiKeyRecord } from '../records.js';
import type { ApiKeyRepository } from '../repositories.js';
import type { ApiKeysTable, Database } from '../schema.js';

export class SqliteApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(key: ApiKeyRecord): Promise<void> {
    await this.db.insertInto('api_keys').values(apiKeyToRow(key)).execute();
  }

  async findByKeyId(keyId: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('key_id', '=', keyId)
      .executeTakeFirst();
    return row && apiKeyFromRow(row);
  }

  async list(accountId?: string): Promise<ApiKeyRecord[]> {
    let query = this.db.selectFrom('api_keys').selectAll();
    if (accountId !== undefined) query = query.where('account_id', '=', accountId);
    const rows = await query.orderBy('created_at').orderBy('key_id').execute();
    return rows.map(apiKeyFromRow);
  }

  async revoke(keyId: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: now })
      .where('key_id', '=', keyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async recordUse(keyId: string, now: number): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: now }).where('key_id', '=', keyId).execute();
  }
}

export function apiKeyToRow(k: ApiKeyRecord): ApiKeysTable {
  return {
    key_id: k.keyId,
    secret_hash: k.secretHash,
    name: k.name,
    account_id: k.accountId,
    created_at: k.createdAt,
    last_used_at: k.lastUsedAt,
    revoked_at: k.revokedAt,
  };
}

function apiKeyFromRow(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    keyId: row.key_id,
    secretHash: row.secret_hash,
    name: row.name,
    accountId: row.account_id,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}
