// Paints the opened mouth with the person's own mouth interior, taken from another picture of the
// same face where the mouth is open (lipsync-video keeps the frame that opens widest). Upper teeth
// hang from the upper lip and lower teeth ride the lower lip, so each half of the opening is
// mapped from the sample anchored to its own lip, scaled by the two mouths' widths; a smaller
// opening shows less of the middle (the dark of the mouth), never squashed teeth.
import type { MouthGeometry } from './pose.js';

export interface InteriorSample {
  /** RGBA picture holding the open mouth. */
  rgba: Uint8Array;
  width: number;
  height: number;
  /** Its inner-lip contours in picture pixels, 11 points each (x, y), corner to corner. */
  upperInner: Float32Array;
  lowerInner: Float32Array;
}

/** Contour height (t) at position s, linear between the points, held beyond the ends. */
function heightAt(s: number, ss: Float32Array, ts: Float32Array): number {
  const n = ss.length;
  if (s <= ss[0]) return ts[0];
  if (s >= ss[n - 1]) return ts[n - 1];
  let k = 0;
  while (k < n - 2 && s > ss[k + 1]) k++;
  const span = ss[k + 1] - ss[k];
  const f = span > 1e-6 ? (s - ss[k]) / span : 0;
  return ts[k] + (ts[k + 1] - ts[k]) * f;
}

interface MouthFrame { ox: number; oy: number; ex: [number, number]; ey: [number, number]; s: Float32Array[]; t: Float32Array[] }

/** Project two contours into a frame centred between the corners, s across the mouth, t down it. */
function mouthFrame(upper: Float32Array, lower: Float32Array, ex: [number, number], ey: [number, number]): MouthFrame {
  const n = upper.length / 2;
  const ox = (upper[0] + upper[2 * (n - 1)]) / 2, oy = (upper[1] + upper[2 * (n - 1) + 1]) / 2;
  const project = (c: Float32Array) => {
    const s = new Float32Array(n), t = new Float32Array(n);
    for (let k = 0; k < n; k++) {
      const dx = c[2 * k] - ox, dy = c[2 * k + 1] - oy;
      s[k] = dx * ex[0] + dy * ex[1];
      t[k] = dx * ey[0] + dy * ey[1];
    }
    return [s, t];
  };
  const [us, ut] = project(upper), [ls, lt] = project(lower);
  return { ox, oy, ex, ey, s: [us, ls], t: [ut, lt] };
}

/** The sample's own axes: across from its first to its last corner, and perpendicular (down the face). */
function sampleAxes(sample: InteriorSample): { ex: [number, number]; ey: [number, number] } {
  const c = sample.upperInner, n = c.length / 2;
  const dx = c[2 * (n - 1)] - c[0], dy = c[2 * (n - 1) + 1] - c[1];
  const len = Math.hypot(dx, dy) || 1;
  return { ex: [dx / len, dy / len], ey: [-dy / len, dx / len] };
}

/** Paint the interior of one posed mouth into `dst` (RGBA, width × height) from `sample`. */
export function paintMouthFromSample(dst: Uint8Array, width: number, height: number, mouth: MouthGeometry, sample: InteriorSample): void {
  const posed = mouthFrame(mouth.upperInner, mouth.lowerInner, mouth.ex, mouth.ey);
  const [us, ls] = posed.s, [ut, lt] = posed.t;
  let widest = 0;
  for (let k = 0; k < ut.length; k++) widest = Math.max(widest, lt[k] - ut[k]);
  if (widest < 0.6) return;
  const axes = sampleAxes(sample);
  const ref = mouthFrame(sample.upperInner, sample.lowerInner, axes.ex, axes.ey);
  const [rus, rls] = ref.s, [rut, rlt] = ref.t;
  const n = us.length;
  const sLeft = us[0], sRight = us[n - 1];
  const half = Math.max(1, (sRight - sLeft) / 2), sMid = (sLeft + sRight) / 2;
  const refHalf = Math.max(1, (rus[n - 1] - rus[0]) / 2), refMid = (rus[0] + rus[n - 1]) / 2;
  const scale = refHalf / half;

  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const c of [mouth.upperInner, mouth.lowerInner]) {
    for (let k = 0; k < c.length; k += 2) {
      x0 = Math.min(x0, c[k]); x1 = Math.max(x1, c[k]);
      y0 = Math.min(y0, c[k + 1]); y1 = Math.max(y1, c[k + 1]);
    }
  }
  const xa = Math.max(0, Math.floor(x0 - 1)), xb = Math.min(width - 1, Math.ceil(x1 + 1));
  const ya = Math.max(0, Math.floor(y0 - 1)), yb = Math.min(height - 1, Math.ceil(y1 + 1));
  const src = sample.rgba, sw = sample.width, sh = sample.height;
  const { ex, ey, ox, oy } = posed;
  for (let py = ya; py <= yb; py++) {
    for (let px = xa; px <= xb; px++) {
      const dx = px + 0.5 - ox, dy = py + 0.5 - oy;
      const s = dx * ex[0] + dy * ex[1], t = dx * ey[0] + dy * ey[1];
      if (s < sLeft - 0.5 || s > sRight + 0.5) continue;
      const tUp = heightAt(s, us, ut), tLo = heightAt(s, ls, lt);
      const coverage = Math.min(1, Math.max(0, t - tUp + 0.5)) * Math.min(1, Math.max(0, tLo - t + 0.5))
        * Math.min(1, Math.max(0, s - sLeft + 0.5)) * Math.min(1, Math.max(0, sRight - s + 0.5));
      if (coverage <= 0) continue;
      // The same place in the sample: across by the share of the half-width, down from the nearer lip.
      const rs = refMid + ((s - sMid) / half) * refHalf;
      const rUp = heightAt(rs, rus, rut), rLo = heightAt(rs, rls, rlt);
      let rt = t - tUp <= (tLo - tUp) / 2 ? rUp + (t - tUp) * scale : rLo - (tLo - t) * scale;
      rt = rLo > rUp ? Math.min(rLo - 0.5, Math.max(rUp + 0.5, rt)) : (rUp + rLo) / 2;
      const sx = Math.min(sw - 1.001, Math.max(0, ref.ox + rs * axes.ex[0] + rt * axes.ey[0] - 0.5));
      const sy = Math.min(sh - 1.001, Math.max(0, ref.oy + rs * axes.ex[1] + rt * axes.ey[1] - 0.5));
      const ix = sx | 0, iy = sy | 0, fx = sx - ix, fy = sy - iy;
      const i00 = (iy * sw + ix) * 4, i10 = i00 + 4, i01 = i00 + sw * 4, i11 = i01 + 4;
      const o = (py * width + px) * 4;
      for (let c = 0; c < 3; c++) {
        const top = src[i00 + c] + (src[i10 + c] - src[i00 + c]) * fx;
        const bottom = src[i01 + c] + (src[i11 + c] - src[i01 + c]) * fx;
        const value = top + (bottom - top) * fy;
        dst[o + c] = dst[o + c] + (value - dst[o + c]) * coverage + 0.5;
      }
    }
  }
}
