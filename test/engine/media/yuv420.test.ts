import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ffmpegPath, loadImageRgba, probeMedia, rgbaToYuv420, withVideoEncoder, decodeVideoFrames, yuv420FrameBytes } from '../../../src/engine/media/index.js';
import { rgbaChangesToYuv420, yuv420ToRgba, type YuvMatrix } from '../../../src/engine/media/yuv420.js';
import { makeTempDir } from './media-fixtures.js';
import { join } from 'node:path';

const PORTRAIT = fileURLToPath(new URL('../../fixtures/portrait-hopper.jpg', import.meta.url));

/** ffmpeg's own conversion (for BT.709, as the encoder does it for RGBA input). */
function ffmpegYuv(rgba: Uint8Array, width: number, height: number, matrix: YuvMatrix = 'bt709'): Uint8Array {
  return execFileSync(ffmpegPath(), [
    '-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-video_size', `${width}x${height}`, '-i', 'pipe:0',
    '-vf', `scale=out_color_matrix=${matrix}:out_range=tv,format=yuv420p`, '-f', 'rawvideo', 'pipe:1',
  ], { input: rgba, maxBuffer: 64 * 1024 * 1024 });
}

const MATRICES: YuvMatrix[] = ['bt709', 'bt601'];

describe('rgbaToYuv420', () => {
  for (const matrix of MATRICES) test(`matches ffmpeg's ${matrix} limited-range conversion of a real portrait`, async () => {
    const image = await loadImageRgba(PORTRAIT, { shortSide: 480, maxPixels: 4e6, field: 'image' });
    const ours = new Uint8Array(yuv420FrameBytes(image.width, image.height));
    rgbaToYuv420(image.data, image.width, image.height, ours, undefined, matrix);
    const theirs = ffmpegYuv(image.data, image.width, image.height, matrix);
    assert.equal(theirs.length, ours.length);
    const lumaSize = image.width * image.height;
    for (const [name, from, to, meanLimit] of [['Y', 0, lumaSize, 0.6], ['chroma', lumaSize, ours.length, 1.5]] as const) {
      let sum = 0;
      let max = 0;
      for (let i = from; i < to; i++) {
        const d = Math.abs(ours[i] - theirs[i]);
        sum += d;
        if (d > max) max = d;
      }
      const mean = sum / (to - from);
      assert.ok(mean <= meanLimit, `${name}: mean difference ${mean.toFixed(3)}`);
      // Chroma differs most at sharp colour edges: swscale filters chroma, we average 2×2 blocks.
      assert.ok(max <= (name === 'Y' ? 2 : 40), `${name}: largest difference ${max}`);
    }
  });

  for (const matrix of MATRICES) test(`${matrix}: greys stay grey and black/white map to 16/235`, () => {
    const rgba = new Uint8Array([0, 0, 0, 255, 255, 255, 255, 255, 128, 128, 128, 255, 128, 128, 128, 255]);
    const out = new Uint8Array(yuv420FrameBytes(2, 2));
    rgbaToYuv420(rgba, 2, 2, out, undefined, matrix);
    assert.deepEqual([...out.subarray(0, 4)], [16, 235, 126, 126]);
    assert.deepEqual([...out.subarray(4)], [128, 128], 'no colour');
  });

  test('converting a region changes only that region (widened to even pixels) and equals a full conversion there', async () => {
    const image = await loadImageRgba(PORTRAIT, { shortSide: 240, maxPixels: 4e6, field: 'image' });
    const { width, height } = image;
    const full = new Uint8Array(yuv420FrameBytes(width, height));
    rgbaToYuv420(image.data, width, height, full);
    const partial = new Uint8Array(full.length).fill(7);
    rgbaToYuv420(image.data, width, height, partial, { x0: 31, y0: 21, x1: 101, y1: 77 });
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const inside = x >= 30 && x < 102 && y >= 20 && y < 78;
        assert.equal(partial[y * width + x], inside ? full[y * width + x] : 7, `Y at ${x},${y}`);
      }
    }
  });

  test('the encoder takes yuv420p frames in either matrix, tags them so, and the video decodes to the same picture as from RGBA', async (t) => {
    const dir = await makeTempDir(t);
    const image = await loadImageRgba(PORTRAIT, { shortSide: 240, maxPixels: 4e6, field: 'image' });
    const { width, height } = image;
    const inputs = ['rgba', ...MATRICES] as const;
    const outputs: Record<string, string> = {};
    for (const input of inputs) {
      outputs[input] = join(dir, `${input}.mp4`);
      let frame = image.data;
      if (input !== 'rgba') {
        frame = new Uint8Array(yuv420FrameBytes(width, height));
        rgbaToYuv420(image.data, width, height, frame, undefined, input);
      }
      await withVideoEncoder(
        {
          width, height, fps: 25, frameCount: 3, durationSeconds: 3 / 25, outputPath: outputs[input], crf: 10,
          ...(input === 'rgba' ? { inputFormat: 'rgba' } : { inputFormat: 'yuv420p', yuvMatrix: input }),
        },
        async (encoder) => {
          for (let i = 0; i < 3; i++) await encoder.writeFrame(frame);
        },
      );
    }
    const decoded: Uint8Array[] = [];
    for (const input of inputs) {
      const video = (await probeMedia(outputs[input])).video!;
      assert.equal(video.colour.space, input === 'bt601' ? 'smpte170m' : 'bt709', `${input}: the colour space tag`);
      for await (const frame of decodeVideoFrames(outputs[input], { field: 'video' })) {
        decoded.push(frame.rgba);
        break;
      }
    }
    for (const k of [1, 2]) {
      let sum = 0;
      for (let i = 0; i < decoded[0].length; i++) sum += Math.abs(decoded[0][i] - decoded[k][i]);
      assert.ok(sum / decoded[0].length < 2, `${inputs[k]}: mean RGBA difference ${(sum / decoded[0].length).toFixed(2)}`);
    }
  });
});

/** Limited range → RGB in floating point from the matrix's Kr and Kb, unclipped (the reference for the fixed-point code). */
function exactRgb(y: number, u: number, v: number, matrix: YuvMatrix): [number, number, number] {
  const [kr, kb] = matrix === 'bt709' ? [0.2126, 0.0722] : [0.299, 0.114];
  const kg = 1 - kr - kb;
  const Y = ((y - 16) * 255) / 219, U = ((u - 128) * 255) / 224, V = ((v - 128) * 255) / 224;
  return [Y + 2 * (1 - kr) * V, Y - (2 * (1 - kb) * kb / kg) * U - (2 * (1 - kr) * kr / kg) * V, Y + 2 * (1 - kb) * U];
}

describe('yuv420ToRgba', () => {
  for (const matrix of MATRICES) test(`follows the ${matrix} limited-range formula, rounded and clipped to 0..255`, () => {
    // 2×2 frames of one colour each: black, white, grey, skin, a saturated red beyond the RGB cube.
    for (const [y, u, v] of [[16, 128, 128], [235, 128, 128], [126, 128, 128], [150, 110, 150], [81, 90, 240]]) {
      const yuv = new Uint8Array([y, y, y, y, u, v]);
      const rgba = new Uint8Array(16);
      yuv420ToRgba(yuv, 2, 2, rgba, undefined, matrix);
      const expected = exactRgb(y, u, v, matrix).map((c) => Math.min(255, Math.max(0, Math.round(c))));
      for (let p = 0; p < 4; p++) {
        const got = [...rgba.subarray(4 * p, 4 * p + 3)];
        got.forEach((c, i) => assert.ok(Math.abs(c - expected[i]) <= 1, `yuv ${y},${u},${v}: got ${got}, expected ${expected}`));
        assert.equal(rgba[4 * p + 3], 255, 'opaque');
      }
    }
  });

  for (const matrix of MATRICES) test(`${matrix}: undoes rgbaToYuv420: converting its RGBA again gives the same chroma and the luma within a step`, async () => {
    const image = await loadImageRgba(PORTRAIT, { shortSide: 240, maxPixels: 4e6, field: 'image' });
    const { width, height } = image;
    const yuv = new Uint8Array(yuv420FrameBytes(width, height));
    rgbaToYuv420(image.data, width, height, yuv, undefined, matrix);
    const rgba = new Uint8Array(width * height * 4);
    yuv420ToRgba(yuv, width, height, rgba, undefined, matrix);
    const again = new Uint8Array(yuv.length);
    rgbaToYuv420(rgba, width, height, again, undefined, matrix);
    // A pixel takes its block's chroma; where that pushes its RGB out of 0..255 the clipping moves
    // it, elsewhere only rounding does.
    let lumaOff = 0, lumaMoved = 0, chromaOff = 0;
    for (let i = 0; i < yuv.length; i++) {
      const d = Math.abs(again[i] - yuv[i]);
      if (i < width * height) {
        lumaOff += d;
        if (d > 1) lumaMoved++;
      } else {
        chromaOff += d;
      }
    }
    const report = `luma: mean ${(lumaOff / (width * height)).toFixed(3)}, ${lumaMoved} pixels moved more than a step; ` +
      `chroma: mean ${(chromaOff / (yuv.length - width * height)).toFixed(3)}`;
    process.stderr.write(`# ${report}\n`);
    assert.ok(lumaOff / (width * height) < 0.1 && lumaMoved / (width * height) < 0.005, report);
    assert.ok(chromaOff / (yuv.length - width * height) < 0.05, report);
  });

  test('converts only the region, widened to even pixels', () => {
    const width = 8, height = 6;
    const yuv = new Uint8Array(yuv420FrameBytes(width, height)).fill(128);
    const rgba = new Uint8Array(width * height * 4).fill(7);
    yuv420ToRgba(yuv, width, height, rgba, { x0: 3, y0: 1, x1: 5, y1: 3 });
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const inside = x >= 2 && x < 6 && y >= 0 && y < 4;
        assert.equal(rgba[(y * width + x) * 4], inside ? 130 : 7, `R at ${x},${y}`);
      }
    }
  });
});

describe('rgbaChangesToYuv420', () => {
  for (const matrix of MATRICES) test(`${matrix}: rewrites only the 2×2 blocks whose RGBA changed; the rest keeps its yuv bytes exactly`, async () => {
    const image = await loadImageRgba(PORTRAIT, { shortSide: 240, maxPixels: 4e6, field: 'image' });
    const { width, height } = image;
    // A frame as a decoder gives it: not the conversion of any RGBA, so a round trip would move it.
    const yuv = new Uint8Array(yuv420FrameBytes(width, height));
    rgbaToYuv420(image.data, width, height, yuv, undefined, matrix);
    for (let i = 0; i < width * height; i += 3) yuv[i] = Math.min(235, yuv[i] + 1);
    const before = new Uint8Array(width * height * 4);
    yuv420ToRgba(yuv, width, height, before, undefined, matrix);
    const drawn = Uint8Array.from(before);
    // Change one pixel (41, 31): its block is x 40–41, y 30–31.
    drawn.set([255, 0, 0], (31 * width + 41) * 4);
    const out = Uint8Array.from(yuv);
    rgbaChangesToYuv420(drawn, before, width, height, out, { x0: 10, y0: 10, x1: 90, y1: 90 }, matrix);
    const expected = Uint8Array.from(yuv);
    rgbaToYuv420(drawn, width, height, expected, { x0: 40, y0: 30, x1: 42, y1: 32 }, matrix);
    assert.notDeepEqual(expected, yuv, 'the changed block converts to other values');
    assert.deepEqual(out, expected, 'exactly that block was converted, nothing else');
  });
});
