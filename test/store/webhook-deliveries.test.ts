import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { NewWebhookDelivery } from '../../src/store/index.js';
import { newJob, openTempStore, type TempStore } from './temp-store.js';

describe('webhook deliveries in SQLite', () => {
  let temp: TempStore;
  before(async () => {
    temp = await openTempStore();
  });
  after(() => temp.cleanup());

  async function finishedJob(webhook: string | null, how: 'completed' | 'failed' | 'processing' = 'failed', completedAt = Date.now()) {
    const job = await temp.store.jobs.create(newJob(temp.account.id, { webhook }));
    if (how === 'failed') await temp.store.jobs.fail(job.id, null, { error: 'x', timings: null, completedAt });
    return job.id;
  }

  function delivery(jobId: string, id = `msg_${jobId.slice(0, 8)}`): NewWebhookDelivery {
    const now = Date.now();
    return { id, jobId, accountId: temp.account.id, url: 'https://hooks.example.com/x', payload: '{}', createdAt: now, nextAttemptAt: now };
  }

  test('finished jobs with a webhook and no delivery yet are found; others are not', async () => {
    const { webhookDeliveries } = temp.store;
    const since = Date.now() - 1000;
    const wanted = await finishedJob('https://hooks.example.com/a');
    const old = await finishedJob('https://hooks.example.com/b', 'failed', since - 60_000);
    await finishedJob(null);
    await finishedJob('https://hooks.example.com/c', 'processing');
    assert.deepEqual(await webhookDeliveries.findFinishedJobsWithoutDelivery(since, 100), [wanted]);
    assert.deepEqual(await webhookDeliveries.findFinishedJobsWithoutDelivery(since - 120_000, 100), [old, wanted]);

    assert.equal(await webhookDeliveries.createIfAbsent(delivery(wanted)), true);
    assert.equal(await webhookDeliveries.createIfAbsent(delivery(wanted, 'msg_other')), false, 'one delivery per job');
    assert.deepEqual(await webhookDeliveries.findFinishedJobsWithoutDelivery(since, 100), []);
    assert.equal((await webhookDeliveries.findByJob(wanted))!.id, `msg_${wanted.slice(0, 8)}`);
  });

  test('a due delivery is claimed by one dispatcher at a time, and again once its lease has run out', async () => {
    const { webhookDeliveries } = temp.store;
    const jobId = await finishedJob('https://hooks.example.com/lease');
    await webhookDeliveries.createIfAbsent(delivery(jobId));
    const now = Date.now() + 10;
    // The first test's delivery is due too (and older): out of the way.
    await webhookDeliveries.claimDue('elsewhere', 10 * 60_000, now);
    const first = await webhookDeliveries.claimDue('one', 60_000, now);
    assert.equal(first?.jobId, jobId);
    assert.equal(await webhookDeliveries.claimDue('two', 60_000, now + 1), undefined, 'leased: nobody else gets it');
    assert.equal(await webhookDeliveries.restart(first!.id, now + 1), false, 'no redelivery over an attempt in flight');
    const taken = await webhookDeliveries.claimDue('two', 60_000, now + 60_001);
    assert.equal(taken?.lockedBy, 'two', 'the lease ran out (a dead dispatcher): claimable again');

    // The first dispatcher comes back late: its attempt is logged, its outcome is not applied.
    const late = await webhookDeliveries.recordAttempt(first!.id, 'one', {
      startedAt: now, durationMs: 5, statusCode: 200, error: '', outcome: { state: 'delivered' },
    });
    assert.equal(late, false);
    assert.equal((await webhookDeliveries.findByJob(jobId))!.state, 'pending');
    const applied = await webhookDeliveries.recordAttempt(first!.id, 'two', {
      startedAt: now + 60_001, durationMs: 7, statusCode: 500, error: 'The receiver answered 500', outcome: { state: 'pending', nextAttemptAt: now + 65_000 },
    });
    assert.equal(applied, true);
    const stored = (await webhookDeliveries.findByJob(jobId))!;
    assert.deepEqual([stored.state, stored.attempts, stored.scheduleStep, stored.nextAttemptAt, stored.lockedBy], ['pending', 1, 1, now + 65_000, null]);
    const attempts = await webhookDeliveries.listAttempts(first!.id);
    assert.deepEqual(attempts.map((a) => [a.attempt, a.statusCode, a.nextAttemptAt]), [[1, 200, null], [2, 500, now + 65_000]]);
    assert.equal(await webhookDeliveries.claimDue('two', 60_000, now + 64_999), undefined, 'not due before its time');
  });
});
