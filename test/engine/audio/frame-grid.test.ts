// The per-hop → per-frame step: where on the video frame grid a track sample or a lip closure lands,
// and how exactly a burst is placed in time.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { speechFeatures } from '../../../src/engine/audio/index.js';
import { burstOnset } from '../../../src/engine/audio/lip-release.js';
import { closuresToFrames, resampleToFrames, type FrameGrid, type HoldRule } from '../../../src/engine/audio/smoothing.js';
import { concat, RATE, silence, vowel, whiteNoise } from './speech-fixtures.js';

const HOP = 0.01;
const RULE: HoldRule = { minHoldFrames: 2, tweenFrames: 1 };

function grid(frameCount: number, leadSeconds = 0.02, fps = 25): FrameGrid {
  return { fps, frameCount, hopSeconds: HOP, leadSeconds };
}

function closures(events: Array<{ startHop: number; endHop: number; releaseSeconds?: number }>, frames = 50, fps = 25): number[] {
  const into = new Float32Array(frames);
  closuresToFrames(events, grid(frames, 0.02, fps), RULE, into);
  return Array.from(into);
}

describe('frame grid', () => {
  test('shows on frame k the track around k/fps + lead (a box one frame wide, centred there)', () => {
    // A step from 0 to 1 at 1.0 s: frame 24 (0.96 s + 20 ms lead → box 0.96–1.00 s) is all before it.
    const step = new Float32Array(200);
    step.fill(1, 100);
    const frames = resampleToFrames(step, grid(50), 0);
    assert.ok(frames[23] === 0, `frame 23: ${frames[23]}`);
    assert.ok(frames[24] > 0 && frames[24] < 0.2, `frame 24 straddles only the interpolation: ${frames[24]}`);
    assert.ok(frames[25] > 0.8 && frames[26] === 1, `frames 25, 26: ${frames[25]}, ${frames[26]}`);
  });

  test('holds a lip closure on every frame shown before its release, whatever the lead', () => {
    // Closure heard 0.895–1.013 s; release (burst) at 1.013 s.
    const c = closures([{ startHop: 90, endHop: 101, releaseSeconds: 1.013 }]);
    assert.equal(c[25], 1, 'frame 25 (1.00 s) is shown before the burst');
    assert.equal(c[26], 0.5, 'frame 26 (1.04 s) shows the lips parting');
    assert.equal(c[27], 0);
    // Closing leads by 20 ms: frame 22 (0.88 s) shows 0.90 s, inside the closure; frame 21 does not.
    assert.deepEqual(c.slice(21, 26), [0, 1, 1, 1, 1]);
  });

  test('lengthens a short closure earlier, never past its release', () => {
    const c = closures([{ startHop: 100, endHop: 102, releaseSeconds: 1.015 }]);
    assert.deepEqual(c.slice(23, 28), [0, 1, 1, 0.5, 0]);
  });

  test('keeps one open frame for a vowel heard between two closures that the lead would join', () => {
    // Release at 1.005 s, next closure from 1.055 s: 50 ms of vowel, one frame (1.04 s) to show it.
    const c = closures([
      { startHop: 90, endHop: 100, releaseSeconds: 1.005 },
      { startHop: 106, endHop: 115, releaseSeconds: 1.145 },
    ]);
    assert.equal(c[25], 1);
    assert.ok(c[26] < 1, `frame 26 (1.04 s) stays open: ${c[26]}`);
    assert.equal(c[27], 1);
  });
});

describe('burstOnset', () => {
  test('places a burst after silence within 2 ms, from the fine level track', () => {
    for (const at of [0.5, 0.5031, 0.5077]) {
      const burst = concat(whiteNoise(0.01, -30, 7), silence(0.02), vowel({ formants: [700, 1200], durationS: 0.2 }));
      const features = speechFeatures(concat(silence(at), burst, silence(0.3)), RATE);
      const found = burstOnset(features, Math.round(at / HOP) * HOP);
      assert.ok(found !== null && Math.abs(found - at) <= 0.002, `burst at ${at} s found at ${found}`);
    }
  });

  test('finds no burst where the level does not jump', () => {
    const features = speechFeatures(concat(silence(0.2), vowel({ formants: [700, 1200], durationS: 0.6 })), RATE);
    assert.equal(burstOnset(features, 0.5), null);
  });
});
