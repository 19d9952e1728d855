import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError, NotFoundError, verifyWebhook, type DeliveryReport, type JobObject } from '../../../src/client/index.js';
import { systemResolver } from '../../../src/engine/media/address-guard.js';
import { openSqliteStore } from '../../../src/store/index.js';
import { AUDIO, IMAGE } from '../../api/test-app.js';
import { waitFor } from '../../store/temp-store.js';
import { finishJob, newDispatcher, startReceiver, startWebhookBed, type Receiver, type WebhookBed } from './harness.js';
import { independentlyVerified } from './standard-webhooks.js';

const FORM = { image: IMAGE, audio: AUDIO };

describe('webhook delivery', () => {
  let bed: WebhookBed;
  const receivers: Receiver[] = [];
  before(async () => {
    bed = await startWebhookBed();
    // A name no DNS knows: a delivery to it only arrives if the connection uses the address the
    // guard vetted (here: loopback), never a second lookup.
    bed.startDispatcher({
      resolveHost: async (host) => (host === 'receiver.invalid' ? [{ address: '127.0.0.1', family: 4 }] : systemResolver(host)),
    });
  });
  after(async () => {
    await bed.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
    const r = await startReceiver(...args);
    receivers.push(r);
    return r;
  }

  async function submitAndFinish(webhook: string | undefined, how: 'completed' | 'failed' = 'completed'): Promise<string> {
    const { id } = await bed.client.lipsyncImage(FORM, { webhook });
    await finishJob(bed.t.temp.store, id, how);
    return id;
  }

  function settled(id: string, state: DeliveryReport['state'] = 'delivered'): Promise<DeliveryReport> {
    return waitFor(`the webhook of ${id} to be ${state}`, async () => {
      const report = await bed.client.getDeliveries(id);
      return report.state === state ? report : undefined;
    });
  }

  const secretOfA = async () => (await bed.client.getAccount()).webhookSecret;

  test("a completed job's object is POSTed once, signed: the SDK helper and an independent implementation both verify it", async () => {
    const hook = await receiver();
    const id = await submitAndFinish(hook.url);
    const report = await settled(id);

    assert.equal(hook.received.length, 1);
    const [request] = hook.received;
    const job = await bed.client.getJob(id);
    assert.deepEqual(JSON.parse(request.body.toString()), job, 'the body is the job object, exactly');
    assert.equal(job.status, 'completed');
    assert.match(String(job.output), /\/outputs\/.+\.mp4$/);
    assert.equal(request.headers['content-type'], 'application/json');
    assert.match(String(request.headers['webhook-id']), /^msg_[0-9a-f]{32}$/);
    assert.equal(report.webhookId, request.headers['webhook-id']);

    const secret = await secretOfA();
    const nowSec = Math.floor(Date.now() / 1000);
    assert.ok(independentlyVerified(secret, request.headers, request.body, nowSec), 'the spec, implemented in the test, accepts it');
    const verified: JobObject = await verifyWebhook(secret, request.headers, request.body);
    assert.equal(verified.id, id);

    assert.equal(report.attempts.length, 1);
    assert.deepEqual({ ...report.attempts[0], at: undefined, durationMs: undefined }, {
      attempt: 1, at: undefined, durationMs: undefined, statusCode: 200, error: '', nextAttemptAt: null,
    });
    assert.equal(report.nextAttemptAt, null);
    assert.ok(report.deliveredAt !== null);
  });

  test('a failed job sends its webhook too, carrying the error', async () => {
    const hook = await receiver();
    const id = await submitAndFinish(hook.url, 'failed');
    await settled(id);
    const body = JSON.parse(hook.received[0].body.toString()) as JobObject;
    assert.equal(body.status, 'failed');
    assert.equal(body.error, 'No face found in image');
    assert.equal(body.output, null);
  });

  test('a receiver answering 500 three times, then 200, gets exactly one successful delivery with one webhook-id and body', async () => {
    const hook = await receiver((n) => ({ status: n <= 3 ? 500 : 200 }));
    const id = await submitAndFinish(hook.url);
    const report = await settled(id);

    assert.equal(hook.received.length, 4);
    const ids = new Set(hook.received.map((r) => r.headers['webhook-id']));
    assert.equal(ids.size, 1, 'the same webhook-id on every attempt');
    assert.ok(hook.received.every((r) => r.body.equals(hook.received[0].body)), 'the same bytes on every attempt');
    assert.deepEqual(report.attempts.map((a) => a.statusCode), [500, 500, 500, 200]);
    assert.deepEqual(report.attempts.map((a) => a.error), ['The receiver answered 500', 'The receiver answered 500', 'The receiver answered 500', '']);
    assert.ok(report.attempts.slice(0, 3).every((a) => a.nextAttemptAt !== null));
    // Every attempt is signed afresh, and each one verifies.
    const secret = await secretOfA();
    for (const r of hook.received) await verifyWebhook(secret, r.headers, r.body);
  });

  test('a redirect is a failed attempt and is not followed; after the last attempt the delivery fails', async () => {
    const target = await receiver();
    const hook = await receiver(() => ({ status: 302, headers: { location: target.url } }));
    const id = await submitAndFinish(hook.url);
    const report = await settled(id, 'failed');
    assert.equal(target.received.length, 0, 'the redirect target was never called');
    assert.equal(report.attempts.length, 10, 'the whole schedule was used');
    assert.ok(report.attempts.every((a) => a.statusCode === 302 && /redirects are not followed/.test(a.error)));
    assert.equal(report.attempts.at(-1)!.nextAttemptAt, null);
    assert.equal(report.nextAttemptAt, null);
  });

  test('410 Gone stops the retries at once', async () => {
    const hook = await receiver(() => ({ status: 410 }));
    const id = await submitAndFinish(hook.url);
    const report = await settled(id, 'failed');
    assert.equal(hook.received.length, 1);
    assert.deepEqual(report.attempts.map((a) => [a.statusCode, a.nextAttemptAt]), [[410, null]]);
    assert.match(report.attempts[0].error, /410 Gone; no more attempts/);
  });

  test('Retry-After holds the next attempt back at least that long', async () => {
    const hook = await receiver((n) => (n === 1 ? { status: 503, headers: { 'retry-after': '1' } } : { status: 200 }));
    const id = await submitAndFinish(hook.url);
    const report = await settled(id);
    const [first, second] = report.attempts;
    assert.ok(Date.parse(first.nextAttemptAt!) - Date.parse(first.at) >= 1000, 'scheduled ≥ 1 s after the first attempt (the schedule said 30 ms)');
    assert.ok(hook.received[1].receivedAt - hook.received[0].receivedAt >= 1000);
    assert.equal(second.statusCode, 200);
  });

  test('no answer within the timeout is a failed attempt, retried', async () => {
    const hook = await receiver((n) => (n === 1 ? 'hang' : { status: 204 }));
    const id = await submitAndFinish(hook.url);
    const report = await settled(id);
    assert.deepEqual(report.attempts.map((a) => a.statusCode), [null, 204]);
    assert.equal(report.attempts[0].error, 'No answer within 2 s');
  });

  test('a refused connection is a failed attempt with the reason', async () => {
    const closed = await receiver();
    await closed.close();
    const id = await submitAndFinish(closed.url);
    const report = await waitFor('a first attempt', async () => {
      const r = await bed.client.getDeliveries(id);
      return r.attempts.length > 0 ? r : undefined;
    });
    assert.equal(report.attempts[0].statusCode, null);
    assert.match(report.attempts[0].error, /^The connection to 127\.0\.0\.1:\d+ was refused$/);
  });

  test('connects to the address the DNS check approved, not to a second lookup', async () => {
    const hook = await receiver();
    const id = await submitAndFinish(hook.url.replace('127.0.0.1', 'receiver.invalid'));
    await settled(id);
    assert.equal(hook.received.length, 1);
    assert.match(String(hook.received[0].headers.host), /^receiver\.invalid:\d+$/, 'the Host header keeps the name');
  });

  test('the deliveries report says where a webhook stands before it is sent, and another account sees 404', async () => {
    const { id: none } = await bed.client.lipsyncImage(FORM);
    assert.equal((await bed.client.getDeliveries(none)).state, 'no_webhook');
    const hook = await receiver();
    const { id: waiting } = await bed.client.lipsyncImage(FORM, { webhook: hook.url });
    assert.deepEqual(await bed.client.getDeliveries(waiting), {
      jobId: waiting, url: hook.url, webhookId: null, state: 'waiting_for_job', nextAttemptAt: null, deliveredAt: null, attempts: [],
    });
    await assert.rejects(bed.clientB.getDeliveries(waiting), NotFoundError);
    await assert.rejects(bed.clientB.redeliverWebhook(waiting), NotFoundError);
    await assert.rejects(bed.client.getDeliveries('00000000-0000-4000-8000-000000000000'), NotFoundError);
    await finishJob(bed.t.temp.store, none, 'failed');
    await finishJob(bed.t.temp.store, waiting, 'failed');
  });

  test('redeliver replays the same webhook-id and body; it is refused while there is nothing to replay', async () => {
    const hook = await receiver();
    const { id: processing } = await bed.client.lipsyncImage(FORM, { webhook: hook.url });
    await assert.rejects(bed.client.redeliverWebhook(processing), (e) => e instanceof ConflictError && /has not finished/.test(e.message));
    const { id: withoutWebhook } = await bed.client.lipsyncImage(FORM);
    await finishJob(bed.t.temp.store, withoutWebhook, 'failed');
    await assert.rejects(bed.client.redeliverWebhook(withoutWebhook), (e) => e instanceof ConflictError && /without a webhook/.test(e.message));

    await finishJob(bed.t.temp.store, processing, 'completed');
    await settled(processing);
    const scheduled = await bed.client.redeliverWebhook(processing);
    assert.equal(scheduled.state, 'pending');
    const report = await waitFor('the replay', async () => {
      const r = await bed.client.getDeliveries(processing);
      return r.state === 'delivered' && r.attempts.length === 2 ? r : undefined;
    });
    assert.equal(hook.received.length, 2);
    assert.equal(hook.received[1].headers['webhook-id'], hook.received[0].headers['webhook-id']);
    assert.ok(hook.received[1].body.equals(hook.received[0].body));
    assert.deepEqual(report.attempts.map((a) => a.attempt), [1, 2]);
  });

  test('each account has its own webhook secret in GET /api/v1/account, the same on every call until rotated', async () => {
    const [a1, a2, b] = [await bed.client.getAccount(), await bed.client.getAccount(), await bed.clientB.getAccount()];
    assert.match(a1.webhookSecret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(a2.webhookSecret, a1.webhookSecret);
    assert.notEqual(b.webhookSecret, a1.webhookSecret);
  });

  test('after a rotation webhooks carry the new and the old signature, and either secret verifies', async () => {
    const before = await secretOfA();
    const rotated = await bed.client.rotateWebhookSecret();
    assert.match(rotated.webhookSecret, /^whsec_/);
    assert.notEqual(rotated.webhookSecret, before);
    assert.equal((await bed.client.getAccount()).webhookSecret, rotated.webhookSecret);
    const graceMs = Date.parse(rotated.previousSecretExpiresAt!) - Date.now();
    assert.ok(graceMs > 23 * 3600_000 && graceMs <= 24 * 3600_000, 'the old secret signs for 24 h more');

    const hook = await receiver();
    const id = await submitAndFinish(hook.url);
    await settled(id);
    const [request] = hook.received;
    assert.equal(String(request.headers['webhook-signature']).split(' ').length, 2);
    await verifyWebhook(rotated.webhookSecret, request.headers, request.body);
    await verifyWebhook(before, request.headers, request.body);
    const nowSec = Math.floor(Date.now() / 1000);
    assert.ok(independentlyVerified(rotated.webhookSecret, request.headers, request.body, nowSec));
  });
});

describe('webhook dispatchers sharing one database', () => {
  test('two dispatchers (two server processes) never make the same attempt twice', async () => {
    const bed = await startWebhookBed();
    const second = await openSqliteStore(bed.t.temp.dataDir);
    const counts = new Map<string, number>();
    const hook = await startReceiver();
    try {
      bed.startDispatcher({ dispatcherId: 'one' });
      const other = newDispatcher(second, { dispatcherId: 'two' });
      other.start();
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) ids.push((await bed.client.lipsyncImage(FORM, { webhook: hook.url })).id);
      for (const id of ids) await finishJob(bed.t.temp.store, id, 'completed');
      await waitFor('every webhook delivered', async () => {
        const reports = await Promise.all(ids.map((id) => bed.client.getDeliveries(id)));
        return reports.every((r) => r.state === 'delivered') ? true : undefined;
      });
      await other.stop();
      for (const r of hook.received) counts.set(String(r.headers['webhook-id']), (counts.get(String(r.headers['webhook-id'])) ?? 0) + 1);
      assert.equal(hook.received.length, 12);
      assert.equal(counts.size, 12);
      assert.ok([...counts.values()].every((n) => n === 1));
    } finally {
      await bed.close();
      await second.close();
      await hook.close();
    }
  });
});
