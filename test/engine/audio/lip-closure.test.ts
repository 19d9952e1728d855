// Lip closures against the video frame grid, on speech whose m/b/p onsets are known by
// construction (test/fixtures/bilabials.wav and eval/labials-dense.flac: syllables synthesised one by
// one and joined with silences of known length). A frame is shown from k/fps on, so "closed before
// the onset" means closed on every frame whose time k/fps comes before it.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mouthControlsFromAudio, type MouthControls } from '../../../src/engine/audio/index.js';
import { espeak, fixtureSpeech, fixtureTimings, framesFor, RATE } from './speech-fixtures.js';

const FPS = 25;

function controls(samples: Float32Array, fps = FPS): MouthControls {
  return mouthControlsFromAudio(samples, RATE, { fps, frameCount: framesFor(samples, fps) });
}

/** The last frame shown before time t (its time k/fps is earlier than t). */
function lastFrameBefore(t: number, fps = FPS): number {
  return Math.ceil(t * fps - 1e-9) - 1;
}

/** How far apart the renderer puts the lips: the jaw's opening, cancelled by a closure. */
function opening(c: MouthControls, k: number): number {
  return c.jaw[k] * (1 - c.closure[k]);
}

const bilabials = fixtureTimings('bilabials.json').syllables;
const syllable = (name: string) => bilabials.find((s) => s.syllable === name)!;

describe('lip closures on the frame grid', () => {
  test('keeps the lips closed on every frame shown before an m, p or b that starts after a pause', () => {
    const c = controls(fixtureSpeech('bilabials.wav'));
    const onsets = bilabials.filter((s) => s.place === 'bilabial');
    assert.equal(onsets.length, 6);
    for (const { syllable: name, consonantTime } of onsets) {
      const last = lastFrameBefore(consonantTime!);
      for (let k = last - 3; k <= last; k++) {
        assert.equal(c.closure[k], 1, `${name} at ${consonantTime} s: frame ${k} (${(k / FPS).toFixed(2)} s) closure ${c.closure[k]}`);
      }
    }
  });

  test('keeps the lips closed until the release of a /p/ after a pause, then opens within two frames', () => {
    const c = controls(fixtureSpeech('bilabials.wav'));
    for (const name of ['pa', 'po']) {
      // For p the onset is the release burst: its silent closure was trimmed with the pause.
      const burst = syllable(name).consonantTime!;
      const first = lastFrameBefore(burst) + 1;
      assert.equal(c.closure[first - 1], 1, `${name}: closed on the frame before the burst`);
      assert.ok(opening(c, first) > 0.2, `${name}: parting on the first frame after the burst (${opening(c, first)})`);
      assert.ok(opening(c, first + 1) > 0.6, `${name}: open on the second (${opening(c, first + 1)})`);
    }
  });

  test('keeps the lips together through the hum of an m after a pause and opens at its vowel', () => {
    const c = controls(fixtureSpeech('bilabials.wav'));
    // espeak-ng's "mi" hums for ~100 ms before the lips part (measured release ≈ 2.465 s).
    const onset = syllable('mi').consonantTime!;
    for (let k = lastFrameBefore(onset) + 1; k / FPS < onset + 0.075; k++) {
      assert.equal(c.closure[k], 1, `frame ${k} (${(k / FPS).toFixed(2)} s) in the hum: closure ${c.closure[k]}`);
    }
    const vowel = lastFrameBefore(onset + 0.15) + 1;
    assert.ok(c.closure[vowel] === 0 && opening(c, vowel) > 0.3, `open in the vowel: frame ${vowel}, opening ${opening(c, vowel)}`);
  });

  test('lets the lips part ahead of a t after a pause (no bilabial hold on a tongue-tip burst)', () => {
    const c = controls(fixtureSpeech('bilabials.wav'));
    const k = lastFrameBefore(syllable('ta').start);
    assert.ok(c.closure[k] < 0.5 && opening(c, k) > 0.1, `frame ${k}: closure ${c.closure[k]}, opening ${opening(c, k)}`);
  });

  test('closes the lips within −40…+20 ms of every m, b and p onset in connected syllables', () => {
    const samples = fixtureSpeech('eval/labials-dense.flac');
    const onsets = fixtureTimings('eval/labials-dense.json').syllables.filter((s) => s.place === 'bilabial');
    assert.equal(onsets.length, 11);
    for (const fps of [25, 30]) {
      const c = controls(samples, fps);
      for (const { syllable: name, consonantTime } of onsets) {
        const first = Math.ceil((consonantTime! - 0.04) * fps - 1e-9);
        const last = Math.floor((consonantTime! + 0.02) * fps + 1e-9);
        const window = Array.from(c.closure.subarray(first, last + 1));
        assert.ok(window.some((v) => v === 1), `${name} at ${consonantTime} s, ${fps} fps: closure ${window}`);
      }
    }
  });

  test('gives every vowel between two quick closures a frame of its own ("mama papa baba")', () => {
    const c = controls(espeak('mama papa baba'));
    const closedRuns: Array<[number, number]> = [];
    for (let k = 0; k < c.frameCount; k++) {
      if (c.closure[k] < 1 || c.speech[k] === 0) continue;
      const run = closedRuns[closedRuns.length - 1];
      if (run && run[1] === k - 1) run[1] = k;
      else closedRuns.push([k, k]);
    }
    // m, m, p, p, b, b: the first m continues the rest pose before the phrase.
    assert.ok(closedRuns.length >= 6, `closures ${JSON.stringify(closedRuns)}`);
    for (let r = 1; r < closedRuns.length; r++) {
      let widest = 0;
      for (let k = closedRuns[r - 1][1] + 1; k < closedRuns[r][0]; k++) widest = Math.max(widest, opening(c, k));
      assert.ok(widest > 0.25, `vowel between closures ${JSON.stringify(closedRuns[r - 1])} and ${JSON.stringify(closedRuns[r])}: ${widest}`);
    }
  });
});
