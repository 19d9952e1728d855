// Every field of all three POSTs, against the contract's table: type, enum, URL scheme, range,
// required-ness and unknown-field rejection, each answered 400 naming the field.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AUDIO, IMAGE, post, startTestApp, type TestApp } from './test-app.js';

const VIDEO = 'https://media.example.com/clip.mp4';
const ENDPOINTS: Record<string, Record<string, unknown>> = {
  'lipsync-image': { image: IMAGE, audio: AUDIO },
  'lipsync-video': { video: VIDEO, audio: AUDIO },
  'lipsync-image-multi': { image: IMAGE, left_audio: AUDIO, right_audio: AUDIO },
};

describe('validation of every field of the three POSTs', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  async function expect400(model: string, body: unknown, field: string | null, message: RegExp) {
    const response = await post(t, `/api/v1/${model}`, body);
    assert.equal(response.statusCode, 400, `${model} ${JSON.stringify(body)}: ${response.body}`);
    assert.equal(response.json().error.code, 'invalid_request');
    assert.equal(response.json().error.field, field, `${model} ${JSON.stringify(body)}`);
    assert.match(response.json().error.message, message, `${model} ${JSON.stringify(body)}`);
  }

  for (const [model, required] of Object.entries(ENDPOINTS)) {
    describe(model, () => {
      const withField = (name: string, value: unknown) => ({ formState: { ...required, [name]: value } });

      test('accepts every optional field at its limits', async () => {
        const extras: Record<string, unknown> = {
          resolution: '720p',
          mask_image: 'https://media.example.com/mask.png',
          prompt: 'p'.repeat(2000),
          seed: 2147483647,
          ...(model === 'lipsync-video' ? { sync_mode: 'cut_off', on_no_face: 'fail' } : {}),
          ...(model === 'lipsync-image-multi' ? { order: 'right_left' } : {}),
        };
        const response = await post(t, `/api/v1/${model}`, { webhook: 'https://hooks.example.com/a', formState: { ...required, ...extras } });
        assert.equal(response.statusCode, 200, response.body);
      });

      test('each required media field is required and must be an http(s) URL string', async () => {
        for (const name of Object.keys(required)) {
          const { [name]: _dropped, ...rest } = required;
          await expect400(model, { formState: rest }, `formState.${name}`, /is required/);
          await expect400(model, withField(name, 'gopher://x.example/a'), `formState.${name}`, /http or https URL/);
          await expect400(model, withField(name, ''), `formState.${name}`, /http or https URL/);
          await expect400(model, withField(name, ['https://x.example/a']), `formState.${name}`, /must be a string/);
        }
      });

      test('resolution, seed, mask_image and prompt are checked like everywhere else', async () => {
        await expect400(model, withField('resolution', '1080p'), 'formState.resolution', /"480p", "720p"/);
        await expect400(model, withField('seed', -2), 'formState.seed', /between -1 and 2147483647/);
        await expect400(model, withField('seed', 2147483648), 'formState.seed', /between -1 and 2147483647/);
        await expect400(model, withField('seed', 4.2), 'formState.seed', /integer/);
        await expect400(model, withField('mask_image', 'file:///mask.png'), 'formState.mask_image', /http or https URL/);
        await expect400(model, withField('prompt', 42), 'formState.prompt', /must be a string/);
      });

      test('unknown formState fields are 400s naming them; formState and webhook have the right types', async () => {
        await expect400(model, withField('sed', 1), 'formState.sed', /is not a known field/);
        await expect400(model, { formState: 'image=x' }, 'formState', /must be an object/);
        await expect400(model, { formState: required, webhook: 'ftp://hooks.example.com' }, 'webhook', /http or https URL/);
        await expect400(model, { formState: required, webhook: 'http://hooks.example.com/a' }, 'webhook', /https/);
      });
    });
  }

  test('fields of one endpoint are unknown on the others', async () => {
    await expect400('lipsync-image', { formState: { ...ENDPOINTS['lipsync-image'], order: 'meanwhile' } }, 'formState.order', /not a known field/);
    await expect400('lipsync-image', { formState: { ...ENDPOINTS['lipsync-image'], left_audio: AUDIO } }, 'formState.left_audio', /not a known field/);
    await expect400('lipsync-image-multi', { formState: { ...ENDPOINTS['lipsync-image-multi'], sync_mode: 'loop' } }, 'formState.sync_mode', /not a known field/);
    await expect400('lipsync-video', { formState: { ...ENDPOINTS['lipsync-video'], order: 'meanwhile' } }, 'formState.order', /not a known field/);
  });
});
