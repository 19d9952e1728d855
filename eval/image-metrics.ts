// Fidelity metrics for the video modes, where the output must equal the source outside the mouth:
//   M7 PSNR (RGB) outside a dilated mouth-and-jaw box, output frame vs source frame;
//   M8 sharpness inside the mouth box: Laplacian variance of the output over the source's.
import type { Box } from './mouth-geometry.js';
import { clampBox } from './mouth-geometry.js';

export interface RgbaImage { data: Uint8Array; width: number; height: number }

function assertSameSize(a: RgbaImage, b: RgbaImage): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new RangeError(`images differ in size: ${a.width}×${a.height} vs ${b.width}×${b.height}`);
  }
}

/** Sum of squared RGB differences outside `excluded`, and how many values were summed. */
export function squaredErrorOutsideBox(output: RgbaImage, source: RgbaImage, excluded: Box): { sum: number; count: number } {
  assertSameSize(output, source);
  const box = clampBox(excluded, output.width, output.height);
  let sum = 0;
  let count = 0;
  for (let y = 0; y < output.height; y++) {
    const insideRow = y >= box.y && y < box.y + box.height;
    for (let x = 0; x < output.width; x++) {
      if (insideRow && x >= box.x && x < box.x + box.width) continue;
      const i = (y * output.width + x) * 4;
      for (let c = 0; c < 3; c++) {
        const d = output.data[i + c] - source.data[i + c];
        sum += d * d;
      }
      count += 3;
    }
  }
  return { sum, count };
}

/** PSNR in dB of 8-bit values from a mean squared error; Infinity for none, NaN for no values. */
export function psnrFromSquaredError({ sum, count }: { sum: number; count: number }): number {
  if (count === 0) return Number.NaN;
  const mse = sum / count;
  return mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255) / mse);
}

/** M7: PSNR in dB over the RGB pixels outside `excluded`; Infinity when they are identical. */
export function psnrOutsideBox(output: RgbaImage, source: RgbaImage, excluded: Box): number {
  return psnrFromSquaredError(squaredErrorOutsideBox(output, source, excluded));
}

/** Variance of the 4-neighbour Laplacian of the luma (BT.601) over the pixels of `region` that have all four neighbours. */
export function laplacianVariance(image: RgbaImage, region: Box): number {
  const box = clampBox(region, image.width, image.height);
  const { width, data } = image;
  const luma = (x: number, y: number): number => {
    const i = (y * width + x) * 4;
    return 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
  };
  const x0 = Math.max(1, box.x), x1 = Math.min(image.width - 1, box.x + box.width);
  const y0 = Math.max(1, box.y), y1 = Math.min(image.height - 1, box.y + box.height);
  let n = 0, sum = 0, sumSq = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const l = luma(x - 1, y) + luma(x + 1, y) + luma(x, y - 1) + luma(x, y + 1) - 4 * luma(x, y);
      n++; sum += l; sumSq += l * l;
    }
  }
  if (n === 0) return Number.NaN;
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

/** M8: output sharpness in its mouth box over the source's in its own (they may sit at different places). */
export function sharpnessRatio(output: RgbaImage, outputMouth: Box, source: RgbaImage, sourceMouth: Box): number {
  const reference = laplacianVariance(source, sourceMouth);
  return reference > 0 ? laplacianVariance(output, outputMouth) / reference : Number.NaN;
}
