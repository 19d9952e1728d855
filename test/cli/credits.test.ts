import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBootstrapAccount } from '../../src/accounts/index.js';
import { runCliIn } from './run-cli.js';
import { openSqliteStore } from '../../src/store/index.js';
import { createAccount } from '../store/temp-store.js';

describe('mouthpiece credits', () => {
  let dataDir: string;
  let adminId: string;
  let memberId: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mouthpiece-cli-credits-'));
    const store = await openSqliteStore(dataDir);
    try {
      const bootstrap = await ensureBootstrapAccount(store);
      assert.ok(bootstrap.created);
      adminId = bootstrap.accountId;
      memberId = (await createAccount(store, false, { api: 0, user: 0 })).id;
    } finally {
      await store.close();
    }
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  const cli = (...args: string[]) => runCliIn(dataDir, args);

  test('the admin account made at first start has 1 000 000 API and user credits', async () => {
    const shown = await cli('credits', 'show');
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(`^Account ${adminId}$`, 'm'));
    assert.match(shown.stdout, /^API credits: +1000000 spendable, 0 held for running jobs$/m);
    assert.match(shown.stdout, /^User credits: 1000000 spendable, 0 held for running jobs$/m);
    assert.match(shown.stdout, /grant +\+1000000 +- +starting credits/);
  });

  test('grant adds API credits, and user credits only when asked: the two balances stay apart', async () => {
    const granted = await cli('credits', 'grant', '--account', memberId, '--api', '1000');
    assert.equal(granted.code, 0, granted.stderr);
    assert.equal(granted.stdout, `Granted 1000 API credits to ${memberId}. Balances: API 1000, user 0\n`);
    const both = await cli('credits', 'grant', '--account', memberId, '--api', '5', '--user', '500', '--note', 'promo');
    assert.equal(both.stdout, `Granted 5 API credits and 500 user credits to ${memberId}. Balances: API 1005, user 500\n`);
    const shown = await cli('credits', 'show', '--account', memberId);
    assert.match(shown.stdout, /API credits: +1005 spendable/);
    assert.match(shown.stdout, /User credits: 500 spendable/);
    assert.match(shown.stdout, /user +grant +\+500 +- +promo/);
  });

  test('refuses what is not a positive whole number, an unknown account, and a grant of nothing', async () => {
    for (const amount of ['-5', '0', '1.5', 'lots']) {
      const result = await cli('credits', 'grant', '--account', memberId, '--api', amount);
      assert.notEqual(result.code, 0, amount);
      assert.match(result.stderr, /positive whole number/, amount);
    }
    const unknown = await cli('credits', 'grant', '--account', 'acct_nobody', '--api', '10');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No account acct_nobody/);
    const nothing = await cli('credits', 'grant', '--account', memberId);
    assert.match(nothing.stderr, /Nothing to grant/);
  });
});
