import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeyService } from '../../src/accounts/index.js';
import { runCliIn } from './run-cli.js';
import { openSqliteStore } from '../../src/store/index.js';

describe('mouthpiece CLI', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mouthpiece-cli-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  const cli = (...args: string[]) => runCliIn(dataDir, args);

  test('keys create prints only the new key on stdout, and the key verifies', async () => {
    const { code, stdout, stderr } = await cli('keys', 'create', '--name', 'demo');
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^sk_[a-z0-9]{10}_[A-Za-z0-9]{32}\n$/);
    assert.match(stderr, /shown only this once/);
    const store = await openSqliteStore(dataDir);
    try {
      const check = await new ApiKeyService(store.apiKeys).verify(stdout.trim());
      assert.equal(check.ok, true);
    } finally {
      await store.close();
    }
  });

  test('keys list shows ids and names, never secrets; keys revoke revokes once', async () => {
    const { stdout: key } = await cli('keys', 'create', '--name', 'to-revoke');
    const keyId = key.split('_')[1];
    const listed = await cli('keys', 'list');
    assert.equal(listed.code, 0);
    assert.match(listed.stdout, new RegExp(`${keyId}\\s+to-revoke\\s+acct_\\w+.*active`));
    assert.ok(!listed.stdout.includes(key.trim().split('_')[2]), 'no secret in the listing');

    assert.deepEqual(await cli('keys', 'revoke', keyId), { code: 0, stdout: `Revoked key ${keyId}\n`, stderr: '' });
    assert.match((await cli('keys', 'list')).stdout, new RegExp(`${keyId}.*revoked`));
    const again = await cli('keys', 'revoke', keyId);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /No active key/);
  });

  test('keys create --account must name an existing account', async () => {
    const result = await cli('keys', 'create', '--name', 'x', '--account', 'acct_nope');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /No account acct_nope/);
  });

  test('render rejects a bad --resolution or --seed before doing any work', async () => {
    const base = ['render', '--image', 'a.jpg', '--audio', 'b.mp3', '--out', 'c.mp4'];
    const resolution = await cli(...base, '--resolution', '1080p');
    assert.notEqual(resolution.code, 0);
    assert.match(resolution.stderr, /must be 480p or 720p/);
    const seed = await cli(...base, '--seed', '1.5');
    assert.notEqual(seed.code, 0);
    assert.match(seed.stderr, /integer from -1/);
  });

  test('a bad environment variable is reported by name', async () => {
    const { code, stderr } = await runCliIn(dataDir, ['keys', 'list'], { PORT: 'x' });
    assert.equal(code, 2);
    assert.match(stderr, /invalid configuration: PORT/);
  });
});
