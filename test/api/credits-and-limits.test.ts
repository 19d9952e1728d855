import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKeyService } from '../../src/accounts/index.js';
import { createAccount } from '../store/temp-store.js';
import { AUDIO, IMAGE, get, post, startTestApp, type TestApp } from './test-app.js';

const form = (extra: Record<string, unknown> = {}) => ({ formState: { image: IMAGE, audio: AUDIO, ...extra } });

describe('GET /api/v1/account', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('answers the account id, both balances, what is held, and no plan', async () => {
    const response = await get(t, '/api/v1/account');
    assert.equal(response.statusCode, 200);
    const { id, plan, apiCredits, userCredits, heldCredits } = response.json();
    assert.deepEqual({ id, plan, apiCredits, userCredits, heldCredits }, {
      id: t.accountA.id,
      plan: null,
      apiCredits: 1_000_000,
      userCredits: 1_000_000,
      heldCredits: { api: 0, user: 0 },
    });
    assert.equal((await get(t, '/api/v1/account', t.keyB)).json().id, t.accountB.id);
    assert.equal((await get(t, '/api/v1/account', null)).statusCode, 401);
  });
});

describe('credits at submit', () => {
  let t: TestApp;
  let poorKey: string;
  before(async () => {
    t = await startTestApp();
    // 15 API credits: enough for a 480p minimum (10), not for a 720p one (20). Plenty of user
    // credits, which API calls never spend.
    const poor = await createAccount(t.temp.store, false, { api: 15, user: 10_000 });
    poorKey = (await new ApiKeyService(t.temp.store.apiKeys).create(poor.id, 'poor')).key;
  });
  after(() => t.close());

  test('a balance below the minimum charge of the requested resolution is 402 in the error shape', async () => {
    const refused = await post(t, '/api/v1/lipsync-image', form({ resolution: '720p' }), poorKey);
    assert.equal(refused.statusCode, 402);
    assert.deepEqual(refused.json(), {
      error: {
        code: 'insufficient_credits',
        message: 'Insufficient credits: a job at this resolution costs at least 20 credits, the API balance is 15',
        field: null,
      },
    });
    const accepted = await post(t, '/api/v1/lipsync-image', form({ resolution: '480p' }), poorKey);
    assert.equal(accepted.statusCode, 200, 'the 480p minimum (5 s × 2) fits');
  });

  test('the 402 applies to every model, and user credits never pay for API calls', async () => {
    const video = await post(t, '/api/v1/lipsync-video', { formState: { video: IMAGE, audio: AUDIO, resolution: '720p' } }, poorKey);
    const multi = await post(t, '/api/v1/lipsync-image-multi', { formState: { image: IMAGE, left_audio: AUDIO, right_audio: AUDIO, resolution: '720p' } }, poorKey);
    assert.equal(video.statusCode, 402);
    assert.equal(multi.statusCode, 402);
  });
});

describe('per-account concurrency limit', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ maxProcessingJobsPerAccount: 2 });
  });
  after(() => t.close());

  test('a submit beyond the processing jobs allowed is 429 with Retry-After; other accounts are not affected', async () => {
    const first = await post(t, '/api/v1/lipsync-image', form());
    assert.equal(first.statusCode, 200);
    assert.equal((await post(t, '/api/v1/lipsync-image', form())).statusCode, 200);
    const third = await post(t, '/api/v1/lipsync-image', form());
    assert.equal(third.statusCode, 429);
    assert.equal(third.headers['retry-after'], '10');
    assert.equal(third.json().error.code, 'too_many_processing_jobs');
    assert.match(third.json().error.message, /already has 2 jobs processing/);
    assert.equal((await post(t, '/api/v1/lipsync-image', form(), t.keyB)).statusCode, 200);

    await post(t, `/api/v1/jobs/${first.json().id}/cancel`, '');
    assert.equal((await post(t, '/api/v1/lipsync-image', form())).statusCode, 200, 'a finished job frees a place');
  });
});

describe('per-key rate limit', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ rateLimitPerMinute: 3 });
  });
  after(() => t.close());

  test('requests beyond the limit per minute are 429 with Retry-After, counted per API key', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await get(t, '/api/v1/account')).statusCode, 200);
    const limited = await get(t, '/api/v1/jobs');
    assert.equal(limited.statusCode, 429);
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${limited.headers['retry-after']}`);
    assert.equal(limited.json().error.code, 'rate_limited');
    assert.match(limited.json().error.message, /3 requests per minute/);
    assert.deepEqual(Object.keys(limited.json().error), ['code', 'message', 'field']);
    assert.equal((await get(t, '/api/v1/account', t.keyB)).statusCode, 200, 'another key has its own budget');
    assert.equal((await get(t, '/healthz', null)).statusCode, 200, 'only /api/v1 is limited');
  });
});
