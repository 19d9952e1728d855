// mask_image: only a face whose mouth is in the white area moves, nothing outside it changes, a
// mask that is white everywhere changes nothing, and one that leaves no face fails clearly.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { prepareEngine, renderLipsyncImage, renderLipsyncVideo, type LipsyncImageRequest } from '../../../src/engine/index.js';
import { encodeReference, encodeVideoReference, ffmpeg, fixture, makeTempDir, meanDifference, readFrames } from './pipeline-fixtures.js';

const FPS = 25;

/**
 * How far the output is from the source, per half, against how far a plain encode of the source
 * is: a half the pipeline left alone is no further from the source than that encode.
 */
function compareHalves(
  out: Array<{ rgba: Uint8Array; width: number; height: number }>, plain: Array<{ rgba: Uint8Array }>, source: Array<{ rgba: Uint8Array }>,
) {
  const { width, height } = out[0];
  const worst = (pick: (i: number) => number) => Math.max(...out.map((_, i) => pick(i)));
  const result = {
    rightOutput: worst((i) => meanDifference(out[i].rgba, source[i].rgba, width, height, width / 2, width)),
    rightPlain: worst((i) => meanDifference(plain[i].rgba, source[i].rgba, width, height, width / 2, width)),
    leftChange: worst((i) => meanDifference(out[i].rgba, plain[i].rgba, width, height, 0, width / 2)),
    rightChange: worst((i) => meanDifference(out[i].rgba, plain[i].rgba, width, height, width / 2, width)),
  };
  const report = `mean |difference| (worst frame): right half output→source ${result.rightOutput.toFixed(2)}, plain encode→source ` +
    `${result.rightPlain.toFixed(2)}; output→plain encode: left ${result.leftChange.toFixed(2)}, right ${result.rightChange.toFixed(2)}`;
  process.stderr.write(`# ${report}\n`);
  return { ...result, report };
}

describe('mask_image', { timeout: 300_000 }, () => {
  before(() => prepareEngine());

  const imageRequest = (mask?: string): LipsyncImageRequest => ({
    image: { path: fixture('two-faces.jpg') }, audio: { path: fixture('speech-short.wav') }, resolution: '480p', seed: 2,
    ...(mask ? { mask: { path: mask } } : {}),
  });

  test('lipsync-image: the face outside the mask stays exactly the source, the one inside speaks', async (t) => {
    const dir = await makeTempDir(t);
    const output = join(dir, 'masked.mp4');
    const result = await renderLipsyncImage(imageRequest(fixture('mask-left.png')), { outputPath: output, workDir: join(dir, 'work') });
    // The reference: the still picture at the output size, through the same encoder and decoder.
    const { data } = await sharp(fixture('two-faces.jpg')).resize(result.width, result.height, { fit: 'fill', kernel: 'lanczos3' })
      .ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const still = { rgba: new Uint8Array(data), width: result.width, height: result.height };
    const reference = join(dir, 'reference.mp4');
    await encodeReference(Array.from({ length: result.frames }, () => still), reference, FPS);
    const c = compareHalves(await readFrames(output), await readFrames(reference), Array.from({ length: result.frames }, () => still));
    assert.ok(c.rightOutput <= c.rightPlain + 0.1, `the right face (outside the mask) is the source within encoding noise; ${c.report}`);
    assert.ok(c.leftChange > 3 * c.rightChange, `the left face (inside the mask) moves; ${c.report}`);
  });

  test('a mask that is white everywhere restricts nothing; one with no face in its white area fails', async (t) => {
    const dir = await makeTempDir(t);
    const white = join(dir, 'white.png'), black = join(dir, 'black.png');
    await writeFile(white, await sharp({ create: { width: 64, height: 32, channels: 3, background: '#ffffff' } }).png().toBuffer());
    await writeFile(black, await sharp({ create: { width: 64, height: 32, channels: 3, background: '#000000' } }).png().toBuffer());
    await renderLipsyncImage(imageRequest(white), { outputPath: join(dir, 'white.mp4'), workDir: join(dir, 'w1') });
    await renderLipsyncImage(imageRequest(), { outputPath: join(dir, 'none.mp4'), workDir: join(dir, 'w2') });
    assert.ok((await readFile(join(dir, 'white.mp4'))).equals(await readFile(join(dir, 'none.mp4'))), 'same bytes as without a mask');
    await assert.rejects(
      renderLipsyncImage(imageRequest(black), { outputPath: join(dir, 'black.mp4'), workDir: join(dir, 'w3') }),
      { name: 'NoFaceError', message: 'No face found in the white area of mask_image' },
    );
  });

  test('lipsync-video: the mask chooses the speaker and the other face stays the source', async (t) => {
    const dir = await makeTempDir(t);
    // Two people in a 2 s video with a slight zoom, so every frame differs.
    const video = join(dir, 'two.mp4');
    await ffmpeg([
      '-loop', '1', '-i', fixture('two-faces.jpg'), '-vf', "scale=1280:640,zoompan=z='1+0.001*on':d=1:s=640x320:fps=25",
      '-frames:v', '50', '-c:v', 'libx264', '-crf', '18', '-pix_fmt', 'yuv420p', video,
    ]);
    const output = join(dir, 'masked.mp4');
    const result = await renderLipsyncVideo(
      { video: { path: video }, audio: { path: fixture('speech-short.wav') }, resolution: '480p', seed: 1, syncMode: 'cut_off', onNoFace: 'passthrough', mask: { path: fixture('mask-left.png') } },
      { outputPath: output, workDir: join(dir, 'work') },
    );
    const source = (await readFrames(video, result.width)).slice(0, result.frames);
    const reference = join(dir, 'reference.mp4');
    await encodeVideoReference(video, reference, { width: result.width, height: result.height, fps: FPS, frames: result.frames });
    const c = compareHalves(await readFrames(output), await readFrames(reference), source);
    assert.ok(c.rightOutput <= c.rightPlain + 0.1, `the right face is the source within encoding noise; ${c.report}`);
    assert.ok(c.leftChange > 3 * c.rightChange, `the left face is dubbed; ${c.report}`);
  });
});
