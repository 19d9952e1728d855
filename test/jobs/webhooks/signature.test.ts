import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { verifyWebhook, WebhookVerificationError } from '../../../src/client/index.js';
import { newWebhookSecret, signedWebhookHeaders } from '../../../src/jobs/webhooks/index.js';
import { independentlyVerified } from './standard-webhooks.js';

// The Standard Webhooks specification's published example.
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('webhook signatures (Standard Webhooks)', () => {
  const body = Buffer.from(JSON.stringify({ id: 'j', status: 'completed', output: 'https://x/o.mp4' }));
  const now = Math.floor(Date.now() / 1000);

  test("the server's signer reproduces the spec's example signature", () => {
    const headers = signedWebhookHeaders({ id: SPEC.id, timestamp: SPEC.timestamp, body: Buffer.from(SPEC.body) }, [SPEC.secret]);
    assert.deepEqual(headers, { 'webhook-id': SPEC.id, 'webhook-timestamp': String(SPEC.timestamp), 'webhook-signature': SPEC.signature });
  });

  test("the SDK's verifyWebhook accepts the spec's example", async () => {
    const headers = { 'webhook-id': SPEC.id, 'webhook-timestamp': String(SPEC.timestamp), 'webhook-signature': SPEC.signature };
    assert.deepEqual(await verifyWebhook(SPEC.secret, headers, SPEC.body, { nowSec: SPEC.timestamp + 10 }), { test: 2432232314 });
  });

  test('a fresh secret is whsec_ + 32 random bytes in base64, different every time', () => {
    const a = newWebhookSecret();
    assert.match(a, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(Buffer.from(a.slice(6), 'base64').length, 32);
    assert.notEqual(a, newWebhookSecret());
  });

  test('what the server signs, the SDK and an independent implementation both verify', async () => {
    const secret = newWebhookSecret();
    const headers = signedWebhookHeaders({ id: 'msg_1', timestamp: now, body }, [secret]);
    assert.ok(independentlyVerified(secret, headers, body, now));
    const payload = await verifyWebhook(secret, headers, body);
    assert.equal(payload.status, 'completed');
    // Headers objects and capitalised names (as some frameworks hand them) work too.
    await verifyWebhook(secret, new Headers(headers), body.toString());
    await verifyWebhook(secret, { 'Webhook-Id': headers['webhook-id'], 'Webhook-Timestamp': headers['webhook-timestamp'], 'Webhook-Signature': headers['webhook-signature'] }, new Uint8Array(body));
  });

  test('during a rotation both secrets sign; a receiver with either one accepts', async () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    const headers = signedWebhookHeaders({ id: 'msg_2', timestamp: now, body }, [current, previous]);
    assert.equal(headers['webhook-signature'].split(' ').length, 2);
    for (const secret of [current, previous]) {
      assert.ok(independentlyVerified(secret, headers, body, now));
      await verifyWebhook(secret, headers, body);
    }
    await assert.rejects(verifyWebhook(newWebhookSecret(), headers, body), { problem: 'no_matching_signature' });
  });

  async function rejection(promise: Promise<unknown>): Promise<string> {
    const error = await promise.then(() => null, (e: unknown) => e);
    assert.ok(error instanceof WebhookVerificationError, `expected a WebhookVerificationError, got ${String(error)}`);
    return error.problem;
  }

  test('verifyWebhook throws a typed error for every way a request can be wrong', async () => {
    const secret = newWebhookSecret();
    const headers = signedWebhookHeaders({ id: 'msg_3', timestamp: now, body }, [secret]);
    const tampered = Buffer.from(body.toString().replace('completed', 'failed'));
    assert.equal(await rejection(verifyWebhook(secret, headers, tampered)), 'no_matching_signature');
    assert.equal(await rejection(verifyWebhook(newWebhookSecret(), headers, body)), 'no_matching_signature');
    assert.equal(await rejection(verifyWebhook(secret, { ...headers, 'webhook-id': 'msg_other' }, body)), 'no_matching_signature');
    assert.equal(await rejection(verifyWebhook(secret, { ...headers, 'webhook-signature': 'v2,abc' }, body)), 'no_matching_signature');
    assert.equal(await rejection(verifyWebhook(secret, { ...headers, 'webhook-signature': undefined }, body)), 'missing_headers');
    assert.equal(await rejection(verifyWebhook(secret, {}, body)), 'missing_headers');
    assert.equal(await rejection(verifyWebhook(secret, { ...headers, 'webhook-timestamp': 'yesterday' }, body)), 'invalid_timestamp');
    assert.equal(await rejection(verifyWebhook('not-a-secret', headers, body)), 'invalid_secret');
    const parsed = JSON.parse(body.toString()) as unknown as string;
    assert.equal(await rejection(verifyWebhook(secret, headers, parsed)), 'raw_body_required');
  });

  test('a signature older or newer than the tolerance is refused (replays)', async () => {
    const secret = newWebhookSecret();
    const old = signedWebhookHeaders({ id: 'msg_4', timestamp: now - 301, body }, [secret]);
    // The receiver's clock is pinned to `now`: on a busy machine seconds pass before this runs.
    assert.equal(await rejection(verifyWebhook(secret, old, body, { nowSec: now })), 'timestamp_too_old');
    assert.equal(independentlyVerified(secret, old, body, now), false);
    const future = signedWebhookHeaders({ id: 'msg_4', timestamp: now + 301, body }, [secret]);
    assert.equal(await rejection(verifyWebhook(secret, future, body, { nowSec: now })), 'timestamp_too_new');
    // A wider tolerance is the receiver's choice.
    await verifyWebhook(secret, old, body, { toleranceSec: 600, nowSec: now });
  });
});
