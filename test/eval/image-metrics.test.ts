// M7 (PSNR outside the mouth-and-jaw box) and M8 (mouth sharpness ratio) on synthetic images.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { laplacianVariance, psnrOutsideBox, sharpnessRatio, type RgbaImage } from '../../eval/image-metrics.js';

function image(width: number, height: number, pixel: (x: number, y: number) => number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = pixel(x, y);
      data.set([v, v, v, 255], (y * width + x) * 4);
    }
  }
  return { data, width, height };
}

/** Fine texture: a checkerboard of 2 px squares. */
const texture = (x: number, y: number): number => ((Math.floor(x / 2) + Math.floor(y / 2)) % 2 ? 200 : 60);
/** The same texture through a 3×3 box blur. */
function blurred(x: number, y: number): number {
  let sum = 0;
  for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) sum += texture(x + dx, y + dy);
  return Math.round(sum / 9);
}

const box = { x: 20, y: 20, width: 24, height: 16 };

describe('M7 PSNR outside the mouth-and-jaw box', () => {
  test('is infinite when only the inside of the box changed', () => {
    const source = image(64, 64, texture);
    const output = image(64, 64, (x, y) => (x >= 20 && x < 44 && y >= 20 && y < 36 ? 0 : texture(x, y)));
    assert.equal(psnrOutsideBox(output, source, box), Infinity);
  });

  test('is 10·log10(255²/100) ≈ 28.1 dB when everything outside is off by 10', () => {
    const source = image(64, 64, () => 100);
    const output = image(64, 64, () => 110);
    assert.ok(Math.abs(psnrOutsideBox(output, source, box) - 10 * Math.log10((255 * 255) / 100)) < 1e-9);
  });

  test('refuses images of different sizes', () => {
    assert.throws(() => psnrOutsideBox(image(64, 64, texture), image(32, 64, texture), box), RangeError);
  });
});

describe('M8 mouth sharpness', () => {
  test('a flat region has no Laplacian variance, a fine texture a lot', () => {
    assert.equal(laplacianVariance(image(64, 64, () => 90), box), 0);
    assert.ok(laplacianVariance(image(64, 64, texture), box) > 1000);
  });

  test('is 1 for an unchanged mouth and well under 0.8 for a blurred one, wherever the mouth sits', () => {
    const source = image(64, 64, texture);
    assert.equal(sharpnessRatio(source, box, source, box), 1);
    const soft = sharpnessRatio(image(64, 64, blurred), { ...box, x: 24, y: 24 }, source, box);
    assert.ok(soft < 0.8, `ratio ${soft}`);
  });
});
