import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { bootstrapKeyNotice, ensureBootstrapAccount, parseApiKey } from '../../src/accounts/index.js';
import { DATABASE_FILE_NAME, openSqliteStore } from '../../src/store/index.js';
import { openTempStore } from './temp-store.js';

describe('SQLite store', () => {
  test('creates <dataDir>/mouthpiece.db in WAL mode with the accounts, api_keys and jobs tables', async () => {
    const temp = await openTempStore();
    after(() => temp.cleanup());
    const file = join(temp.dataDir, DATABASE_FILE_NAME);
    assert.ok(existsSync(file));
    const raw = new SqliteDatabase(file, { readonly: true });
    try {
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
      const tables = raw
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'kysely%' ORDER BY name")
        .all()
        .map((r) => (r as { name: string }).name);
      for (const table of ['accounts', 'api_keys', 'jobs', 'credit_ledger']) assert.ok(tables.includes(table), `table ${table} exists`);
      const jobColumns = raw.prepare('PRAGMA table_info(jobs)').all().map((r) => (r as { name: string }).name);
      for (const column of ['idempotency_key', 'request_hash', 'locked_by', 'locked_until', 'attempts', 'output_token']) {
        assert.ok(jobColumns.includes(column), `jobs.${column} exists`);
      }
    } finally {
      raw.close();
    }
  });

  test('opening an already migrated database keeps its data', async () => {
    const temp = await openTempStore();
    after(() => temp.cleanup());
    const again = await openSqliteStore(temp.dataDir);
    try {
      assert.deepEqual(await again.accounts.findById(temp.account.id), temp.account);
    } finally {
      await again.close();
    }
  });

  test('first start creates an admin account with one key named "default"; later starts create nothing', async () => {
    const temp = await openTempStore();
    after(() => temp.cleanup());
    // openTempStore already made an account; bootstrap only acts on an empty database.
    assert.deepEqual(await ensureBootstrapAccount(temp.store), { created: false });

    const fresh = await openSqliteStore(join(temp.dataDir, 'fresh'));
    try {
      const first = await ensureBootstrapAccount(fresh);
      assert.equal(first.created, true);
      if (!first.created) return;
      const parts = parseApiKey(first.key);
      assert.ok(parts, 'the printed key has the sk_<keyId>_<secret> shape');
      const account = await fresh.accounts.findById(first.accountId);
      assert.equal(account?.isAdmin, true);
      const keys = await fresh.apiKeys.list(first.accountId);
      assert.deepEqual(keys.map((k) => [k.keyId, k.name]), [[parts.keyId, 'default']]);
      assert.ok(bootstrapKeyNotice(first.key).split('\n').includes(first.key), 'the key is on a line of its own');

      assert.deepEqual(await ensureBootstrapAccount(fresh), { created: false });
      assert.equal((await fresh.apiKeys.list()).length, 1);
    } finally {
      await fresh.close();
    }
  });
});
