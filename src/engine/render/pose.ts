// Poses the face rig for one frame: mouth shape from the audio controls, blinks and head motion
// from the idle track. Output: destination positions of every rig vertex, plus the geometry the
// mouth-interior painter needs.
import { topology } from '../face/index.js';
import { liftMouthCorners } from './corner-lift.js';
import { type FacePose, type FaceRig, LIP_FOLLOW, Part } from './face-rig.js';

const T = topology;

/** Widest inner-lip gap (jaw = 1), in mouth widths: an open "a" in real footage is 0.35–0.5. */
const MAX_GAP = 0.42;
/** Share of the opening taken by the upper lip; the jaw carries the lower lip the rest. */
const UPPER_SHARE = 0.25;
/** Chin and jaw follow this share of the lower lip's drop (the lips part a little more). */
const JAW_FOLLOW = 0.85;
/** Corner shift per unit of spread/round, in half-mouth-widths. */
const SPREAD_GAIN = 0.1;
const ROUND_GAIN = 0.2;
/** Lip-gap shown for f/v: the upper teeth rest on the lower lip. */
const LABIODENTAL_GAP = 0.07;

export interface MouthGeometry {
  /** Destination inner contours, 11 points each, corner to corner (x,y pairs). */
  upperInner: Float32Array;
  lowerInner: Float32Array;
  /** Where the upper teeth end and the lower teeth begin, per lip pair (x,y pairs). */
  upperTeethEdge: Float32Array;
  lowerTeethEdge: Float32Array;
  /** Posed frame axes and scale. */
  ex: [number, number];
  ey: [number, number];
  mouthWidth: number;
  /** Centre gap in mouth widths (0 = closed). */
  gap: number;
  /** 0..1: how much of the opening is teeth against the lower lip (f/v). */
  labiodental: number;
}

export interface PosedFrame {
  points: Float32Array;
  mouth: MouthGeometry;
}

export function allocatePosedFrame(rig: FaceRig): PosedFrame {
  const pairs = rig.pairU.length;
  return {
    points: new Float32Array(rig.vertexCount * 2),
    mouth: {
      upperInner: new Float32Array(pairs * 2), lowerInner: new Float32Array(pairs * 2),
      upperTeethEdge: new Float32Array(pairs * 2), lowerTeethEdge: new Float32Array(pairs * 2),
      ex: [1, 0], ey: [0, 1], mouthWidth: rig.mouthWidth, gap: 0, labiodental: 0,
    },
  };
}

function smoothstep(e0: number, e1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}

/** Vertical opening profile across the mouth: flat and wide when spread, rounder when rounded. */
function openingProfile(u: number, spread: number): number {
  const a = Math.min(1, Math.abs(u));
  const power = spread > 0 ? 2 + 1.5 * spread : 2;
  return Math.pow(Math.max(0, 1 - Math.pow(a, power)), 0.55);
}

/** Horizontal move for a vertex at u given the corner shift (pixels): linear inside the mouth, fading out beyond. */
function spreadShape(u: number): number {
  const a = Math.abs(u);
  if (a <= 1) return u;
  return Math.sign(u) * Math.exp(-(((a - 1) / 0.7) ** 2));
}

const pairDeltaScratch = { up: new Float32Array(22), lo: new Float32Array(22) };

/** Fill `out` with the rig posed for one frame. */
export function poseFace(rig: FaceRig, pose: FacePose, out: PosedFrame): void {
  const { source, ex, ey, mouthWidth, midline, pairU, pairUpper, pairLower } = rig;
  const pts = out.points;
  const pairs = pairU.length;
  const labio = Math.min(1, Math.max(0, pose.labiodental));
  const closure = Math.min(1, Math.max(0, pose.closure));
  let gap = MAX_GAP * Math.min(1, Math.max(0, pose.jaw)) * (1 - closure);
  gap = gap + (LABIODENTAL_GAP - gap) * labio * (1 - closure);
  const upperShare = UPPER_SHARE + (0.7 - UPPER_SHARE) * labio;
  const gapPx = gap * mouthWidth;
  const spread = Math.min(1, Math.max(-1, pose.spread));
  const cornerShift = (spread >= 0 ? SPREAD_GAIN : ROUND_GAIN) * spread * (mouthWidth / 2);

  // Inner-lip pair targets around the source midline, as deltas from the source points.
  const dUp = pairDeltaScratch.up, dLo = pairDeltaScratch.lo;
  for (let k = 0; k < pairs; k++) {
    const open = gapPx * openingProfile(pairU[k], spread);
    const mx = midline[2 * k], my = midline[2 * k + 1];
    const a = pairUpper[k], b = pairLower[k];
    dUp[2 * k] = mx - ey[0] * open * upperShare - source[2 * a];
    dUp[2 * k + 1] = my - ey[1] * open * upperShare - source[2 * a + 1];
    dLo[2 * k] = mx + ey[0] * open * (1 - upperShare) - source[2 * b];
    dLo[2 * k + 1] = my + ey[1] * open * (1 - upperShare) - source[2 * b + 1];
  }
  const centre = pairs >> 1;
  const jawDrop = JAW_FOLLOW * (dLo[2 * centre] * ey[0] + dLo[2 * centre + 1] * ey[1]);
  // The lower teeth ride the jaw: below where the lips meet by the jaw's share of the lower lip's
  // drop. From a closed source that drop is the lip's move; from a measured open one it is the
  // posed opening itself (the lip's move would count the source's own open jaw as closed, and
  // fill a wide source opening with lower teeth).
  const teethDrop = rig.measuredOpening
    ? JAW_FOLLOW * gapPx * openingProfile(pairU[centre], spread) * (1 - upperShare)
    : jawDrop;
  const press = 0.03 * mouthWidth * closure;
  // How far below the mouth (w) the skin goes fully with the jaw. On a measured open source mouth
  // the lower lip lies well below the rig's origin, and the skin just under it, held back by a
  // ramp placed for closed mouths, stretched into streaks when the lip rose to close: there the
  // skin goes fully with the jaw from just under the lower lip's outer contour.
  const lowerOuterW = rig.w[T.LIPS_LOWER_OUTER[centre]];
  const [jawFrom, jawTo] = rig.measuredOpening ? [lowerOuterW - 0.5, lowerOuterW + 0.05] : [-0.15, 0.45];

  for (let v = 0; v < rig.vertexCount; v++) {
    const part = rig.part[v] as Part;
    const u = rig.u[v], w = rig.w[v];
    let dx = 0, dy = 0;
    if (part === Part.Ring2) {
      // fixed: the seam-free boundary
    } else if (part === Part.Corner) {
      dx = ex[0] * spreadShape(u) * cornerShift + ey[0] * 0.25 * jawDrop;
      dy = ex[1] * spreadShape(u) * cornerShift + ey[1] * 0.25 * jawDrop;
    } else if (part >= Part.UpperInner && part <= Part.LowerOuter) {
      const upper = part === Part.UpperInner || part === Part.UpperBody || part === Part.UpperOuter;
      const d = upper ? dUp : dLo;
      const k = rig.pairIndex[v], f = rig.pairBlend[v], follow = LIP_FOLLOW[part];
      dx = follow * (d[2 * k] * (1 - f) + d[2 * k + 2] * f) + ex[0] * spreadShape(u) * cornerShift;
      dy = follow * (d[2 * k + 1] * (1 - f) + d[2 * k + 3] * f) + ex[1] * spreadShape(u) * cornerShift;
      if (part === Part.UpperOuter) { dx += ey[0] * press; dy += ey[1] * press; }
      if (part === Part.LowerOuter) { dx -= ey[0] * press; dy -= ey[1] * press; }
    } else {
      // Skin: the jaw carries what lies below the mouth, fading toward the ears; the cheeks
      // beside the corners follow spreading and rounding a little.
      const jawWeight = smoothstep(jawFrom, jawTo, w) * (1 - smoothstep(1.2, 3.0, Math.abs(u)));
      const ring = part === Part.Ring1 ? rig.ring1JawFollow : 1;
      const cheek = Math.max(0, 1 - Math.abs(w) / 0.45) * (part === Part.Ring1 ? 0 : 1);
      dx = ey[0] * jawDrop * jawWeight * ring + ex[0] * spreadShape(u) * cornerShift * cheek;
      dy = ey[1] * jawDrop * jawWeight * ring + ex[1] * spreadShape(u) * cornerShift * cheek;
    }
    pts[2 * v] = source[2 * v] + dx;
    pts[2 * v + 1] = source[2 * v + 1] + dy;
  }

  if (pose.cornerLift) liftMouthCorners(rig, pts, pose.cornerLift);
  closeEyelids(rig, pts, T.RIGHT_EYE_UPPER, T.RIGHT_EYE_LOWER, T.RIGHT_EYE_CREASE, pose.blinkRight);
  closeEyelids(rig, pts, T.LEFT_EYE_UPPER, T.LEFT_EYE_LOWER, T.LEFT_EYE_CREASE, pose.blinkLeft);

  // Mouth geometry before head motion; moved together with the points below.
  const m = out.mouth;
  for (let k = 0; k < pairs; k++) {
    const a = pairUpper[k], b = pairLower[k];
    m.upperInner[2 * k] = pts[2 * a]; m.upperInner[2 * k + 1] = pts[2 * a + 1];
    m.lowerInner[2 * k] = pts[2 * b]; m.lowerInner[2 * k + 1] = pts[2 * b + 1];
    // Upper teeth hang from the skull to just below the resting lip line; lower teeth ride the jaw.
    const edge = 0.02 * mouthWidth;
    m.upperTeethEdge[2 * k] = midline[2 * k] + ey[0] * edge;
    m.upperTeethEdge[2 * k + 1] = midline[2 * k + 1] + ey[1] * edge;
    m.lowerTeethEdge[2 * k] = midline[2 * k] + ey[0] * (teethDrop + edge * 1.5);
    m.lowerTeethEdge[2 * k + 1] = midline[2 * k + 1] + ey[1] * (teethDrop + edge * 1.5);
  }
  m.gap = gap;
  m.labiodental = labio * (1 - closure);
  m.mouthWidth = mouthWidth;

  moveHead(rig, pose, pts, m);
}

function closeEyelids(rig: FaceRig, pts: Float32Array, upper: number[], lower: number[], crease: number[], amount: number): void {
  if (amount <= 0.001) return;
  const b = Math.min(1, amount);
  for (let i = 0; i < upper.length; i++) {
    const up = upper[i], lo = lower[i], cr = crease[i];
    // The lids meet low on the eye, as in a real blink.
    const meetX = pts[2 * lo] + 0.2 * (pts[2 * up] - pts[2 * lo]);
    const meetY = pts[2 * lo + 1] + 0.2 * (pts[2 * up + 1] - pts[2 * lo + 1]);
    const dx = (meetX - pts[2 * up]) * b, dy = (meetY - pts[2 * up + 1]) * b;
    pts[2 * cr] += 0.5 * dx; pts[2 * cr + 1] += 0.5 * dy;
    pts[2 * up] += dx; pts[2 * up + 1] += dy;
    pts[2 * lo] += (meetX - pts[2 * lo]) * b; pts[2 * lo + 1] += (meetY - pts[2 * lo + 1]) * b;
  }
  void rig;
}

function moveHead(rig: FaceRig, pose: FacePose, pts: Float32Array, m: MouthGeometry): void {
  const cos = Math.cos(pose.headRoll), sin = Math.sin(pose.headRoll);
  const [px, py] = rig.pivot;
  const move = (arr: Float32Array, i: number) => {
    const x = arr[i] - px, y = arr[i + 1] - py;
    arr[i] = px + cos * x - sin * y + pose.headX;
    arr[i + 1] = py + sin * x + cos * y + pose.headY;
  };
  const ring2Start = rig.vertexCount - (rig.vertexCount - 468) / 2;
  for (let v = 0; v < ring2Start; v++) move(pts, 2 * v);
  for (let k = 0; k < m.upperInner.length; k += 2) {
    move(m.upperInner, k); move(m.lowerInner, k); move(m.upperTeethEdge, k); move(m.lowerTeethEdge, k);
  }
  m.ex = [cos * rig.ex[0] - sin * rig.ex[1], sin * rig.ex[0] + cos * rig.ex[1]];
  m.ey = [-m.ex[1], m.ex[0]];
}
