// The harness checks itself end to end on real videos: a talking video rendered by the engine,
// the same video with its audio delayed by 200 ms, the talking mouth against another clip's audio,
// and a still portrait with speech. The metrics must see the delay and must not find sync where
// there is none.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { renderLipsyncImage } from '../../src/engine/index.js';
import { decodeAudioMono, ffmpegPath } from '../../src/engine/media/index.js';
import { audioTimeline } from '../../eval/audio-timeline.js';
import { fixturePath } from '../../eval/matrix.js';
import { clipMetrics, measureVideo, type MeasuredClip } from '../../eval/measure-video.js';
import { judge } from '../../eval/report.js';

const run = promisify(execFile);
const PORTRAIT = fixturePath('portrait-astronaut.jpg');
const SPEECH = fixturePath('speech-en.mp3');

describe('eval harness self-check', () => {
  let dir = '';
  let talking: MeasuredClip;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mouthpiece-eval-test-'));
    // The engine renders first: it brings up the shared tfjs wasm backend that face-api then reuses.
    await renderLipsyncImage(
      { image: { path: PORTRAIT }, audio: { path: SPEECH }, resolution: '480p', seed: 1 },
      { outputPath: join(dir, 'talking.mp4'), workDir: join(dir, 'work') },
    );
    talking = await measureVideo(join(dir, 'talking.mp4'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('finds the face in every frame of a rendered video', () => {
    assert.equal(talking.track.frameCount, 159);
    assert.ok(talking.track.gap.every(Number.isFinite));
  });

  test('delaying the audio by 200 ms moves M2 by −200 ms (the mouth now leads by 200 ms more)', async () => {
    const shifted = join(dir, 'shifted.mp4');
    // One delay per channel: the engine writes stereo.
    await run(ffmpegPath(), ['-v', 'error', '-y', '-i', join(dir, 'talking.mp4'), '-map', '0:v', '-map', '0:a',
      '-c:v', 'copy', '-af', 'adelay=200|200', '-c:a', 'aac', '-b:a', '64k', shifted]);
    const late = await measureVideo(shifted);
    const moved = late.metrics.m2.ms - talking.metrics.m2.ms;
    assert.ok(Math.abs(moved + 200) <= 30, `M2 ${talking.metrics.m2.ms.toFixed(0)} → ${late.metrics.m2.ms.toFixed(0)} ms`);
    // The frames are the same, so the mouth measured the same.
    assert.deepEqual(late.track.gap, talking.track.gap);
  });

  test('the talking mouth against another clip\'s audio does not pass M1', async () => {
    const other = await decodeAudioMono(fixturePath('speech-long-pauses.mp3'), { sampleRate: 16000, maxSeconds: 60 });
    const timeline = audioTimeline(other.samples, 16000, talking.track.fps, talking.track.frameCount);
    const mismatched = clipMetrics(talking.track.gap, timeline, []);
    assert.equal(judge(mismatched).M1, false, `r ${mismatched.m1.r.toFixed(2)}, null95 ${mismatched.m1.nullP95.toFixed(2)}`);
    assert.ok(mismatched.m1.r < talking.metrics.m1.r);
  });

  test('a still portrait with speech gives r at or below the null', async () => {
    const still = join(dir, 'still.mp4');
    await run(ffmpegPath(), ['-v', 'error', '-y', '-loop', '1', '-framerate', '25', '-i', PORTRAIT, '-i', SPEECH,
      '-t', '6.36', '-vf', 'scale=480:480', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', still]);
    const { metrics } = await measureVideo(still);
    assert.ok(metrics.m1.r <= metrics.m1.nullP95, `r ${metrics.m1.r.toFixed(3)}, null95 ${metrics.m1.nullP95.toFixed(3)}`);
    assert.equal(judge(metrics).M1, false);
  });
});
