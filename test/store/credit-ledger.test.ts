import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import SqliteDatabase from 'better-sqlite3';
import { join } from 'node:path';
import { DATABASE_FILE_NAME, type JobRecord, type LedgerEntry } from '../../src/store/index.js';
import { createAccount, newJob, openTempStore, type TempStore } from './temp-store.js';

/** Sum of the rows, straight from SQLite: what a balance must always equal. */
function sumOfRows(temp: TempStore, accountId: string, balance: 'api' | 'user'): number {
  const raw = new SqliteDatabase(join(temp.dataDir, DATABASE_FILE_NAME), { readonly: true });
  try {
    const row = raw
      .prepare('SELECT coalesce(sum(amount), 0) AS total FROM credit_ledger WHERE account_id = ? AND balance = ?')
      .get(accountId, balance) as { total: number };
    return row.total;
  } finally {
    raw.close();
  }
}

const movements = (entries: LedgerEntry[]) => entries.map((e) => `${e.kind} ${e.amount}`);

describe('credit ledger', () => {
  let temp: TempStore;
  before(async () => {
    temp = await openTempStore();
  });
  after(() => temp.cleanup());

  async function claimedJob(accountId: string, overrides = {}): Promise<JobRecord> {
    const job = await temp.store.jobs.create(newJob(accountId, overrides));
    for (;;) {
      const claimed = await temp.store.jobs.claimNext('w', 30_000);
      assert.ok(claimed, 'the job is claimable');
      if (claimed.id === job.id) return claimed;
    }
  }

  test('an account is created with its opening grants; balances are the sum of their rows', async () => {
    const account = await createAccount(temp.store, false, { api: 300, user: 50 });
    assert.deepEqual(await temp.store.credits.balances(account.id), { api: 300, user: 50 });
    assert.equal(sumOfRows(temp, account.id, 'api'), 300);
    assert.equal(sumOfRows(temp, account.id, 'user'), 50);
    const grant = await temp.store.credits.grant(account.id, { balance: 'api', amount: 1000, note: 'top-up' });
    assert.equal(grant.kind, 'grant');
    assert.deepEqual(await temp.store.credits.balances(account.id), { api: 1300, user: 50 });
  });

  test('a hold takes the exact amount from the paying balance at once and records it on the job', async () => {
    const account = await createAccount(temp.store, false, { api: 100, user: 100 });
    const job = await claimedJob(account.id);
    assert.deepEqual(await temp.store.jobs.holdCredits(job.id, 'w', 14), { type: 'held', amount: 14 });
    assert.deepEqual(await temp.store.credits.balances(account.id), { api: 86, user: 100 }, 'user credits are untouched');
    assert.deepEqual(await temp.store.credits.held(account.id), { api: 14, user: 0 });
    assert.equal((await temp.store.jobs.findById(job.id))?.credits, 14);
  });

  test('holding again for the same job (a retry after a crash) keeps the first hold', async () => {
    const account = await createAccount(temp.store, false, { api: 100, user: 0 });
    const job = await claimedJob(account.id);
    await temp.store.jobs.holdCredits(job.id, 'w', 20);
    assert.deepEqual(await temp.store.jobs.holdCredits(job.id, 'w', 20), { type: 'held', amount: 20 });
    assert.deepEqual(await temp.store.jobs.holdCredits(job.id, 'w', 24), { type: 'held', amount: 20 });
    assert.deepEqual(movements(await temp.store.credits.entriesForJob(job.id)), ['hold -20']);
    assert.equal((await temp.store.credits.balances(account.id)).api, 80);
  });

  test('not enough credits: the hold is refused with what is needed and available, and nothing is written', async () => {
    const account = await createAccount(temp.store, false, { api: 30, user: 1000 });
    const job = await claimedJob(account.id);
    assert.deepEqual(await temp.store.jobs.holdCredits(job.id, 'w', 40), { type: 'insufficient', needed: 40, balance: 30 });
    assert.deepEqual(await temp.store.credits.entriesForJob(job.id), []);
    assert.equal((await temp.store.jobs.findById(job.id))?.credits, null);
  });

  test('only the worker holding the lease may place the hold', async () => {
    const account = await createAccount(temp.store);
    const job = await claimedJob(account.id);
    assert.deepEqual(await temp.store.jobs.holdCredits(job.id, 'someone-else', 10), { type: 'not-held' });
  });

  test('completion turns the hold into a charge, once, in the same transaction', async () => {
    const account = await createAccount(temp.store, false, { api: 100, user: 0 });
    const job = await claimedJob(account.id);
    await temp.store.jobs.holdCredits(job.id, 'w', 14);
    const success = { outputFile: `${job.id}-x.mp4`, timings: {}, executionMs: 1, completedAt: Date.now() };
    assert.equal(await temp.store.jobs.complete(job.id, 'w', success), true);
    assert.equal(await temp.store.jobs.complete(job.id, 'w', success), false, 'a second completion is refused');
    assert.deepEqual(movements(await temp.store.credits.entriesForJob(job.id)), ['hold -14', 'release 14', 'charge -14']);
    assert.equal((await temp.store.credits.balances(account.id)).api, 86);
    assert.equal(sumOfRows(temp, account.id, 'api'), 86);
    assert.deepEqual(await temp.store.credits.held(account.id), { api: 0, user: 0 });
  });

  test('a failed job costs nothing: its hold is released', async () => {
    const account = await createAccount(temp.store, false, { api: 100, user: 0 });
    const job = await claimedJob(account.id);
    await temp.store.jobs.holdCredits(job.id, 'w', 30);
    await temp.store.jobs.fail(job.id, 'w', { error: 'No face found in image', timings: null, completedAt: Date.now() });
    assert.deepEqual(movements(await temp.store.credits.entriesForJob(job.id)), ['hold -30', 'release 30']);
    assert.equal((await temp.store.credits.balances(account.id)).api, 100);
  });

  test('a canceled job costs nothing, and canceling is only possible while processing', async () => {
    const account = await createAccount(temp.store, false, { api: 100, user: 0 });
    const job = await claimedJob(account.id);
    await temp.store.jobs.holdCredits(job.id, 'w', 10);
    assert.equal(await temp.store.jobs.cancel(job.id, account.id), true);
    assert.equal(await temp.store.jobs.cancel(job.id, account.id), false);
    const row = await temp.store.jobs.findById(job.id);
    assert.equal(row?.status, 'canceled');
    assert.equal(row?.lockedBy, null);
    assert.deepEqual(movements(await temp.store.credits.entriesForJob(job.id)), ['hold -10', 'release 10']);
    assert.equal((await temp.store.credits.balances(account.id)).api, 100);
    // The render that was working on it cannot complete it afterwards, nor be charged.
    const success = { outputFile: `${job.id}-x.mp4`, timings: {}, executionMs: 1, completedAt: Date.now() };
    assert.equal(await temp.store.jobs.complete(job.id, 'w', success), false);
    assert.equal((await temp.store.credits.balances(account.id)).api, 100);
  });

  test("another account cannot cancel a job", async () => {
    const owner = await createAccount(temp.store);
    const other = await createAccount(temp.store);
    const job = await temp.store.jobs.create(newJob(owner.id));
    assert.equal(await temp.store.jobs.cancel(job.id, other.id), false);
    assert.equal((await temp.store.jobs.findById(job.id))?.status, 'processing');
  });

  test('the two balances never mix: a user-paid job holds user credits only', async () => {
    const account = await createAccount(temp.store, false, { api: 0, user: 100 });
    const job = await claimedJob(account.id, { creditBalance: 'user' });
    assert.deepEqual(await temp.store.jobs.holdCredits(job.id, 'w', 10), { type: 'held', amount: 10 });
    assert.deepEqual(await temp.store.credits.balances(account.id), { api: 0, user: 90 });
  });
});

describe('submitting with checks', () => {
  let temp: TempStore;
  before(async () => {
    temp = await openTempStore();
  });
  after(() => temp.cleanup());
  const noLimits = { maxProcessingJobs: 0, requiredCredits: 10 };

  test('an Idempotency-Key within its window answers the earlier job instead of inserting', async () => {
    const account = await createAccount(temp.store);
    const idempotency = { key: 'k-1', requestHash: 'h', since: 0 };
    const first = await temp.store.jobs.submit(newJob(account.id), { ...noLimits, idempotency });
    const second = await temp.store.jobs.submit(newJob(account.id), { ...noLimits, idempotency });
    assert.equal(first.type, 'created');
    assert.equal(second.type, 'existing');
    assert.equal(second.type === 'existing' && first.type === 'created' && second.job.id, first.type === 'created' && first.job.id);
  });

  test('past the window the key is free again: a new job is created and takes the key over', async () => {
    const account = await createAccount(temp.store);
    const old = await temp.store.jobs.submit(newJob(account.id, { createdAt: 1_000 }), {
      ...noLimits,
      idempotency: { key: 'k-2', requestHash: 'h', since: 0 },
    });
    const fresh = await temp.store.jobs.submit(newJob(account.id, { createdAt: 100_000 }), {
      ...noLimits,
      idempotency: { key: 'k-2', requestHash: 'h', since: 50_000 },
    });
    assert.equal(fresh.type, 'created');
    assert.ok(old.type === 'created' && fresh.type === 'created' && old.job.id !== fresh.job.id);
    assert.equal((await temp.store.jobs.findById(old.type === 'created' ? old.job.id : ''))?.idempotencyKey, null);
  });

  test('the same key in two accounts names two different requests', async () => {
    const a = await createAccount(temp.store);
    const b = await createAccount(temp.store);
    const idempotency = { key: 'shared', requestHash: 'h', since: 0 };
    assert.equal((await temp.store.jobs.submit(newJob(a.id), { ...noLimits, idempotency })).type, 'created');
    assert.equal((await temp.store.jobs.submit(newJob(b.id), { ...noLimits, idempotency })).type, 'created');
  });

  test('the concurrency limit counts the account’s processing jobs only', async () => {
    const account = await createAccount(temp.store);
    const checks = { maxProcessingJobs: 2, requiredCredits: 10 };
    assert.equal((await temp.store.jobs.submit(newJob(account.id), checks)).type, 'created');
    const second = await temp.store.jobs.submit(newJob(account.id), checks);
    assert.equal(second.type, 'created');
    assert.deepEqual(await temp.store.jobs.submit(newJob(account.id), checks), { type: 'too-many-processing', processing: 2 });
    await temp.store.jobs.cancel(second.type === 'created' ? second.job.id : '', account.id);
    assert.equal((await temp.store.jobs.submit(newJob(account.id), checks)).type, 'created', 'a finished job frees a place');
  });

  test('a balance below the required credits is refused with the balance', async () => {
    const account = await createAccount(temp.store, false, { api: 9, user: 500 });
    assert.deepEqual(await temp.store.jobs.submit(newJob(account.id), noLimits), { type: 'insufficient-credits', balance: 9 });
    assert.equal((await temp.store.jobs.submit(newJob(account.id, { creditBalance: 'user' }), noLimits)).type, 'created');
  });
});
