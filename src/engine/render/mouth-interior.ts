// Paints the inside of the open mouth: a dark cavity with depth shading, the upper-teeth band
// (hanging from the skull, so jaw motion reveals more of it), lower teeth and a hint of tongue
// when wide open. Colours come from the person's own lips and skin so the interior matches the
// photo's white balance; edges are anti-aliased against the lips, so no box or seam can show.
import { topology } from '../face/index.js';
import type { MouthGeometry } from './pose.js';
import type { RgbaBuffer } from './warp.js';

export interface MouthPalette {
  cavity: [number, number, number];
  teeth: [number, number, number];
  tongue: [number, number, number];
}

function sampleMean(img: RgbaBuffer, points: Float32Array, indices: number[]): [number, number, number] {
  let r = 0, g = 0, b = 0, n = 0;
  for (const i of indices) {
    const cx = Math.round(points[2 * i]), cy = Math.round(points[2 * i + 1]);
    for (let y = cy - 1; y <= cy + 1; y++) {
      for (let x = cx - 1; x <= cx + 1; x++) {
        if (x < 0 || y < 0 || x >= img.width || y >= img.height) continue;
        const o = (y * img.width + x) * 4;
        r += img.data[o]; g += img.data[o + 1]; b += img.data[o + 2]; n++;
      }
    }
  }
  return n ? [r / n, g / n, b / n] : [128, 100, 100];
}

/** Mesh points below the cheekbones whose surroundings give the skin colour. */
const SKIN_SAMPLES = [205, 425, 50, 280, 199, 419];

/** Derive interior colours from the source photo's lips and cheeks. */
export function mouthPaletteFromImage(img: RgbaBuffer, points: Float32Array): MouthPalette {
  const lip = sampleMean(img, points, topology.LIPS_LOWER_BODY);
  const skin = sampleMean(img, points, SKIN_SAMPLES);
  const skinLuma = 0.299 * skin[0] + 0.587 * skin[1] + 0.114 * skin[2];
  const light = Math.min(1.05, Math.max(0.55, skinLuma / 165));
  // Teeth: off-white under the photo's light, with a quarter of the skin's colour cast.
  const teeth = [232, 226, 212].map((c, i) => Math.min(250, light * (0.78 * c + 0.22 * skin[i] * (220 / Math.max(60, skinLuma))))) as [number, number, number];
  const cavity = lip.map((c) => c * 0.22 + 6) as [number, number, number];
  const tongue = lip.map((c) => c * 0.62) as [number, number, number];
  return { cavity, teeth, tongue };
}

/** The pixels mouthPaletteFromImage reads, [x0, x1) × [y0, y1) (unclamped; NaN for points it cannot place). */
export function paletteSampleBounds(points: Float32Array): { x0: number; y0: number; x1: number; y1: number } {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const i of [...topology.LIPS_LOWER_BODY, ...SKIN_SAMPLES]) {
    const x = Math.round(points[2 * i]), y = Math.round(points[2 * i + 1]);
    if (!(x === x && y === y)) return { x0: NaN, y0: NaN, x1: NaN, y1: NaN };
    x0 = Math.min(x0, x - 1); y0 = Math.min(y0, y - 1); x1 = Math.max(x1, x + 2); y1 = Math.max(y1, y + 2);
  }
  return { x0, y0, x1, y1 };
}

function smoothstep(e0: number, e1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}

/**
 * Height (along ey, relative to the frame origin) of a contour at position s across the mouth:
 * a Catmull-Rom curve through the landmark points, so a large mouth shows no polygon corners.
 */
function contourAt(s: number, ss: Float32Array, ts: Float32Array): number {
  const n = ss.length;
  if (s <= ss[0]) return ts[0];
  if (s >= ss[n - 1]) return ts[n - 1];
  let k = 0;
  while (k < n - 2 && s > ss[k + 1]) k++;
  const s0 = ss[k], s1 = ss[k + 1];
  const f = s1 - s0 > 1e-6 ? Math.min(1, Math.max(0, (s - s0) / (s1 - s0))) : 0;
  const p0 = ts[k > 0 ? k - 1 : k], p1 = ts[k], p2 = ts[k + 1], p3 = ts[k + 2 < n ? k + 2 : k + 1];
  const f2 = f * f, f3 = f2 * f;
  return 0.5 * (2 * p1 + (p2 - p0) * f + (2 * p0 - 5 * p1 + 4 * p2 - p3) * f2 + (3 * p1 - p0 - 3 * p2 + p3) * f3);
}

// Scratch buffers for contours in the mouth frame (11 lip pairs).
const scratch = {
  us: new Float32Array(11), ut: new Float32Array(11), ls: new Float32Array(11), lt: new Float32Array(11),
  ues: new Float32Array(11), uet: new Float32Array(11), les: new Float32Array(11), let: new Float32Array(11),
};

function toMouthFrame(src: Float32Array, ox: number, oy: number, ex: [number, number], ey: [number, number], s: Float32Array, t: Float32Array): void {
  for (let k = 0; k < s.length; k++) {
    const dx = src[2 * k] - ox, dy = src[2 * k + 1] - oy;
    s[k] = dx * ex[0] + dy * ex[1];
    t[k] = dx * ey[0] + dy * ey[1];
  }
}

/** Paint the mouth interior of one posed frame into `dst` (RGBA, width × height). */
export function paintMouthInterior(dst: Uint8Array, width: number, height: number, mouth: MouthGeometry, palette: MouthPalette): void {
  const { upperInner, lowerInner, ex, ey, mouthWidth } = mouth;
  const pairs = upperInner.length / 2;
  const ox = (upperInner[0] + upperInner[2 * (pairs - 1)]) / 2;
  const oy = (upperInner[1] + upperInner[2 * (pairs - 1) + 1]) / 2;
  const { us, ut, ls, lt, ues, uet, les, let: lowerEdgeT } = scratch;
  toMouthFrame(upperInner, ox, oy, ex, ey, us, ut);
  toMouthFrame(lowerInner, ox, oy, ex, ey, ls, lt);
  toMouthFrame(mouth.upperTeethEdge, ox, oy, ex, ey, ues, uet);
  toMouthFrame(mouth.lowerTeethEdge, ox, oy, ex, ey, les, lowerEdgeT);
  let maxGap = 0;
  for (let k = 0; k < pairs; k++) maxGap = Math.max(maxGap, lt[k] - ut[k]);
  if (maxGap < 0.6) return;

  // Bounding box of the inner polygon in image pixels.
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let k = 0; k < pairs * 2; k += 2) {
    for (const arr of [upperInner, lowerInner]) {
      x0 = Math.min(x0, arr[k]); x1 = Math.max(x1, arr[k]);
      y0 = Math.min(y0, arr[k + 1]); y1 = Math.max(y1, arr[k + 1]);
    }
  }
  const xa = Math.max(0, Math.floor(x0 - 1)), xb = Math.min(width - 1, Math.ceil(x1 + 1));
  const ya = Math.max(0, Math.floor(y0 - 1)), yb = Math.min(height - 1, Math.ceil(y1 + 1));
  const sLeft = us[0], sRight = us[pairs - 1];
  const half = Math.max(1, (sRight - sLeft) / 2), sMid = (sLeft + sRight) / 2;
  const gapPx = mouth.gap * mouthWidth;
  const showLowerTeeth = smoothstep(0.16, 0.3, mouth.gap);
  const showTongue = smoothstep(0.12, 0.3, mouth.gap);
  const toothGaps = mouthWidth > 50;
  const [cr, cg, cb] = palette.cavity, [tr, tg, tb] = palette.teeth, [gr, gg, gb] = palette.tongue;

  for (let py = ya; py <= yb; py++) {
    for (let px = xa; px <= xb; px++) {
      const dx = px + 0.5 - ox, dy = py + 0.5 - oy;
      const s = dx * ex[0] + dy * ex[1], t = dx * ey[0] + dy * ey[1];
      if (s < sLeft - 0.5 || s > sRight + 0.5) continue;
      const tUp = contourAt(s, us, ut), tLo = contourAt(s, ls, lt);
      const coverage = Math.min(1, Math.max(0, t - tUp + 0.5)) * Math.min(1, Math.max(0, tLo - t + 0.5))
        * Math.min(1, Math.max(0, s - sLeft + 0.5)) * Math.min(1, Math.max(0, sRight - s + 0.5));
      if (coverage <= 0) continue;
      const q = (s - sMid) / half;
      const q2 = q * q;
      // Cavity: darkest deep in the middle, shadowed under the lips and toward the corners.
      const fromLip = Math.min(t - tUp, tLo - t);
      let shade = (1 - 0.45 * q2) * (0.6 + 0.4 * smoothstep(0, 2.5, fromLip));
      let r = cr * shade, g = cg * shade, b = cb * shade;
      // Tongue low in the mouth, behind the lower teeth.
      if (showTongue > 0) {
        const ty = (t - (tLo - 0.18 * gapPx)) / Math.max(1, 0.32 * gapPx);
        const tx = q / 0.62;
        const inTongue = smoothstep(1, 0.7, tx * tx + ty * ty) * showTongue * 0.75;
        if (inTongue > 0) {
          const ts = 0.75 + 0.25 * smoothstep(-1, 0.5, -ty);
          r += (gr * ts - r) * inTongue; g += (gg * ts - g) * inTongue; b += (gb * ts - b) * inTongue;
        }
      }
      // Upper teeth: from the upper lip down to their edge, fading toward the corners.
      const edgeUp = contourAt(s, ues, uet);
      const upperTeeth = Math.min(1, Math.max(0, edgeUp - t + 0.5)) * (1 - smoothstep(0.7, 0.95, Math.abs(q)));
      if (upperTeeth > 0) {
        let lightT = (1 - 0.55 * q2) * (0.72 + 0.28 * smoothstep(0, 0.05 * mouthWidth, t - tUp));
        if (toothGaps) lightT *= toothGapShade(q, half);
        const a = upperTeeth;
        r += (tr * lightT - r) * a; g += (tg * lightT - g) * a; b += (tb * lightT - b) * a;
      }
      if (showLowerTeeth > 0) {
        const edgeLo = contourAt(s, les, lowerEdgeT);
        const lowerTeeth = Math.min(1, Math.max(0, t - edgeLo + 0.5)) * (1 - smoothstep(0.5, 0.75, Math.abs(q))) * showLowerTeeth;
        if (lowerTeeth > 0) {
          const lightT = 0.78 * (1 - 0.5 * q2);
          r += (tr * lightT - r) * lowerTeeth; g += (tg * lightT - g) * lowerTeeth; b += (tb * lightT - b) * lowerTeeth;
        }
      }
      const o = (py * width + px) * 4;
      dst[o] = dst[o] + (r - dst[o]) * coverage + 0.5;
      dst[o + 1] = dst[o + 1] + (g - dst[o + 1]) * coverage + 0.5;
      dst[o + 2] = dst[o + 2] + (b - dst[o + 2]) * coverage + 0.5;
    }
  }
}

/** Incisor and canine boundaries as soft dark lines (positions as a share of the half-width). */
const TOOTH_BOUNDARIES = [0, 0.2, 0.38, 0.55, 0.7];
function toothGapShade(q: number, halfPx: number): number {
  const a = Math.abs(q);
  let shade = 1;
  for (const b of TOOTH_BOUNDARIES) {
    const d = Math.abs(a - b) * halfPx;
    if (d < 1.2) shade = Math.min(shade, 0.86 + 0.14 * (d / 1.2));
  }
  return shade;
}
