// Moves the inner-lip landmarks of an open mouth out to where the lips really end. The landmark
// model places them too close together on open mouths (on portrait-open-mouth.jpg the upper
// inner lip sits on the teeth, ~5 px below the lip's edge; on some frames it reports a shut
// mouth), and lipsync-video closes a mouth by bringing those points together: whatever lies
// between them and the true edges would stay visible, a ghost of the old mouth. Per lip pair this
// walks from the mouth's midline outwards along the face's vertical while the pixels look like
// the inside of a mouth (dark cavity, or pale unsaturated teeth) rather than lip or skin, and
// moves the inner point (and the lip's middle rows, and its outer contour if it must) there.
import type { RgbaFrame } from './detector.js';
import * as T from './topology.js';

// Middle rows of each lip (Human's lips*Semi* sets), 9 points matching inner pairs 1..9.
const UPPER_SEMI_OUTER = [184, 74, 73, 72, 11, 302, 303, 304, 408];
const UPPER_SEMI_INNER = [183, 42, 41, 38, 12, 268, 271, 272, 407];
const LOWER_SEMI_OUTER = [77, 90, 180, 85, 16, 315, 404, 320, 307];
const LOWER_SEMI_INNER = [96, 89, 179, 86, 15, 316, 403, 319, 325];

/** Skin beside and below the mouth (cheeks, chin): the colour lips and mouth are told apart from. */
const SKIN_POINTS = [205, 425, 50, 280, 199, 419, 200];
/** Darker than this share of the skin's luma: the mouth's cavity (lips, even dark ones, are lighter). */
const DARK = 0.3;
/** Less red than this share of the skin's redness, and not dark: teeth. Lips are redder than skin. */
const PALE = 0.45;
const PALE_MIN_LUMA = 0.55;
/**
 * How far past the outer contour (as a share of the midline-to-contour distance) an edge may be
 * found: on a wide-open mouth the model can put the whole lip contour on the teeth.
 */
const MAX_REACH = 1.3;
const STEP = 0.5;
/** Lip must continue this far (px) to count: the anti-aliased pixel between cavity and teeth is neither. */
const LIP_RUN_PX = 2;

interface Sampler { luma(x: number, y: number): number; redness(x: number, y: number): number }

function sampler(frame: RgbaFrame): Sampler {
  const at = (x: number, y: number) => {
    const px = Math.min(frame.width - 1, Math.max(0, Math.round(x)));
    const py = Math.min(frame.height - 1, Math.max(0, Math.round(y)));
    return (py * frame.width + px) * 4;
  };
  const d = frame.data;
  return {
    luma: (x, y) => { const o = at(x, y); return 0.299 * d[o] + 0.587 * d[o + 1] + 0.114 * d[o + 2]; },
    redness: (x, y) => { const o = at(x, y); return (d[o] - d[o + 1]) / (d[o] + d[o + 1] + d[o + 2] + 1); },
  };
}

/**
 * Refine, in place, the inner-lip points of one face (468 landmarks in `frame`'s pixels).
 * Returns the largest move in pixels (0 when the landmarks already sit on the lips).
 */
export function refineInnerLips(frame: RgbaFrame, points: Float32Array): number {
  const s = sampler(frame);
  let refLuma = 0, refRed = 0;
  for (const i of SKIN_POINTS) { refLuma += s.luma(points[2 * i], points[2 * i + 1]); refRed += s.redness(points[2 * i], points[2 * i + 1]); }
  refLuma /= SKIN_POINTS.length;
  refRed /= SKIN_POINTS.length;
  if (refLuma < 25 || refRed < 0.02) return 0; // too dark or too grey to tell lips, skin and mouth apart
  const inside = (x: number, y: number) => {
    const luma = s.luma(x, y);
    return luma < DARK * refLuma || (s.redness(x, y) < PALE * refRed && luma > PALE_MIN_LUMA * refLuma);
  };

  // The face's downward direction, perpendicular to the mouth-corner line.
  const cr = T.MOUTH_CORNER_RIGHT, cl = T.MOUTH_CORNER_LEFT;
  const ax = points[2 * cl] - points[2 * cr], ay = points[2 * cl + 1] - points[2 * cr + 1];
  const len = Math.hypot(ax, ay) || 1;
  const ey: [number, number] = [-ay / len, ax / len];

  const ex: [number, number] = [ax / len, ay / len];
  let moved = Math.max(
    pushCorner(points, inside, T.INNER_CORNER_RIGHT, T.MOUTH_CORNER_RIGHT, [-ex[0], -ex[1]], [62, 76]),
    pushCorner(points, inside, T.INNER_CORNER_LEFT, T.MOUTH_CORNER_LEFT, ex, [292, 306]),
  );
  for (let k = 1; k <= 9; k++) {
    const up = T.LIPS_UPPER_INNER[k], lo = T.LIPS_LOWER_INNER[k];
    const mx = (points[2 * up] + points[2 * lo]) / 2, my = (points[2 * up + 1] + points[2 * lo + 1]) / 2;
    moved = Math.max(moved,
      pushEdge(points, inside, mx, my, -1, ey, up, T.LIPS_UPPER_OUTER[k], UPPER_SEMI_INNER[k - 1], UPPER_SEMI_OUTER[k - 1]),
      pushEdge(points, inside, mx, my, 1, ey, lo, T.LIPS_LOWER_OUTER[k], LOWER_SEMI_INNER[k - 1], LOWER_SEMI_OUTER[k - 1]));
  }
  return moved;
}

/** Walk from the midline (mx, my) along `dir`·ey to the first lip pixel; move the inner point there if that is further out. */
function pushEdge(
  points: Float32Array, inside: (x: number, y: number) => boolean, mx: number, my: number, dir: 1 | -1, ey: [number, number],
  inner: number, outer: number, semiInner: number, semiOuter: number,
): number {
  const along = (i: number) => ((points[2 * i] - mx) * ey[0] + (points[2 * i + 1] - my) * ey[1]) * dir;
  const outerDistance = along(outer);
  const innerDistance = Math.max(0, along(inner));
  if (outerDistance <= 1) return 0;
  const limit = MAX_REACH * outerDistance;
  let edge = 0;
  let lipRun = 0;
  for (let t = 0; t <= limit; t += STEP) {
    if (inside(mx + dir * ey[0] * t, my + dir * ey[1] * t)) {
      lipRun = 0;
      edge = t + STEP;
    } else if (++lipRun * STEP >= LIP_RUN_PX) {
      break;
    }
  }
  edge = Math.min(edge, limit);
  if (edge <= innerDistance + 0.5) return 0;
  const shift = edge - innerDistance;
  // A lip keeps at least a pixel: the outer contour moves out too if the edge reached it.
  const newOuter = Math.max(outerDistance, edge + 1);
  const moveOut = (i: number, to: number) => {
    const by = to - along(i);
    if (by <= 0) return;
    points[2 * i] += dir * ey[0] * by;
    points[2 * i + 1] += dir * ey[1] * by;
  };
  // The middle rows keep their share of the way between the inner edge and the outer contour.
  const room = Math.max(1e-6, outerDistance - innerDistance);
  for (const i of [semiInner, semiOuter]) {
    const share = Math.min(1, Math.max(0, (along(i) - innerDistance) / room));
    moveOut(i, edge + (newOuter - edge) * share);
  }
  moveOut(outer, newOuter);
  moveOut(inner, edge);
  return shift;
}

/**
 * Walk from an inner mouth corner outwards (toward the outer corner) while the pixels are mouth,
 * and move the inner corner (and the corner's lip points, less) to where the lips meet.
 */
function pushCorner(
  points: Float32Array, inside: (x: number, y: number) => boolean, inner: number, outer: number, out: [number, number], body: [number, number],
): number {
  const x0 = points[2 * inner], y0 = points[2 * inner + 1];
  const reach = ((points[2 * outer] - x0) * out[0] + (points[2 * outer + 1] - y0) * out[1]) * 0.8;
  if (reach <= 1) return 0;
  let edge = 0, lipRun = 0;
  for (let t = 0; t <= reach; t += STEP) {
    if (inside(x0 + out[0] * t, y0 + out[1] * t)) {
      lipRun = 0;
      edge = t + STEP;
    } else if (++lipRun * STEP >= LIP_RUN_PX) {
      break;
    }
  }
  edge = Math.min(edge, reach);
  if (edge <= 0.5) return 0;
  const move = (i: number, share: number) => {
    points[2 * i] += out[0] * edge * share;
    points[2 * i + 1] += out[1] * edge * share;
  };
  move(inner, 1);
  move(body[0], 0.6);
  move(body[1], 0.3);
  return edge;
}
