import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AUDIO, IMAGE, post, startTestApp, type TestApp } from './test-app.js';

describe('request validation', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  /** Submits to lipsync-image and expects a 400 naming `field`, with a message matching `message`. */
  async function rejects(body: unknown, field: string | null, message: RegExp, path = '/api/v1/lipsync-image') {
    const response = await post(t, path, body);
    assert.equal(response.statusCode, 400, response.body);
    const json = response.json();
    assert.deepEqual(Object.keys(json), ['error']);
    assert.deepEqual(Object.keys(json.error), ['code', 'message', 'field']);
    assert.equal(json.error.code, 'invalid_request');
    assert.equal(json.error.field, field);
    assert.match(json.error.message, message);
  }
  const form = (extra: Record<string, unknown> = {}) => ({ formState: { image: IMAGE, audio: AUDIO, ...extra } });
  const without = (name: string) => {
    const f = form().formState as Record<string, unknown>;
    delete f[name];
    return { formState: f };
  };

  test('accepts the contract example and answers {id: UUID, status: "processing"}', async () => {
    const response = await post(t, '/api/v1/lipsync-image', form({ resolution: '720p', seed: 42 }));
    assert.equal(response.statusCode, 200);
    const json = response.json();
    assert.deepEqual(Object.keys(json).sort(), ['id', 'status']);
    assert.match(json.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(json.status, 'processing');
  });

  test('missing formState, image or audio is 400 "… is required"', async () => {
    await rejects({}, 'formState', /^formState is required$/);
    await rejects(without('image'), 'formState.image', /^formState.image is required$/);
    await rejects(without('audio'), 'formState.audio', /^formState.audio is required$/);
  });

  test('image and audio must be http(s) URLs', async () => {
    await rejects(form({ image: 'ftp://media.example.com/face.jpg' }), 'formState.image', /http or https URL/);
    await rejects(form({ audio: 'file:///etc/passwd' }), 'formState.audio', /http or https URL/);
    await rejects(form({ image: 'face.jpg' }), 'formState.image', /http or https URL/);
    await rejects(form({ audio: 42 }), 'formState.audio', /must be a string/);
  });

  test('resolution is "480p" or "720p", nothing else', async () => {
    await rejects(form({ resolution: '1080p' }), 'formState.resolution', /must be one of "480p", "720p"/);
    await rejects(form({ resolution: 720 }), 'formState.resolution', /must be one of/);
  });

  test('seed is an integer from -1 to 2147483647, never coerced from a string', async () => {
    await rejects(form({ seed: 2147483648 }), 'formState.seed', /between -1 and 2147483647/);
    await rejects(form({ seed: -2 }), 'formState.seed', /between -1 and 2147483647/);
    await rejects(form({ seed: 1.5 }), 'formState.seed', /must be an integer/);
    await rejects(form({ seed: '42' }), 'formState.seed', /must be an integer/);
    for (const seed of [-1, 0, 2147483647]) {
      assert.equal((await post(t, '/api/v1/lipsync-image', form({ seed }))).statusCode, 200, `seed ${seed}`);
    }
  });

  test('an unknown formState field is rejected, naming it (typos are caught)', async () => {
    await rejects(form({ resolutoin: '720p' }), 'formState.resolutoin', /^formState.resolutoin is not a known field$/);
    // A field of another endpoint is unknown here too.
    await rejects(form({ sync_mode: 'loop' }), 'formState.sync_mode', /is not a known field/);
  });

  test('mask_image must be an http(s) URL and prompt a string of at most 2000 characters', async () => {
    await rejects(form({ mask_image: 'data:image/png;base64,AAAA' }), 'formState.mask_image', /http or https URL/);
    await rejects(form({ prompt: 'x'.repeat(2001) }), 'formState.prompt', /at most 2000 characters/);
    await rejects(form({ prompt: ['smile'] }), 'formState.prompt', /must be a string/);
    const ok = await post(t, '/api/v1/lipsync-image', form({ mask_image: 'https://media.example.com/mask.png', prompt: 'calmo' }));
    assert.equal(ok.statusCode, 200);
  });

  test('webhook must be https (plain http only where private URLs are allowed)', async () => {
    await rejects({ ...form(), webhook: 'http://hooks.example.com/x' }, 'webhook', /^webhook must be an https URL$/);
    await rejects({ ...form(), webhook: 'not a url' }, 'webhook', /http or https URL/);
    assert.equal((await post(t, '/api/v1/lipsync-image', { ...form(), webhook: 'https://hooks.example.com/x' })).statusCode, 200);

    const lenient = await startTestApp({ allowPrivateUrls: true });
    try {
      const response = await post(lenient, '/api/v1/lipsync-image', { ...form(), webhook: 'http://127.0.0.1:9/hook' });
      assert.equal(response.statusCode, 200);
    } finally {
      await lenient.close();
    }
  });

  test('malformed JSON, an empty body and a body that is not an object are 400', async () => {
    await rejects('{"formState": {', null, /not valid JSON/);
    await rejects('', null, /empty/);
    await rejects('[1,2]', null, /must be a JSON object/);
  });

  test('a body over the size limit is 413 in the error shape', async () => {
    const response = await post(t, '/api/v1/lipsync-image', form({ prompt: 'x'.repeat(400_000) }));
    assert.equal(response.statusCode, 413);
    assert.equal(response.json().error.code, 'payload_too_large');
  });

  test('lipsync-video requires video and audio and knows sync_mode and on_no_face', async () => {
    const path = '/api/v1/lipsync-video';
    await rejects({ formState: { audio: AUDIO } }, 'formState.video', /formState.video is required/, path);
    await rejects({ formState: { video: IMAGE, audio: AUDIO, sync_mode: 'stretch' } }, 'formState.sync_mode', /"bounce", "loop", "cut_off", "silence"/, path);
    await rejects({ formState: { video: IMAGE, audio: AUDIO, on_no_face: 'skip' } }, 'formState.on_no_face', /"passthrough", "fail"/, path);
    await rejects({ formState: { video: IMAGE, audio: AUDIO, image: IMAGE } }, 'formState.image', /not a known field/, path);
    const ok = await post(t, path, { formState: { video: 'https://m.example.com/v.mp4', audio: AUDIO, sync_mode: 'loop', resolution: '720p', seed: 7 } });
    assert.equal(ok.statusCode, 200);
  });

  test('lipsync-image-multi requires image, left_audio and right_audio and knows order', async () => {
    const path = '/api/v1/lipsync-image-multi';
    await rejects({ formState: { image: IMAGE, left_audio: AUDIO } }, 'formState.right_audio', /is required/, path);
    await rejects({ formState: { image: IMAGE, left_audio: AUDIO, right_audio: AUDIO, order: 'random' } }, 'formState.order', /"meanwhile", "left_right", "right_left"/, path);
    await rejects({ formState: { image: IMAGE, audio: AUDIO, left_audio: AUDIO, right_audio: AUDIO } }, 'formState.audio', /not a known field/, path);
    const ok = await post(t, path, { formState: { image: IMAGE, left_audio: AUDIO, right_audio: AUDIO, order: 'left_right' } });
    assert.equal(ok.statusCode, 200);
  });

  test('a body that is not JSON is refused in the error shape: 415 for unknown types, 400 for text', async () => {
    const send = (contentType: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/lipsync-image',
        headers: { authorization: `Bearer ${t.keyA}`, 'content-type': contentType },
        payload: '<formState/>',
      });
    const xml = await send('application/xml');
    assert.equal(xml.statusCode, 415);
    assert.equal(xml.json().error.code, 'unsupported_media_type');
    const text = await send('text/plain');
    assert.equal(text.statusCode, 400);
    assert.equal(text.json().error.message, 'The request body must be a JSON object');
  });
});
