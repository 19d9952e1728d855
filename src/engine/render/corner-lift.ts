// Lifts the mouth corners (the prompt's "smile"): each corner moves up and a little outward and
// the lips and cheek around it follow, fading out within about a mouth width, so the outer rings
// and everything beyond them stay where they are.
import { Part, type FaceRig } from './face-rig.js';

/** Corner rise at lift 1, in mouth widths: a clear but closed-lip smile. */
const RISE = 0.075;
const OUTWARD = 0.03;
/** Falloff around each corner: across the mouth in half-mouth-widths, down the face in mouth widths. */
const SPAN_U = 0.65;
const SPAN_W = 0.4;

/** Add the corner lift to posed points `pts` (same layout as `rig.source`); `lift` 0..1. */
export function liftMouthCorners(rig: FaceRig, pts: Float32Array, lift: number): void {
  if (!(lift > 0)) return;
  const amount = Math.min(1, lift) * rig.mouthWidth;
  const { ex, ey } = rig;
  for (let v = 0; v < rig.vertexCount; v++) {
    if (rig.part[v] === Part.Ring2) continue;
    const u = rig.u[v], w = rig.w[v];
    const side = u >= 0 ? 1 : -1;
    const du = (u - side) / SPAN_U, dw = w / SPAN_W;
    const weight = Math.exp(-(du * du + dw * dw));
    if (weight < 1e-3) continue;
    const up = RISE * amount * weight, out = OUTWARD * amount * weight * side;
    pts[2 * v] += ex[0] * out - ey[0] * up;
    pts[2 * v + 1] += ex[1] * out - ey[1] * up;
  }
}
