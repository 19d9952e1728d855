import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FftPlan } from '../../../src/engine/audio/fft.js';
import { HOP_SECONDS, SILENCE_DB, speechFeatures } from '../../../src/engine/audio/index.js';
import { concat, RATE, silence, sine, vowel, whiteNoise } from './speech-fixtures.js';

function mean(values: Float32Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i];
  return sum / (to - from);
}

describe('FftPlan', () => {
  test('matches a direct DFT and inverts back to the input', () => {
    const n = 64;
    const plan = new FftPlan(n);
    const input = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.7) + 0.3 * Math.cos(i * 2.1) + (i % 5) * 0.1);
    const re = Float64Array.from(input);
    const im = new Float64Array(n);
    plan.forward(re, im);
    for (let k = 0; k < n; k++) {
      let dr = 0;
      let di = 0;
      for (let t = 0; t < n; t++) {
        dr += input[t] * Math.cos((2 * Math.PI * k * t) / n);
        di -= input[t] * Math.sin((2 * Math.PI * k * t) / n);
      }
      assert.ok(Math.abs(re[k] - dr) < 1e-9 && Math.abs(im[k] - di) < 1e-9, `bin ${k}`);
    }
    plan.inverse(re, im);
    for (let t = 0; t < n; t++) assert.ok(Math.abs(re[t] - input[t]) < 1e-12);
  });

  test('rejects sizes that are not powers of two', () => {
    assert.throws(() => new FftPlan(400), RangeError);
  });
});

describe('speechFeatures', () => {
  test('reports one frame per 10 ms hop, frame h centred at h × 10 ms', () => {
    const clip = concat(silence(0.5), sine(0.5, 440, 0.5));
    const features = speechFeatures(clip, RATE);
    assert.equal(features.hopSeconds, HOP_SECONDS);
    assert.equal(features.frameCount, Math.ceil(clip.length / 160));
    assert.equal(features.logRms.length, features.frameCount);
    // The tone starts at 0.5 s = hop 50; a 25 ms window sees it from hop 49 on.
    assert.equal(features.logRms[47], SILENCE_DB);
    assert.ok(features.logRms[52] > -10);
    const firstLoud = features.logRms.findIndex((db) => db > -30);
    assert.ok(firstLoud >= 48 && firstLoud <= 50, `tone detected at hop ${firstLoud}`);
  });

  test('measures log-RMS in dBFS: a full-scale sine is −3 dB, digital silence is the floor', () => {
    const features = speechFeatures(concat(sine(0.3, 1000, 1), silence(0.3)), RATE);
    assert.ok(Math.abs(features.logRms[15] - -3.01) < 0.2, `got ${features.logRms[15]}`);
    assert.equal(features.logRms[50], SILENCE_DB);
    assert.equal(features.voicing[50], 0);
  });

  test('puts about half of white noise above 4 kHz and none of a low tone', () => {
    const noise = speechFeatures(whiteNoise(0.5, -20), RATE);
    const ratio = mean(noise.highBandRatio, 5, 45);
    assert.ok(ratio > 0.42 && ratio < 0.58, `noise high-band ratio ${ratio}`);
    const tone = speechFeatures(sine(0.5, 300, 0.5), RATE);
    assert.ok(mean(tone.highBandRatio, 5, 45) < 0.01);
  });

  test('scores a harmonic vowel as voiced and white noise as unvoiced', () => {
    const voiced = speechFeatures(vowel({ formants: [700, 1200], durationS: 0.5 }), RATE);
    const noise = speechFeatures(whiteNoise(0.5, -20), RATE);
    assert.ok(mean(voiced.voicing, 5, 45) > 0.85);
    assert.ok(mean(noise.voicing, 5, 45) < 0.45);
  });

  test('estimates F1 and F2 of synthetic vowels within 15 %', () => {
    for (const [f1, f2] of [
      [700, 1200],
      [300, 2300],
      [300, 800],
      [500, 1700],
    ]) {
      const features = speechFeatures(vowel({ formants: [f1, f2], durationS: 0.5 }), RATE);
      const e1 = mean(features.f1Hz, 10, 40);
      const e2 = mean(features.f2Hz, 10, 40);
      assert.ok(Math.abs(e1 - f1) / f1 < 0.15, `F1 ${f1}: estimated ${e1.toFixed(0)}`);
      assert.ok(Math.abs(e2 - f2) / f2 < 0.15, `F2 ${f2}: estimated ${e2.toFixed(0)}`);
    }
  });

  test('shows a nasal-murmur-like sound as low band far above the 800–2500 Hz band', () => {
    const murmur = speechFeatures(vowel({ formants: [250, 2200, 2800], durationS: 0.4, f0: 110 }), RATE);
    const open = speechFeatures(vowel({ formants: [750, 1250], durationS: 0.4 }), RATE);
    assert.ok(mean(murmur.nasalRatioDb, 5, 35) > 10);
    assert.ok(mean(open.nasalRatioDb, 5, 35) < 3);
  });

  test('handles an empty clip and is deterministic', () => {
    assert.equal(speechFeatures(new Float32Array(0), RATE).frameCount, 0);
    const clip = vowel({ formants: [600, 1000], durationS: 0.3 });
    assert.deepEqual(speechFeatures(clip, RATE), speechFeatures(clip, RATE));
  });
});
