// `mask_image`: which faces may be animated, and where pixels may change. A face is eligible when
// its mouth lies in the white area; after rendering, every pixel is pulled back toward the source
// as far as the mask is dark, so nothing outside the white area changes. A mask that is white
// everywhere restricts nothing and is dropped; a mask is never drawn into the picture itself.
import { fetchMedia, loadMaskImage } from '../media/index.js';
import type { EngineLimits, MediaSource } from '../types.js';

export interface AnimationMask {
  width: number;
  height: number;
  /** One level per pixel: 255 = may change, 0 = must stay the source. */
  alpha: Uint8Array;
}

/** A pixel at or above this level counts as white; JPEG masks rarely hold a clean 255. */
const WHITE = 250;
/** The mouth counts as inside when its centre is at least this light. */
const INSIDE = 128;

export interface LoadAnimationMaskOptions {
  width: number;
  height: number;
  limits: EngineLimits;
  workDir: string;
  signal?: AbortSignal;
}

/** The mask stretched to the output size, or null when there is none or it covers everything. */
export async function loadAnimationMask(source: MediaSource | undefined, opts: LoadAnimationMaskOptions): Promise<AnimationMask | null> {
  if (!source) return null;
  const field = 'formState.mask_image';
  const path = await fetchMedia(source, { destDir: opts.workDir, field, limits: opts.limits, signal: opts.signal });
  const alpha = await loadMaskImage(path, { width: opts.width, height: opts.height, maxPixels: opts.limits.maxImagePixels, field });
  for (let i = 0; i < alpha.length; i++) {
    if (alpha[i] < WHITE) return { width: opts.width, height: opts.height, alpha };
  }
  return null;
}

/** Whether the mouth of a face (468 landmarks, output pixels) lies in the white area. */
export function mouthInMask(mask: AnimationMask | null, points: Float32Array): boolean {
  if (!mask) return true;
  // Midpoint of the inner lips' centre pair (13 upper, 14 lower).
  const x = Math.round((points[26] + points[28]) / 2), y = Math.round((points[27] + points[29]) / 2);
  if (x < 0 || y < 0 || x >= mask.width || y >= mask.height) return false;
  return mask.alpha[y * mask.width + x] >= INSIDE;
}

/** A rectangle of pixels, inclusive start, exclusive end. */
export interface PixelRegion { x0: number; y0: number; x1: number; y1: number }

export function wholeFrame(width: number, height: number): PixelRegion {
  return { x0: 0, y0: 0, x1: width, y1: height };
}

/**
 * Within `region`, move `out` toward `source` by (1 − strength · mask): strength 1 and a white mask
 * keep the rendered pixel, 0 or black give back the source pixel exactly.
 */
export function blendTowardSource(
  out: Uint8Array, source: Uint8Array, width: number, region: PixelRegion, strength: number, mask: AnimationMask | null,
): void {
  const keep256 = Math.round(Math.min(1, Math.max(0, strength)) * 256);
  for (let y = region.y0; y < region.y1; y++) {
    let o = (y * width + region.x0) * 4;
    let m = y * width + region.x0;
    for (let x = region.x0; x < region.x1; x++, o += 4, m++) {
      const w = mask ? (keep256 * mask.alpha[m] + 127) / 255 | 0 : keep256;
      if (w >= 256) continue;
      if (w <= 0) {
        out[o] = source[o]; out[o + 1] = source[o + 1]; out[o + 2] = source[o + 2];
        continue;
      }
      out[o] = source[o] + (((out[o] - source[o]) * w) >> 8);
      out[o + 1] = source[o + 1] + (((out[o + 1] - source[o + 1]) * w) >> 8);
      out[o + 2] = source[o + 2] + (((out[o + 2] - source[o + 2]) * w) >> 8);
    }
  }
}
