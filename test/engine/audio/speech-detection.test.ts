import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NoSpeechError } from '../../../src/engine/errors.js';
import { analyseSpeech, assertHasSpeech } from '../../../src/engine/audio/index.js';
import { concat, espeak, RATE, silence, vowel, whiteNoise } from './speech-fixtures.js';

function scaled(samples: Float32Array, gain: number): Float32Array {
  return samples.map((s) => s * gain);
}

function assertNoSpeech(samples: Float32Array): void {
  assert.throws(
    () => assertHasSpeech(samples, RATE),
    (error: unknown) => error instanceof NoSpeechError && error.code === 'no_speech',
  );
}

describe('assertHasSpeech', () => {
  test('throws NoSpeechError on digital silence', () => {
    assertNoSpeech(silence(3));
  });

  test('throws NoSpeechError on low-level noise, and on steady hiss of any level', () => {
    assertNoSpeech(whiteNoise(3, -70));
    assertNoSpeech(whiteNoise(3, -45));
    assertNoSpeech(whiteNoise(3, -20));
  });

  test('throws NoSpeechError on a speech-like blip shorter than 0.2 s', () => {
    assertNoSpeech(concat(silence(1), vowel({ formants: [700, 1200], durationS: 0.12 }), silence(1)));
  });

  test('throws NoSpeechError on a clip with no samples', () => {
    assertNoSpeech(new Float32Array(0));
  });

  test('passes on real speech, also when quiet or over background noise', () => {
    const speech = espeak('Hello there, how are you today?');
    assertHasSpeech(speech, RATE);
    assertHasSpeech(scaled(speech, 0.02), RATE);
    const noise = whiteNoise(speech.length / RATE, -50, 7);
    assertHasSpeech(speech.map((s, i) => s + noise[i]), RATE);
  });

  test('passes on a sustained vowel', () => {
    assertHasSpeech(concat(silence(0.5), vowel({ formants: [700, 1200], durationS: 0.6 }), silence(0.5)), RATE);
  });
});

describe('voice activity', () => {
  const a = vowel({ formants: [700, 1200], durationS: 0.3 });

  test('finds speech where the vowels are, with the same result at any recording level', () => {
    const clip = concat(silence(0.5), a, silence(0.6), a, silence(0.5));
    const loud = analyseSpeech(clip, RATE).activity.active;
    const quiet = analyseSpeech(scaled(clip, 0.01), RATE).activity.active;
    assert.deepEqual(quiet, loud);
    assert.equal(loud[65], 1);
    assert.equal(loud[30], 0);
    assert.equal(loud[110], 0);
    assert.equal(loud[155], 1);
  });

  test('bridges pauses shorter than 150 ms but not longer ones', () => {
    const short = analyseSpeech(concat(silence(0.5), a, silence(0.1), a, silence(0.5)), RATE).activity;
    for (let h = 82; h < 88; h++) assert.equal(short.active[h], 1, `hop ${h} of a 100 ms pause`);
    const long = analyseSpeech(concat(silence(0.5), a, silence(0.4), a, silence(0.5)), RATE).activity;
    for (let h = 90; h < 110; h++) assert.equal(long.active[h], 0, `hop ${h} of a 400 ms pause`);
  });
});
