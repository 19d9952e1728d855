import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AUDIO, IMAGE, startTestApp, type TestApp } from './test-app.js';

describe('Idempotency-Key on the POSTs', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const submit = (path: string, body: unknown, key?: string, apiKey = t.keyA) =>
    t.app.inject({
      method: 'POST',
      url: path,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${apiKey}`,
        ...(key === undefined ? {} : { 'idempotency-key': key }),
      },
      payload: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const body = { formState: { image: IMAGE, audio: AUDIO, resolution: '720p', seed: 7 } };

  test('the same key and body answer the same job (200, same id) and create nothing new', async () => {
    const first = await submit('/api/v1/lipsync-image', body, 'order-1001');
    const queuedAfterFirst = t.queuedNotifications;
    const second = await submit('/api/v1/lipsync-image', body, 'order-1001');
    assert.equal(first.statusCode, 200);
    assert.equal(second.statusCode, 200);
    assert.deepEqual(second.json(), first.json());
    assert.equal(second.headers['idempotent-replayed'], 'true');
    assert.equal(first.headers['idempotent-replayed'], undefined);
    assert.equal(t.queuedNotifications, queuedAfterFirst, 'no new job was queued');
  });

  test('the same body written differently (key order, spacing, the default spelled out) is the same request', async () => {
    const first = await submit('/api/v1/lipsync-image', { formState: { image: IMAGE, audio: AUDIO } }, 'order-1002');
    const reordered = `{ "formState": { "resolution": "480p", "audio": "${AUDIO}", "image": "${IMAGE}" } }`;
    const second = await submit('/api/v1/lipsync-image', reordered, 'order-1002');
    assert.equal(second.statusCode, 200);
    assert.equal(second.json().id, first.json().id);
  });

  test('the same key with a different body is 422 naming Idempotency-Key', async () => {
    await submit('/api/v1/lipsync-image', body, 'order-1003');
    const changed = await submit('/api/v1/lipsync-image', { formState: { ...body.formState, seed: 8 } }, 'order-1003');
    assert.equal(changed.statusCode, 422);
    assert.equal(changed.json().error.code, 'idempotency_key_reused');
    assert.equal(changed.json().error.field, 'Idempotency-Key');
    const webhookAdded = await submit('/api/v1/lipsync-image', { ...body, webhook: 'https://hooks.example.com/x' }, 'order-1003');
    assert.equal(webhookAdded.statusCode, 422);
    const otherEndpoint = await submit('/api/v1/lipsync-video', { formState: { video: IMAGE, audio: AUDIO } }, 'order-1003');
    assert.equal(otherEndpoint.statusCode, 422, 'the endpoint is part of the request');
  });

  test('without the header, or with another key, every POST is a new job', async () => {
    const a = await submit('/api/v1/lipsync-image', body);
    const b = await submit('/api/v1/lipsync-image', body);
    const c = await submit('/api/v1/lipsync-image', body, 'order-1004');
    const d = await submit('/api/v1/lipsync-image', body, 'order-1005');
    assert.equal(new Set([a, b, c, d].map((r) => r.json().id)).size, 4);
  });

  test('keys are per account: another account using the same key gets its own job', async () => {
    const mine = await submit('/api/v1/lipsync-image', body, 'shared-key');
    const theirs = await submit('/api/v1/lipsync-image', body, 'shared-key', t.keyB);
    assert.equal(theirs.statusCode, 200);
    assert.notEqual(theirs.json().id, mine.json().id);
  });

  test('works on all three POSTs', async () => {
    const video = { formState: { video: 'https://m.example.com/v.mp4', audio: AUDIO } };
    const multi = { formState: { image: IMAGE, left_audio: AUDIO, right_audio: AUDIO, order: 'left_right' } };
    for (const [path, payload] of [['/api/v1/lipsync-video', video], ['/api/v1/lipsync-image-multi', multi]] as const) {
      const first = await submit(path, payload, `k-${path}`);
      const again = await submit(path, payload, `k-${path}`);
      assert.equal(again.json().id, first.json().id, path);
    }
  });

  test('a replay is answered even when a fresh submission would be refused (no double charge check)', async () => {
    const first = await submit('/api/v1/lipsync-image', body, 'order-1006');
    // Drain the balance: a new job would now be a 402, the replay is still the first job.
    const { balances } = { balances: await t.temp.store.credits.balances(t.accountA.id) };
    await t.temp.store.credits.grant(t.accountA.id, { balance: 'api', amount: -balances.api, note: 'drain' });
    try {
      const replay = await submit('/api/v1/lipsync-image', body, 'order-1006');
      assert.equal(replay.statusCode, 200);
      assert.equal(replay.json().id, first.json().id);
      assert.equal((await submit('/api/v1/lipsync-image', body, 'order-1007')).statusCode, 402);
    } finally {
      await t.temp.store.credits.grant(t.accountA.id, { balance: 'api', amount: balances.api, note: 'refill' });
    }
  });

  test('an empty, over-long or non-ASCII key is 400 naming Idempotency-Key', async () => {
    for (const key of ['x'.repeat(256), 'has space', 'clé']) {
      const response = await submit('/api/v1/lipsync-image', body, key);
      assert.equal(response.statusCode, 400, key);
      assert.equal(response.json().error.field, 'Idempotency-Key', key);
    }
  });
});
