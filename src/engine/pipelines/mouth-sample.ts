// Keeps, per followed face, the frame where its mouth opens widest: the patch around the mouth
// and the landmarks on it. When that frame shows teeth, the renderer paints the opened mouth
// with them instead of synthetic ones, so the interior matches the person.
import { innerLipGap, topology, type DetectedFace, type RgbaFrame } from '../face/index.js';
import type { InteriorSample } from '../render/index.js';

export interface MouthSample {
  /** Inner-lip gap ÷ inter-ocular distance of the sampled frame. */
  gap: number;
  /** The patch around the mouth, RGBA. */
  rgba: Uint8Array;
  width: number;
  height: number;
  /** The 468 landmarks in patch pixels. */
  points: Float32Array;
  /** Output pixels per patch pixel. */
  scaleToOutput: number;
}

/** Only fairly frontal frames: a turned mouth shows its teeth foreshortened. */
const MAX_SAMPLE_YAW = (20 * Math.PI) / 180;
/** Below this the lips are (nearly) closed and there is nothing inside to reuse. */
const MIN_SAMPLE_GAP = 0.08;
const OUTER_LIPS = [...topology.LIPS_UPPER_OUTER, ...topology.LIPS_LOWER_OUTER];

/** `current`, or a fresh sample of `face` in `frame` if its mouth is open wider. */
export function captureMouthSample(current: MouthSample | null, frame: RgbaFrame, face: DetectedFace, scaleToOutput: number): MouthSample | null {
  if (Math.abs(face.yaw) > MAX_SAMPLE_YAW) return current;
  const gap = innerLipGap(face);
  if (gap < MIN_SAMPLE_GAP || (current && gap <= current.gap)) return current;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const i of OUTER_LIPS) {
    x0 = Math.min(x0, face.points[2 * i]); x1 = Math.max(x1, face.points[2 * i]);
    y0 = Math.min(y0, face.points[2 * i + 1]); y1 = Math.max(y1, face.points[2 * i + 1]);
  }
  const margin = 0.15 * (x1 - x0);
  const left = Math.max(0, Math.floor(x0 - margin)), top = Math.max(0, Math.floor(y0 - margin));
  const right = Math.min(frame.width, Math.ceil(x1 + margin)), bottom = Math.min(frame.height, Math.ceil(y1 + margin));
  const width = right - left, height = bottom - top;
  if (width < 4 || height < 4) return current;
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * frame.width + left) * 4;
    rgba.set(frame.data.subarray(from, from + width * 4), y * width * 4);
  }
  const points = new Float32Array(face.points.length);
  for (let k = 0; k < points.length; k += 2) {
    points[k] = face.points[k] - left;
    points[k + 1] = face.points[k + 1] - top;
  }
  return { gap, rgba, width, height, points, scaleToOutput };
}

/**
 * Share of the top third of the opening (just under the upper lip) that must look like teeth, in
 * every middle column, for the sample to be reused. The renderer hangs the upper teeth from the
 * upper lip, so the sample's upper contour must sit on their top edge all along; where the
 * landmark model put it lower in some columns (on the teeth or at the dark below them, which it
 * does on wide-open mouths) the teeth would be painted with a jagged edge, and the synthetic
 * interior looks better.
 */
const MIN_UPPER_TEETH_SHARE = 0.5;

/**
 * The sample as the renderer's interior source, when its upper teeth show right under the upper
 * lip across the mouth; null otherwise (the synthetic interior is then used).
 */
export function interiorFromSample(sample: MouthSample | null): InteriorSample | null {
  if (!sample) return null;
  const pick = (indices: number[]) => {
    const out = new Float32Array(indices.length * 2);
    indices.forEach((i, k) => { out[2 * k] = sample.points[2 * i]; out[2 * k + 1] = sample.points[2 * i + 1]; });
    return out;
  };
  const interior: InteriorSample = {
    rgba: sample.rgba, width: sample.width, height: sample.height,
    upperInner: pick(topology.LIPS_UPPER_INNER), lowerInner: pick(topology.LIPS_LOWER_INNER),
  };
  const middle = [3, 4, 5, 6, 7];
  const teethHangFromLip = middle.every((k) => upperTeethShare(interior, k, 0, 1 / 3) >= MIN_UPPER_TEETH_SHARE)
    && middle.every((k) => upperTeethShare(interior, k, -2.5, 0) <= 0.5);
  return teethHangFromLip ? interior : null;
}

/**
 * In inner-lip pair `k`'s column, the share of teeth-like pixels (bright: ≥ 0.9 × the patch's mean
 * luma, and nearly grey) from `fromPx` px past the upper contour to `toShare` of the opening.
 * Negative `fromPx` looks above the contour, where the lip must be.
 */
function upperTeethShare(s: InteriorSample, k: number, fromPx: number, toShare: number): number {
  const luma = (o: number) => 0.299 * s.rgba[o] + 0.587 * s.rgba[o + 1] + 0.114 * s.rgba[o + 2];
  let meanLuma = 0;
  for (let o = 0; o < s.rgba.length; o += 4) meanLuma += luma(o);
  meanLuma /= s.width * s.height;
  const ux = s.upperInner[2 * k], uy = s.upperInner[2 * k + 1], lx = s.lowerInner[2 * k], ly = s.lowerInner[2 * k + 1];
  const gap = Math.max(1e-6, Math.hypot(lx - ux, ly - uy));
  let looked = 0, teeth = 0;
  for (let d = fromPx + 0.5; d <= Math.max(fromPx + 0.5, gap * toShare); d += 0.5) {
    const x = Math.round(ux + ((lx - ux) * d) / gap), y = Math.round(uy + ((ly - uy) * d) / gap);
    if (x < 0 || y < 0 || x >= s.width || y >= s.height) continue;
    const o = (y * s.width + x) * 4;
    const hi = Math.max(s.rgba[o], s.rgba[o + 1], s.rgba[o + 2]), lo = Math.min(s.rgba[o], s.rgba[o + 1], s.rgba[o + 2]);
    looked++;
    if (luma(o) >= 0.9 * meanLuma && hi - lo < 0.3 * hi) teeth++;
  }
  return looked ? teeth / looked : 0;
}
