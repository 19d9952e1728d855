import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, startMediaServer } from '../e2e/harness.js';
import { get, post, startTestApp, type TestApp } from './test-app.js';

describe('POST /api/v1/estimate', () => {
  let t: TestApp;
  let media: Awaited<ReturnType<typeof startMediaServer>>;
  const url = (path: string) => `${media.baseUrl}${path}`;

  before(async () => {
    media = await startMediaServer({
      '/speech-en.mp3': { body: fixture('speech-en.mp3'), contentType: 'audio/mpeg' },
      '/speech-it.mp3': { body: fixture('speech-it.mp3'), contentType: 'audio/mpeg' },
      '/noise.wav': { body: fixture('noise.wav'), contentType: 'audio/wav' },
      '/not-media.mp3': { body: fixture('not-media.mp3'), contentType: 'audio/mpeg' },
      '/face.jpg': { body: fixture('portrait-hopper.jpg'), contentType: 'image/jpeg' },
    });
    t = await startTestApp({ allowPrivateUrls: true });
  });
  after(async () => {
    await t.close();
    await media.close();
  });

  const estimate = (body: unknown) => post(t, '/api/v1/estimate', body);

  test('prices lipsync-image on the measured audio: 6.4 s at 720p is 7 s × 4 = 28 credits, and no job is made', async () => {
    const jobsBefore = (await get(t, '/api/v1/jobs')).json().data.length;
    const response = await estimate({
      model: 'lipsync-image',
      formState: { image: url('/face.jpg'), audio: url('/speech-en.mp3'), resolution: '720p' },
    });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json();
    assert.ok(body.outputSeconds > 6 && body.outputSeconds < 7, `outputSeconds ${body.outputSeconds}`);
    assert.deepEqual(
      { ...body, outputSeconds: undefined },
      {
        model: 'lipsync-image',
        resolution: '720p',
        outputSeconds: undefined,
        billedSeconds: 7,
        creditsPerSecond: 4,
        credits: 28,
        balance: 'api',
        available: 1_000_000,
        sufficient: true,
      },
    );
    assert.equal((await get(t, '/api/v1/jobs')).json().data.length, jobsBefore);
  });

  test('a track shorter than 5 s is billed the 5 s minimum; 480p is the default', async () => {
    const body = (await estimate({ model: 'lipsync-image', formState: { image: url('/face.jpg'), audio: url('/noise.wav') } })).json();
    assert.equal(body.resolution, '480p');
    assert.equal(body.outputSeconds, 3);
    assert.equal(body.billedSeconds, 5);
    assert.equal(body.credits, 10);
  });

  test('lipsync-video is priced on the audio only (the video is not even fetched)', async () => {
    const response = await estimate({
      model: 'lipsync-video',
      formState: { video: url('/missing.mp4'), audio: url('/speech-it.mp3'), sync_mode: 'loop' },
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().billedSeconds, 6);
    assert.equal(response.json().credits, 12);
  });

  test('lipsync-image-multi: the longer track for meanwhile, the sum for left_right', async () => {
    const formState = { image: url('/face.jpg'), left_audio: url('/speech-en.mp3'), right_audio: url('/speech-it.mp3') };
    const meanwhile = (await estimate({ model: 'lipsync-image-multi', formState })).json();
    const turns = (await estimate({ model: 'lipsync-image-multi', formState: { ...formState, order: 'left_right' } })).json();
    assert.equal(meanwhile.billedSeconds, 7);
    assert.equal(turns.billedSeconds, 13, '6.4 s + 5.6 s = 12.1 s, rounded up');
    assert.equal(turns.credits, 26);
  });

  test('sufficient is false when the API balance does not cover the cost', async () => {
    const balance = (await t.temp.store.credits.balances(t.accountA.id)).api;
    await t.temp.store.credits.grant(t.accountA.id, { balance: 'api', amount: 20 - balance, note: 'leave 20' });
    try {
      const body = (await estimate({ model: 'lipsync-image', formState: { image: url('/face.jpg'), audio: url('/speech-en.mp3'), resolution: '720p' } })).json();
      assert.equal(body.available, 20);
      assert.equal(body.sufficient, false);
    } finally {
      await t.temp.store.credits.grant(t.accountA.id, { balance: 'api', amount: balance - 20, note: 'restore' });
    }
  });

  test('the body is validated like the POST of its model, naming the field', async () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [{ formState: {} }, 'model', /model is required/],
      [{ model: 'lipsync-x', formState: {} }, 'model', /must be one of/],
      [{ model: 'lipsync-image' }, 'formState', /formState is required/],
      [{ model: 'lipsync-image', formState: { image: url('/face.jpg') } }, 'formState.audio', /formState.audio is required/],
      [{ model: 'lipsync-image', formState: { image: url('/face.jpg'), audio: 'ftp://x/a.mp3' } }, 'formState.audio', /http or https URL/],
      [{ model: 'lipsync-image', formState: { image: url('/face.jpg'), audio: url('/a.mp3'), resolutoin: '720p' } }, 'formState.resolutoin', /not a known field/],
      [{ model: 'lipsync-video', formState: { video: url('/v.mp4'), audio: url('/a.mp3'), seed: 2147483648 } }, 'formState.seed', /between -1 and 2147483647/],
      [{ model: 'lipsync-image-multi', formState: { image: url('/f.jpg'), left_audio: url('/a.mp3') } }, 'formState.right_audio', /is required/],
      [{ model: 'lipsync-image-multi', formState: { image: url('/f.jpg'), left_audio: url('/a.mp3'), right_audio: url('/a.mp3'), order: 'both' } }, 'formState.order', /"meanwhile", "left_right", "right_left"/],
    ];
    for (const [body, field, message] of cases) {
      const response = await estimate(body);
      assert.equal(response.statusCode, 400, JSON.stringify(body));
      assert.equal(response.json().error.field, field, JSON.stringify(body));
      assert.match(response.json().error.message, message, JSON.stringify(body));
    }
  });

  test('media that cannot be fetched or measured is 422 naming the field', async () => {
    const missing = await estimate({ model: 'lipsync-image', formState: { image: url('/face.jpg'), audio: url('/nothing.mp3') } });
    assert.equal(missing.statusCode, 422);
    assert.equal(missing.json().error.field, 'formState.audio');
    assert.equal(missing.json().error.code, 'fetch_failed');
    assert.match(missing.json().error.message, /HTTP 404/);
    const garbage = await estimate({ model: 'lipsync-image', formState: { image: url('/face.jpg'), audio: url('/not-media.mp3') } });
    assert.equal(garbage.statusCode, 422);
    assert.equal(garbage.json().error.code, 'invalid_media');
    const right = await estimate({
      model: 'lipsync-image-multi',
      formState: { image: url('/face.jpg'), left_audio: url('/speech-en.mp3'), right_audio: url('/gone.wav') },
    });
    assert.equal(right.json().error.field, 'formState.right_audio', right.body);
  });

  test('the SSRF guard applies: a loopback URL is refused where private URLs are not allowed', async () => {
    const strict = await startTestApp({ allowPrivateUrls: false });
    try {
      const response = await post(strict, '/api/v1/estimate', { model: 'lipsync-image', formState: { image: url('/face.jpg'), audio: url('/speech-en.mp3') } });
      assert.equal(response.statusCode, 422);
      assert.equal(response.json().error.code, 'blocked_address');
      assert.equal(response.json().error.field, 'formState.audio');
    } finally {
      await strict.close();
    }
  });
});
