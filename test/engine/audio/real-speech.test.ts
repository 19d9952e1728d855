// Mouth controls on real speech synthesised with espeak-ng. Phoneme positions are found from the
// audio itself: vowel nuclei are the stretches within a few dB of the clip's loudest level, and the
// consonant of a CV syllable is whatever precedes its nucleus.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mouthControlsFromAudio, speechFeatures, type MouthControls } from '../../../src/engine/audio/index.js';
import { espeak, framesFor, RATE } from './speech-fixtures.js';

const FPS = 25;
const LEAD_S = 0.02;

function controls(samples: Float32Array): MouthControls {
  return mouthControlsFromAudio(samples, RATE, { fps: FPS, frameCount: framesFor(samples, FPS) });
}

/** Log-RMS per video frame over one frame period centred on k/FPS + shiftS, floored 50 dB under the clip peak. */
function envelopePerFrame(samples: Float32Array, frameCount: number, shiftS = 0): Float32Array {
  const features = speechFeatures(samples, RATE);
  const peak = Math.max(...features.logRms);
  const out = new Float32Array(frameCount);
  for (let k = 0; k < frameCount; k++) {
    let sum = 0;
    let count = 0;
    for (let h = 0; h < features.frameCount; h++) {
      const t = h * features.hopSeconds;
      if (t >= (k - 0.5) / FPS + shiftS && t < (k + 0.5) / FPS + shiftS) {
        sum += Math.max(features.logRms[h], peak - 50);
        count++;
      }
    }
    out[k] = count > 0 ? sum / count : peak - 50;
  }
  return out;
}

/** Vowel nuclei as [startS, endS): runs of ≥ 40 ms within `withinDb` of the clip's peak level. */
function vowelNuclei(samples: Float32Array, withinDb: number): Array<[number, number]> {
  const features = speechFeatures(samples, RATE);
  const peak = Math.max(...features.logRms);
  const nuclei: Array<[number, number]> = [];
  let start = -1;
  for (let h = 0; h <= features.frameCount; h++) {
    const loud = h < features.frameCount && features.logRms[h] >= peak - withinDb;
    if (loud && start < 0) start = h;
    if (!loud && start >= 0) {
      if (h - start >= 4) nuclei.push([start * 0.01, h * 0.01]);
      start = -1;
    }
  }
  return nuclei;
}

/** Frame whose (lead-shifted) audio span, one frame period centred on k/FPS + lead, contains time t. */
function frameShowing(t: number): number {
  return Math.round((t - LEAD_S) * FPS);
}

function longestFullClosure(c: MouthControls, from: number, to: number): number {
  let best = 0;
  let run = 0;
  for (let k = Math.max(0, from); k < Math.min(c.frameCount, to); k++) {
    run = c.closure[k] >= 0.999 ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

describe('mouthControlsFromAudio on real speech (espeak-ng)', () => {
  test('closes the lips for ≥ 2 frames at each m, p and b of "mama papa baba", with jaw peaks in the vowels', () => {
    const samples = espeak('mama papa baba');
    const c = controls(samples);
    const nuclei = vowelNuclei(samples, 12);
    assert.equal(nuclei.length, 6, `vowel nuclei: ${JSON.stringify(nuclei)}`);
    let previousEnd = nuclei[0][0] - 0.15;
    const rises: number[] = [];
    for (const [start, end] of nuclei) {
      // The consonant sits between the previous vowel and this one; allow a frame of anticipation.
      const consonantFrom = frameShowing(previousEnd);
      const vowelFrom = frameShowing(start);
      const vowelTo = frameShowing(end) + 1;
      const closure = Array.from(c.closure.subarray(consonantFrom - 1, vowelFrom + 1));
      assert.ok(longestFullClosure(c, consonantFrom - 1, vowelFrom + 1) >= 2, `closure before the vowel at ${start}s: ${closure}`);
      const trough = Math.min(...c.jaw.subarray(consonantFrom, vowelFrom + 1));
      const peak = Math.max(...c.jaw.subarray(vowelFrom, vowelTo));
      assert.ok(peak > trough + 0.05 && peak > 0.4, `jaw rises from ${trough} to ${peak} in the vowel at ${start}s`);
      rises.push(peak - trough);
      previousEnd = end;
    }
    const meanRise = rises.reduce((a, b) => a + b, 0) / rises.length;
    assert.ok(meanRise > 0.3, `jaw rises ${rises.map((r) => r.toFixed(2))} from consonants to vowels`);
  });

  test('keeps the lips apart through the vowels of "a e i o u"', () => {
    const samples = espeak('a e i o u');
    const c = controls(samples);
    const envelope = envelopePerFrame(samples, c.frameCount, LEAD_S);
    const peak = Math.max(...envelope);
    let vowelFrames = 0;
    for (let k = 0; k < c.frameCount; k++) {
      if (envelope[k] < peak - 12) continue;
      vowelFrames++;
      assert.ok(c.closure[k] < 0.5, `frame ${k} (level ${envelope[k].toFixed(1)} dB) has closure ${c.closure[k]}`);
    }
    assert.ok(vowelFrames >= 15, `found ${vowelFrames} vowel frames`);
    for (let k = 0; k < c.frameCount; k++) {
      if (c.speech[k] === 1) assert.ok(c.closure[k] < 0.999, `no lip closure inside the vowel run (frame ${k})`);
    }
  });

  test('keeps the lips open on the tongue-tip stops of "tata tata"', () => {
    const c = controls(espeak('tata tata'));
    for (let k = 0; k < c.frameCount; k++) {
      if (c.speech[k] === 1) assert.ok(c.closure[k] < 0.999, `frame ${k} closure ${c.closure[k]}`);
    }
  });

  test('tucks the lower lip for the f of "fee"', () => {
    const samples = espeak('fee');
    const c = controls(samples);
    const [vowelStart] = vowelNuclei(samples, 12)[0];
    const before = c.labiodental.subarray(frameShowing(0.3), frameShowing(vowelStart) + 1);
    assert.ok(Math.max(...before) >= 0.99, `labiodental before the vowel: ${Array.from(before)}`);
    assert.ok(c.closure.every((v, k) => c.labiodental[k] <= 1 - v + 1e-6), 'never tucked while the lips are closed');
  });

  test('keeps the jaw free of chatter: < 15 % of its energy above 8 Hz', () => {
    const samples = espeak('The quick brown fox jumps over the lazy dog. My mother bought a map of Boston.');
    const { jaw, frameCount } = controls(samples);
    let mean = 0;
    for (const v of jaw) mean += v / frameCount;
    let total = 0;
    let high = 0;
    for (let bin = 1; bin <= frameCount / 2; bin++) {
      let re = 0;
      let im = 0;
      for (let k = 0; k < frameCount; k++) {
        re += (jaw[k] - mean) * Math.cos((2 * Math.PI * bin * k) / frameCount);
        im -= (jaw[k] - mean) * Math.sin((2 * Math.PI * bin * k) / frameCount);
      }
      total += re * re + im * im;
      if ((bin * FPS) / frameCount > 8) high += re * re + im * im;
    }
    assert.ok(high / total < 0.15, `${((100 * high) / total).toFixed(1)} % above 8 Hz`);
  });

  test('moves the mouth no later than the audio: jaw × log-RMS cross-correlation peaks at lag ≤ 0', () => {
    for (const text of ['The quick brown fox jumps over the lazy dog.', 'mama papa baba', 'Hello there, how are you today?']) {
      const samples = espeak(text);
      const c = controls(samples);
      const envelope = envelopePerFrame(samples, c.frameCount);
      const mean = (a: Float32Array): number => a.reduce((s, v) => s + v, 0) / a.length;
      const jawMean = mean(c.jaw);
      const envMean = mean(envelope);
      let bestLag = 0;
      let best = -Infinity;
      for (let lag = -5; lag <= 5; lag++) {
        // Positive lag: the jaw at k + lag matches the audio at k, i.e. the mouth is late.
        let sum = 0;
        for (let k = 0; k < c.frameCount; k++) {
          const j = k + lag;
          if (j >= 0 && j < c.frameCount) sum += (c.jaw[j] - jawMean) * (envelope[k] - envMean);
        }
        if (sum > best) {
          best = sum;
          bestLag = lag;
        }
      }
      assert.ok(bestLag <= 0, `"${text}": mouth trails by ${bestLag} frames`);
    }
  });

  test('gives the same controls for the same speech', () => {
    const samples = espeak('mama papa baba');
    assert.deepEqual(controls(samples), controls(samples));
  });
});
