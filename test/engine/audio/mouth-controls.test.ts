import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mouthControlsFromAudio, type MouthControls } from '../../../src/engine/audio/index.js';
import { concat, framesFor, RATE, silence, vowel, whiteNoise } from './speech-fixtures.js';

const FPS = 25;
const A = [700, 1200];
const EE = [300, 2300];
const OO = [300, 800];

function controls(samples: Float32Array, leadMs?: number, fps = FPS): MouthControls {
  return mouthControlsFromAudio(samples, RATE, { fps, frameCount: framesFor(samples, fps), leadMs });
}

function frameAt(seconds: number, fps = FPS): number {
  return Math.floor(seconds * fps);
}

function range(values: Float32Array, from: number, to: number): number[] {
  return Array.from(values.subarray(from, to));
}

/** Longest run of frames with closure = 1 among frames [from, to). */
function longestFullClosure(c: MouthControls, from: number, to: number): number {
  let best = 0;
  let run = 0;
  for (let k = Math.max(0, from); k < Math.min(c.frameCount, to); k++) {
    run = c.closure[k] >= 0.999 ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

describe('mouthControlsFromAudio on synthetic signals', () => {
  test('keeps silence closed: jaw 0, lips together, no speech', () => {
    const c = controls(silence(2));
    assert.equal(c.frameCount, 50);
    assert.ok(c.jaw.every((v) => v === 0));
    assert.ok(c.closure.every((v) => v === 1));
    assert.ok(c.speech.every((v) => v === 0));
    assert.ok(c.spread.every((v) => v === 0) && c.labiodental.every((v) => v === 0));
  });

  test('opens the jaw on a vowel onset within one frame, never later', () => {
    for (const onset of [1.0, 1.013, 1.027]) {
      const c = controls(concat(silence(onset), vowel({ formants: A, durationS: 0.6 }), silence(0.6)));
      const first = c.jaw.findIndex((v) => v >= 0.5);
      const onsetFrame = frameAt(onset);
      assert.ok(first >= onsetFrame - 2 && first <= onsetFrame + 1, `onset ${onset}s: frame ${first}, audio frame ${onsetFrame}`);
      assert.ok(c.jaw[onsetFrame + 1] > 0.8);
      assert.ok(range(c.jaw, 0, onsetFrame - 3).every((v) => v < 0.05), 'no opening long before the sound');
    }
  });

  test('closes the jaw within 100 ms of an abrupt stop and returns to rest', () => {
    const end = 1.6;
    const c = controls(concat(silence(1), vowel({ formants: A, durationS: 0.6 }), silence(0.8)));
    const after = Math.ceil((end + 0.1) * FPS);
    assert.ok(c.jaw[frameAt(end) - 2] > 0.8, 'open just before the stop');
    for (let k = after; k < c.frameCount; k++) {
      assert.ok(c.jaw[k] < 0.1, `frame ${k} jaw ${c.jaw[k]}`);
      assert.equal(c.closure[k], 1);
      assert.equal(c.speech[k], 0);
    }
  });

  test('spreads the lips for ee (300/2300 Hz) and rounds them for oo (300/800 Hz)', () => {
    const meanSpread = (formants: number[]): number => {
      const c = controls(concat(silence(0.5), vowel({ formants, durationS: 0.6 }), silence(0.5)));
      const frames = range(c.spread, frameAt(0.6), frameAt(1.0));
      return frames.reduce((a, b) => a + b, 0) / frames.length;
    };
    const ee = meanSpread(EE);
    const oo = meanSpread(OO);
    const a = meanSpread(A);
    assert.ok(ee > 0.5, `ee spread ${ee}`);
    assert.ok(oo < -0.5, `oo spread ${oo}`);
    assert.ok(Math.abs(a) < 0.3, `a should stay near neutral, got ${a}`);
  });

  test("opens the jaw widest for 'a' and less for 'ee' and 'oo' at the same loudness", () => {
    const parts = [A, EE, OO].map((formants) => concat(vowel({ formants, durationS: 0.4 }), silence(0.4)));
    const c = controls(concat(silence(0.4), ...parts));
    const peakIn = (start: number): number => Math.max(...range(c.jaw, frameAt(start), frameAt(start + 0.4)));
    const [a, ee, oo] = [0.4, 1.2, 2.0].map(peakIn);
    assert.ok(a > 0.9, `a ${a}`);
    // Closed vowels still part the lips visibly (a detector must see a loud 'u' as open), so the
    // difference is moderate: at least 15 % less than 'a'.
    assert.ok(ee < 0.85 * a && oo < 0.85 * a, `a ${a}, ee ${ee}, oo ${oo}`);
    assert.ok(ee > 0.4 * a && oo > 0.4 * a, `closed vowels still open: a ${a}, ee ${ee}, oo ${oo}`);
  });

  test('closes the lips fully for at least two frames across an 80 ms stop gap between vowels', () => {
    for (const start of [0.8, 0.813, 0.829]) {
      const clip = concat(silence(start - 0.3), vowel({ formants: A, durationS: 0.3 }), silence(0.08), vowel({ formants: A, durationS: 0.3 }), silence(0.5));
      const c = controls(clip);
      const gapFrame = frameAt(start);
      assert.ok(longestFullClosure(c, gapFrame - 2, gapFrame + 4) >= 2, `gap at ${start}s: ${range(c.closure, gapFrame - 2, gapFrame + 4)}`);
      assert.ok(range(c.speech, gapFrame - 2, gapFrame + 4).every((v) => v === 1), 'a stop is not a pause');
      assert.ok(c.closure[gapFrame - 4] === 0 && c.closure[gapFrame + 6] === 0, 'lips open in the vowels');
    }
  });

  test('does not snap to rest inside speech on a short stretch of quiet noise (a weak consonant)', () => {
    const a = vowel({ formants: A, durationS: 0.3 });
    const c = controls(concat(silence(0.5), a, whiteNoise(0.12, -40), a, silence(0.5)));
    for (let k = frameAt(0.8); k < frameAt(0.92); k++) {
      assert.equal(c.closure[k], 0, `frame ${k}`);
      assert.equal(c.speech[k], 1, `frame ${k}`);
    }
  });

  test('returns to rest (lips together, jaw down) in a 400 ms pause', () => {
    const a = vowel({ formants: A, durationS: 0.3 });
    const c = controls(concat(silence(0.5), a, silence(0.4), a, silence(0.5)));
    for (let k = frameAt(0.95); k < frameAt(1.15); k++) {
      assert.equal(c.closure[k], 1, `frame ${k}`);
      assert.ok(c.jaw[k] < 0.05, `frame ${k} jaw ${c.jaw[k]}`);
    }
  });

  test('pads frames past the end of the audio with the rest pose, and truncates to frameCount', () => {
    const clip = concat(silence(0.3), vowel({ formants: A, durationS: 0.7 }));
    const long = mouthControlsFromAudio(clip, RATE, { fps: FPS, frameCount: 60 });
    assert.equal(long.jaw.length, 60);
    for (let k = 30; k < 60; k++) assert.ok(long.jaw[k] === 0 && long.closure[k] === 1 && long.speech[k] === 0);
    const short = mouthControlsFromAudio(clip, RATE, { fps: FPS, frameCount: 10 });
    assert.deepEqual(short.jaw, long.jaw.subarray(0, 10));
  });

  test('fills every track with exactly frameCount values in range, at any frame rate', () => {
    const clip = concat(silence(0.3), vowel({ formants: A, durationS: 0.3 }), silence(0.08), vowel({ formants: EE, durationS: 0.3 }), silence(0.3));
    for (const fps of [24, 25, 30, 60]) {
      const c = controls(clip, undefined, fps);
      assert.equal(c.fps, fps);
      for (const track of [c.jaw, c.spread, c.closure, c.labiodental, c.speech]) {
        assert.equal(track.length, c.frameCount);
        assert.ok(track.every((v) => Number.isFinite(v)));
      }
      assert.ok(c.jaw.every((v) => v >= 0 && v <= 1) && c.closure.every((v) => v >= 0 && v <= 1));
      assert.ok(c.spread.every((v) => v >= -1 && v <= 1) && c.speech.every((v) => v >= 0 && v <= 1));
      const stop = Math.floor(0.6 * fps);
      assert.ok(longestFullClosure(c, stop - 3, stop + 5) >= 2, `fps ${fps}`);
    }
  });

  test('leads the audio by leadMs: 40 ms at 25 fps is exactly one frame earlier than 0 ms', () => {
    const clip = concat(silence(0.5), vowel({ formants: A, durationS: 0.4 }), silence(0.5));
    const none = controls(clip, 0);
    const lead = controls(clip, 40);
    for (let k = 0; k + 1 < none.frameCount; k++) assert.ok(Math.abs(lead.jaw[k] - none.jaw[k + 1]) < 1e-6, `frame ${k}`);
    assert.deepEqual(controls(clip, 500).jaw, lead.jaw, 'lead is capped at 40 ms');
    assert.deepEqual(controls(clip, -10).jaw, none.jaw, 'the mouth never trails');
  });

  test('is deterministic', () => {
    const clip = concat(silence(0.3), vowel({ formants: A, durationS: 0.3 }), whiteNoise(0.1, -35, 3), vowel({ formants: OO, durationS: 0.3 }));
    assert.deepEqual(controls(clip), controls(clip));
  });

  test('rejects a frame rate or frame count that makes no sense', () => {
    const clip = vowel({ formants: A, durationS: 0.3 });
    assert.throws(() => mouthControlsFromAudio(clip, RATE, { fps: 0, frameCount: 10 }), RangeError);
    assert.throws(() => mouthControlsFromAudio(clip, RATE, { fps: 25, frameCount: 2.5 }), RangeError);
  });
});
