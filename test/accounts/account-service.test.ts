import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccountServices, type AccountServices } from '../../src/account-services.js';
import { AccountError, AccountService, LoginThrottle, SESSION_IDLE_MS, findOrCreateAdminAccount } from '../../src/accounts/index.js';
import { PLANS_FILE } from '../api/test-app.js';
import { openTempStore, type TempStore } from '../store/temp-store.js';

function rejectsWith(code: string, field?: string | null) {
  return (error: unknown) => error instanceof AccountError && error.code === code && (field === undefined || error.field === field);
}

describe('accounts: sign-up, log-in, passwords, invites', () => {
  let temp: TempStore;
  let services: AccountServices;
  before(async () => {
    temp = await openTempStore();
    services = createAccountServices(temp.store, { signupPolicy: 'open', plansFile: PLANS_FILE });
  });
  after(() => temp.cleanup());

  test('signs up with an e-mail (case-insensitive) and logs in with the password', async () => {
    const account = await services.accounts.signUp({ email: '  Ada@Example.com ', password: 'correct horse battery' });
    assert.equal(account.email, 'ada@example.com');
    assert.equal(account.isAdmin, false, 'sign-ups are members; the admin is the first-start account');
    assert.equal(account.hasPassword, true);
    const logged = await services.accounts.logIn('ADA@example.com', 'correct horse battery');
    assert.equal(logged.id, account.id);
  });

  test('a new account is on the default plan with its first month of credits on both balances', async () => {
    const account = await services.accounts.signUp({ email: 'plan@example.com', password: 'correct horse battery' });
    assert.equal(account.plan, 'starter');
    assert.ok(account.planRenewsAt! > Date.now());
    const { balances } = await services.credits.summary(account.id);
    assert.deepEqual(balances, { api: 1000, user: 1000 });
  });

  test('refuses a taken e-mail, a malformed e-mail and a short password, naming the field', async () => {
    await assert.rejects(services.accounts.signUp({ email: 'ada@example.com', password: 'another password' }), rejectsWith('email_taken', 'email'));
    await assert.rejects(services.accounts.signUp({ email: 'not-an-email', password: 'long enough pw' }), rejectsWith('invalid_email', 'email'));
    await assert.rejects(services.accounts.signUp({ email: 'b@example.com', password: 'short' }), rejectsWith('weak_password', 'password'));
  });

  test('a wrong password and an unknown e-mail get the same answer', async () => {
    await assert.rejects(services.accounts.logIn('ada@example.com', 'wrong password!'), rejectsWith('bad_credentials', null));
    await assert.rejects(services.accounts.logIn('nobody@example.com', 'wrong password!'), rejectsWith('bad_credentials', null));
  });

  test('changes the password: the old one stops working', async () => {
    const account = await services.accounts.signUp({ email: 'change@example.com', password: 'first password' });
    await assert.rejects(services.accounts.changePassword(account.id, 'not it at all', 'second password'), rejectsWith('bad_credentials', 'currentPassword'));
    await assert.rejects(services.accounts.changePassword(account.id, 'first password', 'short'), rejectsWith('weak_password', 'newPassword'));
    await services.accounts.changePassword(account.id, 'first password', 'second password');
    await assert.rejects(services.accounts.logIn('change@example.com', 'first password'), rejectsWith('bad_credentials'));
    assert.equal((await services.accounts.logIn('change@example.com', 'second password')).id, account.id);
  });

  test('an invite is needed when sign-up is invite-only, and works once', async () => {
    const inviteOnly = createAccountServices(temp.store, { signupPolicy: 'invite-only', plansFile: PLANS_FILE });
    await assert.rejects(inviteOnly.accounts.signUp({ email: 'c@example.com', password: 'long enough pw' }), rejectsWith('invite_required', 'invite'));
    const { code } = await inviteOnly.accounts.createInvite(temp.account.id);
    const invited = await inviteOnly.accounts.signUp({ email: 'c@example.com', password: 'long enough pw', inviteCode: code });
    assert.equal(invited.email, 'c@example.com');
    await assert.rejects(
      inviteOnly.accounts.signUp({ email: 'd@example.com', password: 'long enough pw', inviteCode: code }),
      rejectsWith('invite_invalid', 'invite'),
    );
  });

  test('the first-start admin is claimed with its one-time link: it keeps its key, credits and admin role', async () => {
    const fresh = await openTempStore();
    try {
      // An admin without a password, as the first start (or `keys create` before it) makes one.
      const freshServices = createAccountServices(fresh.store, { signupPolicy: 'invite-only', plansFile: PLANS_FILE });
      const admin = await findOrCreateAdminAccount(fresh.store);
      assert.equal(admin.hasPassword, false);
      const { code } = await freshServices.accounts.createInvite(null, admin.id);
      const claimed = await freshServices.accounts.signUp({ email: 'Operator@Example.com', password: 'operator password', inviteCode: code });
      assert.equal(claimed.id, admin.id);
      assert.equal(claimed.isAdmin, true);
      assert.equal(claimed.email, 'operator@example.com');
      assert.equal((await freshServices.accounts.logIn('operator@example.com', 'operator password')).id, claimed.id);
    } finally {
      await fresh.cleanup();
    }
  });

  test('after five failed log-ins the e-mail is locked for a while, even with the right password', async () => {
    const throttle = new LoginThrottle({ maxFailures: 5, windowMs: 60_000 });
    const account = await services.accounts.signUp({ email: 'locked@example.com', password: 'right password' });
    const accounts = new AccountService(temp.store, { signupPolicy: 'open', openingGrants: [], onboard: async () => {}, throttle });
    const start = Date.now();
    for (let i = 0; i < 5; i += 1) {
      await assert.rejects(accounts.logIn('locked@example.com', 'wrong password', '10.0.0.1', start + i), rejectsWith('bad_credentials'));
    }
    await assert.rejects(accounts.logIn('locked@example.com', 'right password', '10.0.0.2', start + 10), (error: unknown) =>
      rejectsWith('too_many_attempts')(error) && (error as AccountError).retryAfterSeconds > 0,
    );
    const later = start + 61_000;
    assert.equal((await accounts.logIn('locked@example.com', 'right password', '10.0.0.2', later)).id, account.id);
  });
});

describe('sessions', () => {
  let temp: TempStore;
  let services: AccountServices;
  before(async () => {
    temp = await openTempStore();
    services = createAccountServices(temp.store, { signupPolicy: 'open', plansFile: PLANS_FILE });
  });
  after(() => temp.cleanup());

  test('a started session resolves to its account until it ends', async () => {
    const { token } = await services.sessions.start(temp.account.id, 'test agent');
    const live = await services.sessions.resolve(token);
    assert.equal(live?.account.id, temp.account.id);
    assert.notEqual(live?.sessionId, token, 'the database knows only a hash of the token');
    await services.sessions.end(token);
    assert.equal(await services.sessions.resolve(token), undefined);
  });

  test('an idle session expires; activity pushes the expiry', async () => {
    const now = Date.now();
    const { token } = await services.sessions.start(temp.account.id, '', now);
    assert.ok(await services.sessions.resolve(token, now + SESSION_IDLE_MS - 1000), 'still live just before the idle limit');
    assert.ok(await services.sessions.resolve(token, now + SESSION_IDLE_MS + 1000), 'the previous request pushed the expiry');
    assert.equal(await services.sessions.resolve(token, now + 3 * SESSION_IDLE_MS), undefined);
  });

  test('a made-up token never resolves, and ending other sessions keeps the current one', async () => {
    assert.equal(await services.sessions.resolve('A'.repeat(43)), undefined);
    assert.equal(await services.sessions.resolve('not even the right shape'), undefined);
    const a = await services.sessions.start(temp.account.id);
    const b = await services.sessions.start(temp.account.id);
    await services.sessions.endOthers(temp.account.id, a.token);
    assert.ok(await services.sessions.resolve(a.token));
    assert.equal(await services.sessions.resolve(b.token), undefined);
  });
});
