import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKeyService, hashSecret, parseApiKey } from '../../src/accounts/index.js';
import { VERIFIED_KEY_TTL_MS } from '../../src/accounts/api-keys.js';
import { openSqliteStore } from '../../src/store/index.js';
import { openTempStore } from '../store/temp-store.js';

describe('API keys', () => {
  test('a key is sk_<10 lowercase alnum>_<32 base62> and only the sha256 of its secret is stored', async () => {
    const temp = await openTempStore();
    after(() => temp.cleanup());
    const service = new ApiKeyService(temp.store.apiKeys);
    const { key, record } = await service.create(temp.account.id, 'ci');
    assert.match(key, /^sk_[a-z0-9]{10}_[A-Za-z0-9]{32}$/);
    const parts = parseApiKey(key)!;
    const stored = await temp.store.apiKeys.findByKeyId(parts.keyId);
    assert.equal(stored?.secretHash, hashSecret(parts.secret));
    assert.ok(!JSON.stringify(stored).includes(parts.secret), 'the secret itself is nowhere in the row');
    assert.equal(record.name, 'ci');
  });

  test('two keys never share an id or a secret', async () => {
    const temp = await openTempStore();
    after(() => temp.cleanup());
    const service = new ApiKeyService(temp.store.apiKeys);
    const keys = await Promise.all(Array.from({ length: 50 }, () => service.create(temp.account.id, 'x')));
    assert.equal(new Set(keys.map((k) => k.key.split('_')[1])).size, 50);
    assert.equal(new Set(keys.map((k) => k.key.split('_')[2])).size, 50);
  });

  test('verify accepts the key, and rejects a wrong secret, a malformed key and a revoked key', async () => {
    const temp = await openTempStore();
    after(() => temp.cleanup());
    const service = new ApiKeyService(temp.store.apiKeys);
    const { key, record } = await service.create(temp.account.id, 'app');

    assert.deepEqual(await service.verify(key), { ok: true, keyId: record.keyId, accountId: temp.account.id });
    const wrongSecret = key.slice(0, -1) + (key.endsWith('a') ? 'b' : 'a');
    assert.deepEqual(await service.verify(wrongSecret), { ok: false, reason: 'unknown' });
    assert.deepEqual(await service.verify('sk_nosuchkey0_' + 'a'.repeat(32)), { ok: false, reason: 'unknown' });
    assert.deepEqual(await service.verify('sk_short_secret'), { ok: false, reason: 'malformed' });
    assert.deepEqual(await service.verify(''), { ok: false, reason: 'malformed' });

    assert.equal(await service.revoke(record.keyId), true);
    assert.equal(await service.revoke(record.keyId), false, 'revoking twice reports nothing to revoke');
    assert.deepEqual(await service.verify(key), { ok: false, reason: 'revoked' });
  });

  test('last use is recorded, but at most once a minute per key', async () => {
    const temp = await openTempStore();
    after(() => temp.cleanup());
    const service = new ApiKeyService(temp.store.apiKeys);
    const { key, record } = await service.create(temp.account.id, 'app');
    const t0 = 1_800_000_000_000;
    await service.verify(key, t0);
    await service.verify(key, t0 + 30_000);
    assert.equal((await temp.store.apiKeys.findByKeyId(record.keyId))?.lastUsedAt, t0);
    await service.verify(key, t0 + 61_000);
    assert.equal((await temp.store.apiKeys.findByKeyId(record.keyId))?.lastUsedAt, t0 + 61_000);
  });

  test('a key revoked through a service is refused at once, by every service of the process, though it was just verified', async () => {
    const temp = await openTempStore();
    after(() => temp.cleanup());
    const server = new ApiKeyService(temp.store.apiKeys);
    const dashboard = new ApiKeyService(temp.store.apiKeys);
    const { key, record } = await server.create(temp.account.id, 'app');
    const t0 = Date.now();
    assert.equal((await server.verify(key, t0)).ok, true);
    assert.equal((await server.verify(key, t0 + 1)).ok, true);

    assert.equal(await dashboard.revoke(record.keyId), true);
    assert.deepEqual(await server.verify(key, t0 + 2), { ok: false, reason: 'revoked' });
  });

  test(`a key revoked by another process (the CLI) is refused within ${VERIFIED_KEY_TTL_MS} ms`, async () => {
    const temp = await openTempStore();
    after(() => temp.cleanup());
    const server = new ApiKeyService(temp.store.apiKeys);
    const { key, record } = await server.create(temp.account.id, 'app');
    const t0 = Date.now();
    assert.equal((await server.verify(key, t0)).ok, true);

    const cliStore = await openSqliteStore(temp.dataDir); // a second connection, as the CLI has
    after(() => cliStore.close());
    assert.equal(await new ApiKeyService(cliStore.apiKeys).revoke(record.keyId), true);
    // The documented bound: a verification is trusted for VERIFIED_KEY_TTL_MS without a read.
    assert.equal((await server.verify(key, t0 + VERIFIED_KEY_TTL_MS - 1)).ok, true);
    assert.deepEqual(await server.verify(key, t0 + VERIFIED_KEY_TTL_MS), { ok: false, reason: 'revoked' });
  });

  test('a remembered verification is only ever reused for the same key id and secret', async () => {
    const temp = await openTempStore();
    after(() => temp.cleanup());
    const service = new ApiKeyService(temp.store.apiKeys);
    const { key } = await service.create(temp.account.id, 'app');
    const { secret } = parseApiKey(key)!;
    const t0 = Date.now();
    assert.equal((await service.verify(key, t0)).ok, true);
    assert.deepEqual(await service.verify(`sk_abcdefghij_${secret}`, t0 + 1), { ok: false, reason: 'unknown' });
    assert.deepEqual(await service.verify(key.slice(0, -1) + (key.endsWith('a') ? 'b' : 'a'), t0 + 1), { ok: false, reason: 'unknown' });
    assert.equal((await service.verify(key, t0 + 2)).ok, true);
  });
});
