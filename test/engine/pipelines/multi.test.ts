// lipsync-image-multi end to end through the engine: two faces each following their own voice,
// the speaking orders, the face count rules, determinism and the rigs kept apart.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { prepareEngine, renderLipsyncImageMulti, type LipsyncImageMultiRequest } from '../../../src/engine/index.js';
import { detectFaces } from '../../../src/engine/face/index.js';
import { placeVoices } from '../../../src/engine/pipelines/multi.js';
import { polygonsOverlap, ringScalesApart } from '../../../src/engine/pipelines/multi-layout.js';
import { topology } from '../../../src/engine/face/index.js';
import { correlation, ffmpeg, fixture, lipGapsPerFace, loudnessPerFrame, makeTempDir, probeOutput, smooth } from './pipeline-fixtures.js';

const FPS = 25;

function multiRequest(left: string, right: string, extra: Partial<LipsyncImageMultiRequest> = {}): LipsyncImageMultiRequest {
  return {
    image: { path: fixture('two-faces.jpg') }, leftAudio: { path: left }, rightAudio: { path: right },
    order: 'meanwhile', resolution: '480p', seed: 1, ...extra,
  };
}

describe('lipsync-image-multi', { timeout: 300_000 }, () => {
  before(() => prepareEngine());

  test('each face follows its own voice and not the other one', async (t) => {
    const dir = await makeTempDir(t);
    // The right voice starts 1.2 s late so the two voices' pauses fall at different times.
    const right = join(dir, 'right.wav');
    await ffmpeg(['-i', fixture('speech-it.mp3'), '-af', 'adelay=1200', '-ac', '1', right]);
    const left = fixture('speech-en.mp3');
    const output = join(dir, 'conversation.mp4');
    const result = await renderLipsyncImageMulti(multiRequest(left, right), { outputPath: output, workDir: join(dir, 'work') });
    assert.ok(Math.abs(result.durationSeconds - 6.78) < 0.05, `meanwhile lasts as long as the longer voice: ${result.durationSeconds} s`);

    const [leftGap, rightGap] = await lipGapsPerFace(output, 2);
    const leftVoice = smooth(await loudnessPerFrame(left, FPS, result.frames), 2);
    const rightVoice = smooth(await loudnessPerFrame(right, FPS, result.frames), 2);
    const r = {
      leftOwn: correlation(leftGap, leftVoice), leftOther: correlation(leftGap, rightVoice),
      rightOwn: correlation(rightGap, rightVoice), rightOther: correlation(rightGap, leftVoice),
    };
    const report = `inner-lip gap vs loudness: ${JSON.stringify(r, (_, v) => (typeof v === 'number' ? +v.toFixed(3) : v))}`;
    process.stderr.write(`# ${report}\n`);
    assert.ok(r.leftOwn > 0.35 && r.leftOwn > r.leftOther + 0.3, `the left face follows the left voice; ${report}`);
    assert.ok(r.rightOwn > 0.35 && r.rightOwn > r.rightOther + 0.3, `the right face follows the right voice; ${report}`);
  });

  test('left_right and right_left play one voice after the other, the audio joined', async (t) => {
    const dir = await makeTempDir(t);
    const output = join(dir, 'turns.mp4');
    const result = await renderLipsyncImageMulti(
      multiRequest(fixture('speech-short.wav'), fixture('bilabials.wav'), { order: 'right_left' }),
      { outputPath: output, workDir: join(dir, 'work') },
    );
    const total = 1.428 + 6.105;
    assert.ok(Math.abs(result.durationSeconds - total) < 0.01, `${result.durationSeconds} s`);
    const facts = await probeOutput(output);
    assert.equal(facts.frames, Math.round(total * FPS));
    assert.ok(Math.abs(facts.audioSeconds - total) < 0.05, `audio lasts ${facts.audioSeconds} s`);
    assert.deepEqual(placeVoices('left_right', 2, 3), { left: 0, right: 2, total: 5 });
    assert.deepEqual(placeVoices('right_left', 2, 3), { left: 3, right: 0, total: 5 });
    assert.deepEqual(placeVoices('meanwhile', 2, 3), { left: 0, right: 0, total: 3 });
  });

  test('the same seed gives the same bytes; another seed changes the idle motion, not the mouths', async (t) => {
    const dir = await makeTempDir(t);
    const request = multiRequest(fixture('speech-short.wav'), fixture('speech-short.wav'));
    const run = (seed: number, name: string) =>
      renderLipsyncImageMulti({ ...request, seed }, { outputPath: join(dir, name), workDir: join(dir, `work-${name}`) });
    await run(7, 'a.mp4');
    await run(7, 'b.mp4');
    await run(8, 'c.mp4');
    const [a, b, c] = await Promise.all(['a.mp4', 'b.mp4', 'c.mp4'].map((n) => readFile(join(dir, n))));
    assert.ok(a.equals(b), 'same seed: identical MP4 bytes');
    assert.ok(!a.equals(c), 'another seed: different idle motion');
    const [gapsA, gapsC] = await Promise.all([lipGapsPerFace(join(dir, 'a.mp4'), 2), lipGapsPerFace(join(dir, 'c.mp4'), 2)]);
    for (const k of [0, 1]) {
      const r = correlation(gapsA[k], gapsC[k]);
      assert.ok(r > 0.8, `face ${k}: the mouth moves the same with either seed (r = ${r.toFixed(3)})`);
    }
  });

  test('an image with one face fails clearly', async (t) => {
    const dir = await makeTempDir(t);
    await assert.rejects(
      renderLipsyncImageMulti(
        { ...multiRequest(fixture('speech-short.wav'), fixture('speech-short.wav')), image: { path: fixture('portrait-astronaut.jpg') } },
        { outputPath: join(dir, 'out.mp4'), workDir: join(dir, 'work') },
      ),
      { name: 'NoFaceError', message: 'Found 1 face; lipsync-image-multi needs two' },
    );
    await assert.rejects(
      renderLipsyncImageMulti(
        multiRequest(fixture('speech-short.wav'), fixture('speech-short.wav'), { mask: { path: fixture('mask-left.png') } }),
        { outputPath: join(dir, 'out.mp4'), workDir: join(dir, 'work-mask') },
      ),
      { name: 'NoFaceError', message: 'Found 1 face in the white area of mask_image; lipsync-image-multi needs two' },
    );
  });

  test('two rigs never warp the same pixels: close faces get smaller rings', async () => {
    const { data, info } = await sharp(fixture('two-faces.jpg')).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const faces = await detectFaces({ data: new Uint8Array(data), width: info.width, height: info.height });
    assert.equal(faces.length, 2);
    const oval = (points: Float32Array, scale: number) => {
      const ids = topology.FACE_OVAL;
      const cx = ids.reduce((s, i) => s + points[2 * i], 0) / ids.length, cy = ids.reduce((s, i) => s + points[2 * i + 1], 0) / ids.length;
      return ids.map((i) => [cx + (points[2 * i] - cx) * scale, cy + (points[2 * i + 1] - cy) * scale] as [number, number]);
    };
    // The same face shifted right by 1.3 face-oval widths: its default rings would overlap the original's.
    const a = faces[0].points;
    const xs = topology.FACE_OVAL.map((i) => a[2 * i]);
    const shift = 1.3 * (Math.max(...xs) - Math.min(...xs));
    const b = a.map((v, i) => (i % 2 === 0 ? v + shift : v));
    const scales = ringScalesApart(a, b);
    assert.ok(scales, 'the rings are narrowed');
    assert.ok(!polygonsOverlap(oval(a, scales[1]), oval(b, scales[1])), `outer rings at ${scales[1]} keep apart`);
    assert.ok(scales[0] > 1 && scales[0] < scales[1]);
  });
});
