// The audio side of the harness: loudness at frame times and the silences, from the samples.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { decodeAudioMono } from '../../src/engine/media/index.js';
import { audioTimeline, findSilences } from '../../eval/audio-timeline.js';
import { fixturePath } from '../../eval/matrix.js';

describe('audio timeline', () => {
  test('finds the pauses of the speech fixtures where their JSON says, within 20 ms', async () => {
    for (const name of ['speech-en', 'speech-long-pauses', 'eval/it-female']) {
      const audio = await decodeAudioMono(fixturePath(`${name}.mp3`), { sampleRate: 16000, maxSeconds: 60 });
      const timings = JSON.parse(await readFile(fixturePath(`${name}.json`), 'utf8')) as { pauses: Array<{ start: number; end: number }> };
      const found = findSilences(audio.samples, 16000, 0.3);
      for (const pause of timings.pauses) {
        assert.ok(
          found.some((s) => Math.abs(s.start - pause.start) < 0.02 && Math.abs(s.end - pause.end) < 0.02),
          `${name}: pause ${pause.start}–${pause.end} not in ${JSON.stringify(found)}`,
        );
      }
    }
  });

  test('marks frames in silence as not speech and floors the envelope 50 dB under the peak', () => {
    const rate = 16000;
    const samples = new Float32Array(rate * 2);
    // 0.5–1.5 s: a 200 Hz tone at half scale; the rest digital silence.
    for (let i = rate / 2; i < (rate * 3) / 2; i++) samples[i] = 0.5 * Math.sin((2 * Math.PI * 200 * i) / rate);
    const timeline = audioTimeline(samples, rate, 25, 50);
    assert.equal(timeline.speech[5], 0);
    assert.equal(timeline.speech[25], 1);
    assert.equal(timeline.speech[45], 0);
    assert.ok(Math.abs(timeline.envelopeDb[25] - 20 * Math.log10(0.5 / Math.SQRT2)) < 0.1);
    assert.ok(Math.abs(timeline.envelopeDb[5] - (timeline.envelopeDb[25] - 50)) < 0.1);
    assert.deepEqual(timeline.silentSpans.map((s) => [s.start, s.end]), [[0, 0.5], [1.5, 2]]);
  });
});
