// analyseSpeechOffThread (src/engine/audio/analysis-thread.ts): the voice analysis on a worker
// thread must be exactly analyseSpeech, and fail the way it does.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { analyseSpeech, analyseSpeechOffThread } from '../../../src/engine/audio/index.js';
import { InvalidMediaError } from '../../../src/engine/errors.js';
import { concat, fixtureSpeech, RATE, silence, vowel } from './speech-fixtures.js';

describe('speech analysis on the analysis thread', () => {
  test('gives exactly what analyseSpeech gives, for several clips at once', async () => {
    const clips = [
      fixtureSpeech('speech-en.mp3'),
      concat(silence(0.4), vowel({ formants: [700, 1200], durationS: 0.5 }), silence(0.3)),
      silence(1),
    ];
    const offThread = await Promise.all(clips.map((clip) => analyseSpeechOffThread(clip, RATE)));
    clips.forEach((clip, i) => assert.deepEqual(offThread[i], analyseSpeech(clip, RATE), `clip ${i}`));
    assert.ok(offThread[0].speechSeconds > 1, 'the real recording has speech');
  });

  test("analyseSpeech's errors come back as it throws them: unusable audio is a typed media error", async () => {
    const nonFinite = Float32Array.from([0, 0.1, Number.NaN, 0.2]);
    assert.throws(() => analyseSpeech(nonFinite, RATE), InvalidMediaError);
    await assert.rejects(analyseSpeechOffThread(nonFinite, RATE), (error: unknown) =>
      error instanceof InvalidMediaError && error.message === 'Audio contains invalid (non-finite) samples');
    await assert.rejects(analyseSpeechOffThread(new Float32Array(100), 0), InvalidMediaError);
    // The thread is still there for the next clip.
    assert.ok((await analyseSpeechOffThread(silence(0.5), RATE)).features.frameCount > 0);
  });

  test('an idle analysis thread does not keep the process alive', () => {
    const script = `
      import { analyseSpeechOffThread } from './src/engine/audio/index.js';
      const result = await analyseSpeechOffThread(new Float32Array(16000), 16000);
      console.log('frames', result.features.frameCount);`;
    const started = Date.now();
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(child.status, 0, child.stderr);
    assert.match(child.stdout, /^frames \d+/);
    assert.ok(Date.now() - started < 30_000);
  });
});
