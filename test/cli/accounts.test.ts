import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccountServices } from '../../src/account-services.js';
import { ensureBootstrapAccount } from '../../src/accounts/index.js';
import { runCliIn } from './run-cli.js';
import { openSqliteStore } from '../../src/store/index.js';
import { PLANS_FILE } from '../api/test-app.js';

describe('mouthpiece accounts', () => {
  let dataDir: string;
  let adminId: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mouthpiece-cli-accounts-'));
    const store = await openSqliteStore(dataDir);
    try {
      const bootstrap = await ensureBootstrapAccount(store);
      assert.ok(bootstrap.created);
      adminId = bootstrap.accountId;
    } finally {
      await store.close();
    }
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  const cli = (...args: string[]) => runCliIn(dataDir, args, { MOUTHPIECE_PUBLIC_URL: 'https://lipsync.example.com' });

  test('claim-link prints a one-time link that gives the admin an e-mail and password', async () => {
    const { code, stdout } = await cli('accounts', 'claim-link');
    assert.equal(code, 0);
    const url = new URL(stdout.trim());
    assert.equal(url.origin + url.pathname, 'https://lipsync.example.com/signup');
    const invite = url.searchParams.get('invite')!;
    const store = await openSqliteStore(dataDir);
    try {
      const { accounts } = createAccountServices(store, { signupPolicy: 'invite-only', plansFile: PLANS_FILE });
      const claimed = await accounts.signUp({ email: 'ops@example.com', password: 'operator password', inviteCode: invite });
      assert.equal(claimed.id, adminId);
      assert.equal(claimed.isAdmin, true);
    } finally {
      await store.close();
    }
    const listed = await cli('accounts', 'list');
    assert.match(listed.stdout, new RegExp(`${adminId}\\tops@example.com\\tadmin\\t-\\tcan log in`));
  });

  test('invite prints a sign-up link', async () => {
    const { code, stdout } = await cli('accounts', 'invite');
    assert.equal(code, 0);
    assert.match(stdout.trim(), /^https:\/\/lipsync\.example\.com\/signup\?invite=[A-Za-z0-9_-]{24}$/);
  });
});
