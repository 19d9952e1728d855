// RGBA → YUV 4:2:0 (limited range, BT.709 or BT.601: what the encoder tags its output as), written
// into a frame buffer in ffmpeg's yuv420p layout. Converting here instead of in ffmpeg lets a pipeline
// whose frames change only in one region (a face) convert just that region each frame and send
// 1.5 bytes per pixel down the pipe instead of 4. The inverse lets a pipeline that receives
// yuv420p frames (lipsync-video) draw on one region in RGBA and write back only what it changed.

/** A rectangle of pixels [x0, x1) × [y0, y1). */
export interface FrameRegion { x0: number; y0: number; x1: number; y1: number }

export function yuv420FrameBytes(width: number, height: number): number {
  return width * height + 2 * ((width >> 1) * (height >> 1));
}

/**
 * The two matrices a limited-range YUV frame is worked on in: BT.709 (HD, and what anything else
 * is converted to) and BT.601 (SD), which lipsync-video keeps when the source has it so that the
 * pixels it does not dub reach the encoder exactly as decoded (media/video-decode.ts).
 */
export type YuvMatrix = 'bt709' | 'bt601';

interface Coefficients {
  yr: number; yg: number; yb: number; ur: number; ug: number; ub: number; vr: number; vg: number; vb: number;
  /** The inverse's chroma terms: R += rv·V, G −= gu·U + gv·V, B += bu·U. */
  rv: number; gu: number; gv: number; bu: number;
}

// Kr, Kb of each matrix, scaled by 219/255 (luma) and 224/255 (chroma) to limited range, in 16.16
// fixed point; each row sums to the full scale (Y) or to 0 (Cb, Cr) so greys stay exactly grey.
// The inverse: 255/224 × (2(1−Kr), 2(1−Kb)Kb/Kg, 2(1−Kr)Kr/Kg, 2(1−Kb)) per chroma step.
const COEFFICIENTS: Record<YuvMatrix, Coefficients> = {
  bt709: {
    yr: 11966, yg: 40254, yb: 4064, ur: -6596, ug: -22188, ub: 28784, vr: 28784, vg: -26145, vb: -2639,
    rv: 117489, gu: 13975, gv: 34925, bu: 138438,
  },
  bt601: {
    yr: 16829, yg: 33039, yb: 6416, ur: -9714, ug: -19070, ub: 28784, vr: 28784, vg: -24103, vb: -4681,
    rv: 104597, gu: 25675, gv: 53279, bu: 132201,
  },
};
const HALF = 1 << 15;

/**
 * Converts `region` (all of the frame when absent) of `rgba` into `out`. The region is widened to
 * even coordinates, since each chroma sample covers 2×2 pixels. Width and height must be even.
 */
export function rgbaToYuv420(
  rgba: Uint8Array, width: number, height: number, out: Uint8Array, region?: FrameRegion, matrix: YuvMatrix = 'bt709',
): void {
  const { x0, y0, x1, y1 } = evenRegion(width, height, region);
  const { yr: YR, yg: YG, yb: YB, ur: UR, ug: UG, ub: UB, vr: VR, vg: VG, vb: VB } = COEFFICIENTS[matrix];
  const chromaWidth = width >> 1;
  const uPlane = width * height;
  const vPlane = uPlane + chromaWidth * (height >> 1);
  // The block conversion is written out here rather than calling blockToYuv420: the call made
  // a whole 720p frame 3.8 → 5.0 ms (same bytes out), and this runs for every rendered frame.
  for (let y = y0; y < y1; y += 2) {
    let top = (y * width + x0) * 4;
    let bottom = top + width * 4;
    let yTop = y * width + x0;
    let yBottom = yTop + width;
    let c = (y >> 1) * chromaWidth + (x0 >> 1);
    for (let x = x0; x < x1; x += 2, top += 8, bottom += 8, yTop += 2, yBottom += 2, c++) {
      const r0 = rgba[top], g0 = rgba[top + 1], b0 = rgba[top + 2];
      const r1 = rgba[top + 4], g1 = rgba[top + 5], b1 = rgba[top + 6];
      const r2 = rgba[bottom], g2 = rgba[bottom + 1], b2 = rgba[bottom + 2];
      const r3 = rgba[bottom + 4], g3 = rgba[bottom + 5], b3 = rgba[bottom + 6];
      out[yTop] = ((YR * r0 + YG * g0 + YB * b0 + HALF) >> 16) + 16;
      out[yTop + 1] = ((YR * r1 + YG * g1 + YB * b1 + HALF) >> 16) + 16;
      out[yBottom] = ((YR * r2 + YG * g2 + YB * b2 + HALF) >> 16) + 16;
      out[yBottom + 1] = ((YR * r3 + YG * g3 + YB * b3 + HALF) >> 16) + 16;
      // Chroma of the 2×2 block's mean colour (sums ×4, hence the 18-bit shift).
      const r = r0 + r1 + r2 + r3, g = g0 + g1 + g2 + g3, b = b0 + b1 + b2 + b3;
      out[uPlane + c] = ((UR * r + UG * g + UB * b + (1 << 17)) >> 18) + 128;
      out[vPlane + c] = ((VR * r + VG * g + VB * b + (1 << 17)) >> 18) + 128;
    }
  }
}

// The inverse (limited range → RGB), 16.16 fixed point: 255/219 per luma step.
const Y_SCALE = 76309;
/** Y_SCALE × (Y − 16) per luma sample. */
const LUMA = Int32Array.from({ length: 256 }, (_, y) => Y_SCALE * (y - 16));
/** Clips R, G or B (any of them lies within −290 … 550) to 0..255; index = value + CLAMP_OFFSET. */
const CLAMP_OFFSET = 384;
const CLAMP = Uint8Array.from({ length: 1280 }, (_, i) => Math.min(255, Math.max(0, i - CLAMP_OFFSET)));
/** Alpha 255 in a little-endian RGBA word. */
const OPAQUE = 0xff000000 | 0;

/**
 * Converts `region` (all of the frame when absent; widened to even coordinates) of the yuv420p
 * frame `yuv` into `rgba` (alpha 255). Each 2×2 block takes its own chroma sample unfiltered, so
 * rgbaToYuv420 of the result gives back the same chroma, and the luma within a step.
 */
export function yuv420ToRgba(
  yuv: Uint8Array, width: number, height: number, rgba: Uint8Array, region?: FrameRegion, matrix: YuvMatrix = 'bt709',
): void {
  const { x0, y0, x1, y1 } = evenRegion(width, height, region);
  const { rv: RV, gu: GU, gv: GV, bu: BU } = COEFFICIENTS[matrix];
  // One 32-bit store per pixel (little-endian: R in the low byte) instead of four byte stores.
  const out = wordView(rgba);
  const chromaWidth = width >> 1;
  const uPlane = width * height;
  const vPlane = uPlane + chromaWidth * (height >> 1);
  const offset = (CLAMP_OFFSET << 16) + HALF;
  for (let y = y0; y < y1; y += 2) {
    let top = y * width + x0;
    let c = (y >> 1) * chromaWidth + (x0 >> 1);
    for (let x = x0; x < x1; x += 2, top += 2, c++) {
      const u = yuv[uPlane + c] - 128, v = yuv[vPlane + c] - 128;
      const r = RV * v + offset, g = offset - GU * u - GV * v, b = BU * u + offset;
      const bottom = top + width;
      let luma = LUMA[yuv[top]];
      out[top] = OPAQUE | (CLAMP[(luma + b) >> 16] << 16) | (CLAMP[(luma + g) >> 16] << 8) | CLAMP[(luma + r) >> 16];
      luma = LUMA[yuv[top + 1]];
      out[top + 1] = OPAQUE | (CLAMP[(luma + b) >> 16] << 16) | (CLAMP[(luma + g) >> 16] << 8) | CLAMP[(luma + r) >> 16];
      luma = LUMA[yuv[bottom]];
      out[bottom] = OPAQUE | (CLAMP[(luma + b) >> 16] << 16) | (CLAMP[(luma + g) >> 16] << 8) | CLAMP[(luma + r) >> 16];
      luma = LUMA[yuv[bottom + 1]];
      out[bottom + 1] = OPAQUE | (CLAMP[(luma + b) >> 16] << 16) | (CLAMP[(luma + g) >> 16] << 8) | CLAMP[(luma + r) >> 16];
    }
  }
  // A misaligned `rgba` was converted in a copy.
  if (out.buffer !== rgba.buffer) rgba.set(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
}

/**
 * rgbaToYuv420 over `region`, but only for the 2×2 blocks where `rgba` differs from `before` (the
 * RGBA the frame's yuv was converted to): the others keep their yuv exactly, so pixels a render
 * left alone come out bit for bit as they were decoded, with no round-trip rounding.
 */
export function rgbaChangesToYuv420(
  rgba: Uint8Array, before: Uint8Array, width: number, height: number, out: Uint8Array, region: FrameRegion,
  matrix: YuvMatrix = 'bt709',
): void {
  const { x0, y0, x1, y1 } = evenRegion(width, height, region);
  const k = COEFFICIENTS[matrix];
  const now = wordView(rgba), was = wordView(before);
  const chromaWidth = width >> 1;
  const uPlane = width * height;
  const vPlane = uPlane + chromaWidth * (height >> 1);
  for (let y = y0; y < y1; y += 2) {
    let top = y * width + x0;
    let c = (y >> 1) * chromaWidth + (x0 >> 1);
    for (let x = x0; x < x1; x += 2, top += 2, c++) {
      const bottom = top + width;
      if (now[top] === was[top] && now[top + 1] === was[top + 1] && now[bottom] === was[bottom] && now[bottom + 1] === was[bottom + 1]) continue;
      blockToYuv420(rgba, top, bottom, out, uPlane + c, vPlane + c, k);
    }
  }
}

/** One 2×2 block (pixel indices of its top-left and bottom-left pixels), as in rgbaToYuv420. */
function blockToYuv420(
  rgba: Uint8Array, topPixel: number, bottomPixel: number, out: Uint8Array, u: number, v: number, k: Coefficients,
): void {
  const { yr: YR, yg: YG, yb: YB, ur: UR, ug: UG, ub: UB, vr: VR, vg: VG, vb: VB } = k;
  const top = topPixel * 4, bottom = bottomPixel * 4;
  const r0 = rgba[top], g0 = rgba[top + 1], b0 = rgba[top + 2];
  const r1 = rgba[top + 4], g1 = rgba[top + 5], b1 = rgba[top + 6];
  const r2 = rgba[bottom], g2 = rgba[bottom + 1], b2 = rgba[bottom + 2];
  const r3 = rgba[bottom + 4], g3 = rgba[bottom + 5], b3 = rgba[bottom + 6];
  out[topPixel] = ((YR * r0 + YG * g0 + YB * b0 + HALF) >> 16) + 16;
  out[topPixel + 1] = ((YR * r1 + YG * g1 + YB * b1 + HALF) >> 16) + 16;
  out[bottomPixel] = ((YR * r2 + YG * g2 + YB * b2 + HALF) >> 16) + 16;
  out[bottomPixel + 1] = ((YR * r3 + YG * g3 + YB * b3 + HALF) >> 16) + 16;
  const r = r0 + r1 + r2 + r3, g = g0 + g1 + g2 + g3, b = b0 + b1 + b2 + b3;
  out[u] = ((UR * r + UG * g + UB * b + (1 << 17)) >> 18) + 128;
  out[v] = ((VR * r + VG * g + VB * b + (1 << 17)) >> 18) + 128;
}

function evenRegion(width: number, height: number, region?: FrameRegion): FrameRegion {
  return {
    x0: Math.max(0, (region?.x0 ?? 0) & ~1),
    y0: Math.max(0, (region?.y0 ?? 0) & ~1),
    x1: Math.min(width, ((region?.x1 ?? width) + 1) & ~1),
    y1: Math.min(height, ((region?.y1 ?? height) + 1) & ~1),
  };
}

/** 32-bit view of an RGBA buffer (one word per pixel); a misaligned one is copied first. */
function wordView(bytes: Uint8Array): Uint32Array {
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : Uint8Array.from(bytes);
  return new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.length >> 2);
}
