import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { loadImageRgba, imageOutputSize, type RgbaImage } from '../../../src/engine/media/index.js';
import { HTML_PAGE, makeTempDir, pngClaimingSize } from './media-fixtures.js';

const field = 'formState.image';
const limits = { maxPixels: 40_000_000, field };

/** A width × height picture, blue with a red block in its top-left quarter. */
async function markedImage(width: number, height: number): Promise<Sharp> {
  const red = await sharp({ create: { width: width >> 1, height: height >> 1, channels: 3, background: '#ff0000' } }).png().toBuffer();
  return sharp({ create: { width, height, channels: 3, background: '#0000ff' } }).composite([{ input: red, left: 0, top: 0 }]);
}

function pixel(image: RgbaImage, x: number, y: number): number[] {
  const i = (y * image.width + x) * 4;
  return Array.from(image.data.subarray(i, i + 4));
}

function isRed([r, g, b]: number[]): boolean {
  return r > 200 && g < 60 && b < 60;
}

describe('loadImageRgba', () => {
  test('scales a PNG down so its shorter side is shortSide, keeping the aspect', async (t) => {
    const dir = await makeTempDir(t);
    const path = join(dir, 'face.png');
    await (await markedImage(600, 400)).png().toFile(path);
    const image = await loadImageRgba(path, { shortSide: 200, ...limits });
    assert.deepEqual([image.width, image.height], [300, 200]);
    assert.equal(image.data.length, 300 * 200 * 4);
    assert.ok(isRed(pixel(image, 10, 10)));
    assert.deepEqual(pixel(image, 290, 190), [0, 0, 255, 255]);
  });

  test('scales a small JPEG up', async (t) => {
    const dir = await makeTempDir(t);
    const path = join(dir, 'face.jpg');
    await (await markedImage(40, 64)).jpeg({ quality: 95 }).toFile(path);
    const image = await loadImageRgba(path, { shortSide: 480, ...limits });
    assert.deepEqual([image.width, image.height], [480, 768]);
    assert.ok(isRed(pixel(image, 20, 20)));
  });

  test('reads WebP and adds an opaque alpha channel', async (t) => {
    const dir = await makeTempDir(t);
    const path = join(dir, 'face.webp');
    await (await markedImage(100, 100)).webp({ lossless: true }).toFile(path);
    const image = await loadImageRgba(path, { shortSide: 100, ...limits });
    assert.deepEqual([image.width, image.height], [100, 100]);
    assert.deepEqual(pixel(image, 90, 90), [0, 0, 255, 255]);
  });

  test('turns a JPEG upright by its EXIF orientation', async (t) => {
    const dir = await makeTempDir(t);
    const path = join(dir, 'phone.jpg');
    // Stored 300×200 with the red block top-left; orientation 6 means "turn 90° clockwise to view".
    await (await markedImage(300, 200)).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toFile(path);
    const image = await loadImageRgba(path, { shortSide: 100, ...limits });
    assert.deepEqual([image.width, image.height], [100, 150]);
    // Turned clockwise, the stored top-left corner is now the top-right one.
    assert.ok(isRed(pixel(image, 90, 10)), String(pixel(image, 90, 10)));
    assert.ok(!isRed(pixel(image, 10, 10)));
  });

  test('always makes both sides even', () => {
    assert.deepEqual(imageOutputSize(301, 200, 100), { width: 150, height: 100 });
    assert.deepEqual(imageOutputSize(200, 333, 480), { width: 480, height: 800 });
    assert.deepEqual(imageOutputSize(1000, 999, 481), { width: 482, height: 482 });
  });

  test('refuses a PNG whose header declares too many pixels, before decoding it', async (t) => {
    const dir = await makeTempDir(t);
    const path = join(dir, 'bomb.png');
    await writeFile(path, pngClaimingSize(40_000, 40_000));
    await assert.rejects(loadImageRgba(path, { shortSide: 480, ...limits }), {
      name: 'MediaLimitError',
      message: 'Image is 40000×40000 pixels; the limit is 40 megapixels',
    });
  });

  test('applies the configured pixel limit', async (t) => {
    const dir = await makeTempDir(t);
    const path = join(dir, 'face.png');
    await (await markedImage(300, 200)).png().toFile(path);
    await assert.rejects(loadImageRgba(path, { shortSide: 100, maxPixels: 50_000, field }), {
      name: 'MediaLimitError',
      message: 'Image is 300×200 pixels; the limit is 0.1 megapixels',
    });
  });

  test('refuses an HTML page, saying that is what it looks like', async (t) => {
    const dir = await makeTempDir(t);
    const path = join(dir, 'face.png');
    await writeFile(path, HTML_PAGE);
    await assert.rejects(loadImageRgba(path, { shortSide: 480, ...limits }), {
      name: 'InvalidMediaError',
      message: 'formState.image is not a PNG, JPEG or WebP image (it looks like HTML)',
    });
  });

  test('refuses a GIF by name', async (t) => {
    const dir = await makeTempDir(t);
    const path = join(dir, 'face.gif');
    await (await markedImage(20, 20)).gif().toFile(path);
    await assert.rejects(loadImageRgba(path, { shortSide: 480, ...limits }), {
      message: 'formState.image is not a PNG, JPEG or WebP image (it looks like a GIF image)',
    });
  });

  test('refuses a truncated PNG as undecodable', async (t) => {
    const dir = await makeTempDir(t);
    const whole = await (await markedImage(200, 200)).png({ compressionLevel: 0 }).toBuffer();
    const path = join(dir, 'face.png');
    await writeFile(path, whole.subarray(0, whole.length >> 1));
    await assert.rejects(loadImageRgba(path, { shortSide: 100, ...limits }), {
      name: 'InvalidMediaError',
      message: /^formState\.image could not be decoded as an image \(.+\)$/,
    });
  });

  test('refuses an empty file', async (t) => {
    const dir = await makeTempDir(t);
    const path = join(dir, 'face.png');
    await writeFile(path, '');
    await assert.rejects(loadImageRgba(path, { shortSide: 100, ...limits }), {
      name: 'InvalidMediaError',
      message: 'The image file at formState.image is empty',
    });
  });
});
