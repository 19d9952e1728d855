import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { billedSeconds, creditsFor, minimumCharge, outputSecondsFor, resolutionOf } from '../../src/billing/index.js';

describe('pricing', () => {
  test('480p costs 2 credits per second and 720p 4', () => {
    assert.equal(creditsFor('480p', 10), 20);
    assert.equal(creditsFor('720p', 10), 40);
  });

  test('seconds are rounded up: 6.36 s is billed as 7 s', () => {
    assert.equal(billedSeconds(6.36), 7);
    assert.equal(creditsFor('480p', 6.36), 14);
    assert.equal(creditsFor('720p', 6.01), 28);
  });

  test('a whole number of seconds is not rounded up by float noise or decoder padding below 1 ms', () => {
    assert.equal(billedSeconds(6), 6);
    assert.equal(billedSeconds(96000 / 16000), 6);
    assert.equal(billedSeconds(6.0000625), 6);
    assert.equal(billedSeconds(6.002), 7);
  });

  test('every job is billed at least 5 s', () => {
    assert.equal(creditsFor('480p', 0.4), 10);
    assert.equal(creditsFor('720p', 4.99), 20);
    assert.equal(creditsFor('480p', 5), 10);
    assert.equal(creditsFor('480p', 5.2), 12);
    assert.equal(minimumCharge('480p'), 10);
    assert.equal(minimumCharge('720p'), 20);
  });

  test('lipsync-image and lipsync-video are priced on the audio’s length', () => {
    assert.equal(outputSecondsFor('lipsync-image', { audio: 8.5 }), 8.5);
    assert.equal(outputSecondsFor('lipsync-video', { audio: 12 }), 12);
  });

  test('lipsync-image-multi: the longer track when both play at once, the sum when they take turns', () => {
    const tracks = { left_audio: 6, right_audio: 9.5 };
    assert.equal(outputSecondsFor('lipsync-image-multi', tracks, 'meanwhile'), 9.5);
    assert.equal(outputSecondsFor('lipsync-image-multi', tracks), 9.5, 'meanwhile is the default order');
    assert.equal(outputSecondsFor('lipsync-image-multi', tracks, 'left_right'), 15.5);
    assert.equal(outputSecondsFor('lipsync-image-multi', tracks, 'right_left'), 15.5);
  });

  test('the resolution defaults to 480p', () => {
    assert.equal(resolutionOf({}), '480p');
    assert.equal(resolutionOf({ resolution: '720p' }), '720p');
  });
});
