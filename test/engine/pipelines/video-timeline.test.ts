// lipsync-video's sync modes: which source frame each output frame shows, and the output's
// length, first as arithmetic, then through the engine on the 3 s astronaut video.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { prepareEngine, renderLipsyncVideo, type SyncMode } from '../../../src/engine/index.js';
import { planTimeline } from '../../../src/engine/pipelines/video-timeline.js';
import { SpeakerFrames } from '../../../src/engine/pipelines/speaker-frames.js';
import { ffmpeg, fixture, makeTempDir, meanDifference, probeOutput, readFrames } from './pipeline-fixtures.js';

const indices = (mode: SyncMode, video: number, audio: number) => {
  const t = planTimeline(mode, video, audio);
  return Array.from({ length: t.outputFrames }, (_, k) => t.sourceIndex(k));
};

describe('the sync-mode timeline', () => {
  test('bounce plays forwards then backwards without repeating the turning frames', () => {
    assert.deepEqual(indices('bounce', 4, 11), [0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2]);
    assert.equal(planTimeline('bounce', 4, 11).readsBackwards, true);
    assert.deepEqual(indices('bounce', 1, 3), [0, 0, 0]);
  });

  test('bounce and loop cut a video longer than the audio to the audio', () => {
    assert.deepEqual(indices('bounce', 10, 4), [0, 1, 2, 3]);
    assert.equal(planTimeline('bounce', 10, 4).readsBackwards, false);
    assert.deepEqual(indices('loop', 10, 4), [0, 1, 2, 3]);
  });

  test('loop starts the video again from its first frame', () => {
    assert.deepEqual(indices('loop', 3, 8), [0, 1, 2, 0, 1, 2, 0, 1]);
  });

  test('cut_off stops at the shorter of the two', () => {
    assert.equal(planTimeline('cut_off', 10, 4).outputFrames, 4);
    assert.equal(planTimeline('cut_off', 4, 10).outputFrames, 4);
  });

  test('silence keeps the whole video whatever the audio length', () => {
    assert.equal(planTimeline('silence', 10, 4).outputFrames, 10);
    assert.equal(planTimeline('silence', 4, 10).outputFrames, 4);
  });
});

describe('frames where the face is lost', () => {
  /** A store for `usable` (1 = the speaker's face usable in that frame), landmarks all equal to the frame index. */
  function speakerFrames(usable: number[], ended = true): SpeakerFrames {
    const store = new SpeakerFrames(25, 2);
    usable.forEach((u, i) => { if (u) store.set(i, new Float32Array(936).fill(i), true); });
    if (ended) store.end(usable.length); else store.analysedUpTo(usable.length);
    return store;
  }

  test('one- and two-frame misses are bridged, longer gaps are not', () => {
    const store = speakerFrames([1, 0, 1, 0, 0, 1, 0, 0, 0, 1]);
    assert.deepEqual([...Array(10).keys()].map((i) => store.present(i)), [true, true, true, true, true, true, false, false, false, true]);
  });

  test('the dub fades out over a few frames before a lost face and back in after it', () => {
    const store = new SpeakerFrames(25, 2);
    const usable = [1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1];
    usable.forEach((u, i) => { if (u) store.set(i, new Float32Array(936).fill(i), true); });
    store.end(usable.length);
    // 25 fps: a 0.2 s fade is 5 frames; strength is the distance to the lost frames ÷ 6.
    assert.deepEqual(usable.map((_, i) => +store.strength(i).toFixed(2)), [1, 0.83, 0.67, 0.5, 0.33, 0.17, 0, 0, 0, 0.17, 0.33, 0.5, 0.67, 0.83, 1, 1]);
  });

  test('the first and last frames of a video get finite smoothed landmarks (the window stops at the ends)', () => {
    const store = speakerFrames(new Array(40).fill(1));
    for (const i of [0, 1, 5, 34, 38, 39]) {
      const points = store.landmarks(i);
      assert.ok(points.every(Number.isFinite), `frame ${i} has NaN landmarks`);
      assert.ok(Math.abs(points[0] - i) < 3, `frame ${i} smoothed to ${points[0]}`);
    }
  });

  test('a frame is read only once the analysis is far enough past it', () => {
    const store = speakerFrames(new Array(40).fill(1), false);
    assert.equal(store.ready(39 - store.lookahead), true);
    assert.equal(store.ready(40 - store.lookahead), false);
    store.end(40);
    assert.equal(store.ready(39), true);
  });
});

describe('sync modes through the engine', { timeout: 300_000 }, () => {
  before(() => prepareEngine());

  async function run(t: Parameters<typeof makeTempDir>[0], mode: SyncMode, audio: string) {
    const dir = await makeTempDir(t);
    const output = join(dir, `${mode}.mp4`);
    const result = await renderLipsyncVideo(
      { video: { path: fixture('video-astronaut.mp4') }, audio: { path: audio }, resolution: '480p', seed: 1, syncMode: mode, onNoFace: 'passthrough' },
      { outputPath: output, workDir: join(dir, 'work') },
    );
    return { dir, output, result, facts: await probeOutput(output) };
  }

  /** Which source frame an output frame shows: the closest of the source frames, by the picture outside the face. */
  function closestSource(out: { rgba: Uint8Array; width: number; height: number }, source: Array<{ rgba: Uint8Array }>): number {
    let best = -1, bestDiff = Infinity;
    source.forEach((s, i) => {
      const d = meanDifference(out.rgba, s.rgba, out.width, out.height, 0, out.width, Math.round(out.height * 0.6), out.height);
      if (d < bestDiff) { bestDiff = d; best = i; }
    });
    return best;
  }

  test('bounce (the default) lasts as long as the audio and plays the video backwards after its end', async (t) => {
    const dir = await makeTempDir(t);
    const audio = join(dir, 'voice-4.2s.wav');
    await ffmpeg(['-i', fixture('speech-en.mp3'), '-t', '4.2', audio]);
    const { output, result, facts } = await run(t, 'bounce', audio);
    assert.equal(result.frames, 105);
    assert.equal(facts.frames, 105);
    assert.ok(Math.abs(facts.audioSeconds - 4.2) < 0.05, `audio lasts ${facts.audioSeconds} s`);
    const source = await readFrames(fixture('video-astronaut.mp4'), 120);
    const out = await readFrames(output, 120);
    // Frame 74 is the last forward one; 80 and 100 show source frames 68 and 48.
    assert.deepEqual([10, 74, 80, 100].map((k) => closestSource(out[k], source)), [10, 74, 68, 48]);
  });

  test('loop starts the video over; cut_off stops with the shorter; silence keeps the whole video', async (t) => {
    const loop = await run(t, 'loop', fixture('speech-en.mp3'));
    assert.equal(loop.facts.frames, 159, 'loop: the audio\'s 6.36 s');
    const source = await readFrames(fixture('video-astronaut.mp4'), 120);
    const looped = await readFrames(loop.output, 120);
    assert.deepEqual([70, 80, 155].map((k) => closestSource(looped[k], source)), [70, 5, 5]);

    const cut = await run(t, 'cut_off', fixture('speech-en.mp3'));
    assert.equal(cut.facts.frames, 75, 'cut_off: the video\'s 3 s');
    assert.ok(Math.abs(cut.facts.audioSeconds - 3) < 0.05, `cut_off audio lasts ${cut.facts.audioSeconds} s`);

    const silence = await run(t, 'silence', fixture('speech-short.wav'));
    assert.equal(silence.facts.frames, 75, 'silence: the whole 3 s video');
    assert.ok(Math.abs(silence.facts.audioSeconds - 3) < 0.05, `the 1.43 s voice is padded to ${silence.facts.audioSeconds} s`);
  });
});
