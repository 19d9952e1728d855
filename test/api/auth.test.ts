import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKeyService, parseApiKey } from '../../src/accounts/index.js';
import { AUDIO, IMAGE, get, post, startTestApp, type TestApp } from './test-app.js';

describe('API key authentication', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const body = { formState: { image: IMAGE, audio: AUDIO } };

  async function assert401(response: Awaited<ReturnType<typeof post>>, message: RegExp) {
    assert.equal(response.statusCode, 401);
    const json = response.json();
    assert.deepEqual(Object.keys(json), ['error']);
    assert.equal(json.error.code, 'unauthorized');
    assert.match(json.error.message, message);
    assert.equal(json.error.field, null);
  }

  test('a request without an Authorization header is 401', async () => {
    await assert401(await post(t, '/api/v1/lipsync-image', body, null), /Missing API key/);
  });

  test('a non-Bearer Authorization header is 401', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/jobs/00000000-0000-4000-8000-000000000000',
      headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
    });
    await assert401(response, /Bearer/);
  });

  test('a malformed key is 401', async () => {
    await assert401(await post(t, '/api/v1/lipsync-image', body, 'sk_live_123'), /malformed/);
  });

  test('an unknown key, or a known key id with a wrong secret, is 401', async () => {
    await assert401(await post(t, '/api/v1/lipsync-image', body, 'sk_abcdefghij_' + 'x'.repeat(32)), /not valid/);
    const { keyId } = parseApiKey(t.keyA)!;
    await assert401(await post(t, '/api/v1/lipsync-image', body, `sk_${keyId}_${'y'.repeat(32)}`), /not valid/);
  });

  test('a revoked key is 401, from the next request on', async () => {
    const service = new ApiKeyService(t.temp.store.apiKeys);
    const { key, record } = await service.create(t.accountA.id, 'to revoke');
    assert.equal((await post(t, '/api/v1/lipsync-image', body, key)).statusCode, 200);
    await service.revoke(record.keyId);
    await assert401(await post(t, '/api/v1/lipsync-image', body, key), /revoked/);
  });

  test('authentication is checked before the body: an anonymous invalid body is 401, not 400', async () => {
    await assert401(await post(t, '/api/v1/lipsync-image', '{not json', null), /Missing API key/);
  });

  test('/healthz and unknown routes need no key; unknown routes answer 404 in the error shape', async () => {
    assert.equal((await get(t, '/healthz', null)).statusCode, 200);
    const response = await get(t, '/nope', null);
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().error.code, 'not_found');
  });
});
