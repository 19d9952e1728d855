// Moves the inner-lip landmarks of an open mouth out to where the lips really end. The landmark
// model places them too close together on open mouths (on portrait-open-mouth.jpg the upper
// inner lip sits on the teeth, ~5 px below the lip's edge; on some frames it reports a shut
// mouth), and lipsync-video closes a mouth by bringing those points together: whatever lies
// between them and the true edges would stay visible, a ghost of the old mouth. Per lip pair this
// walks from the mouth's midline outwards along the face's vertical while the pixels look like
// the inside of a mouth (dark cavity, unsaturated teeth, a tongue in shade) rather than lip or skin, and
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
/**
 * Less red than this share of the skin's redness: teeth, however lit. Lips are redder than skin;
 * teeth toward the corners are in shade (on the eval's talking head 0.4–0.65 of the skin's luma,
 * which a "pale and light" rule called lip, stopping the walk at the teeth's lower edge).
 */
const PALE = 0.45;
/**
 * How far past the outer contour (as a share of the midline-to-contour distance) an edge may be
 * found: on a wide-open mouth the model can put the whole lip contour on the teeth.
 */
const MAX_REACH = 1.3;
/**
 * The walk may always reach this far (mouth widths) from the midline, whatever the contour says:
 * toward the corners of a wide-open mouth the model draws the whole lower lip just under the
 * upper one (on the eval's talking head its outer contour sat 9 px out where the cavity went on
 * for 26), so a reach tied to that contour stopped inside the opening.
 */
const MIN_REACH_UPPER = 0.12;
const MIN_REACH_LOWER = 0.3;
/** Thinnest lip (mouth widths) an edge found past the outer contour leaves: the lips on the eval's talking head are 0.04–0.06. */
const MIN_LIP = 0.035;
const STEP = 0.5;
/** Lip must continue this far (px) to count: the anti-aliased pixel between cavity and teeth is neither. */
const LIP_RUN_PX = 2;
/**
 * Below the cavity, where the lower lip was expected, an open mouth often shows its tongue: red
 * like the lip but in the mouth's shade, too light for DARK (on the eval's talking head it is 0.4 of
 * the skin's luma, the lit lower lip 1.0). Once a column has shown real interior, pixels darker
 * than both these shares (of the skin's luma, and of the brightest lip or skin further out) count
 * as mouth too; without it the walk stopped at the tongue, and closing that mouth left a third of
 * it open. The shaded wet inside of a real lower lip is lighter (0.53–0.66 of the skin on
 * portrait-open-mouth.jpg), and a lip in a mouth corner's shadow too (0.57–0.62 on the eval's).
 */
const TONGUE_SKIN = 0.5;
const TONGUE_LIP = 0.7;
/**
 * Interior (mouth widths, cavity and teeth from the upper lip down) a column must show before the
 * tongue rule applies: a closed mouth's dark seam is thinner (0.06 on portrait-hopper.jpg), the
 * eval's open mouths show 0.15–0.2.
 */
const MIN_OPEN = 0.1;

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
  const inside: Inside = (x: number, y: number) => {
    const luma = s.luma(x, y);
    return luma < DARK * refLuma || s.redness(x, y) < PALE * refRed;
  };

  // The face's downward direction, perpendicular to the mouth-corner line.
  const cr = T.MOUTH_CORNER_RIGHT, cl = T.MOUTH_CORNER_LEFT;
  const ax = points[2 * cl] - points[2 * cr], ay = points[2 * cl + 1] - points[2 * cr + 1];
  const len = Math.hypot(ax, ay) || 1;
  const ey: [number, number] = [-ay / len, ax / len];

  const ex: [number, number] = [ax / len, ay / len];
  const reach = { upper: MIN_REACH_UPPER * len, lower: MIN_REACH_LOWER * len };
  const minLip = MIN_LIP * len;
  let moved = Math.max(
    pushCorner(points, inside, T.INNER_CORNER_RIGHT, T.MOUTH_CORNER_RIGHT, [-ex[0], -ex[1]], [62, 76]),
    pushCorner(points, inside, T.INNER_CORNER_LEFT, T.MOUTH_CORNER_LEFT, ex, [292, 306]),
  );
  for (let k = 1; k <= 9; k++) {
    const up = T.LIPS_UPPER_INNER[k], lo = T.LIPS_LOWER_INNER[k];
    const mx = (points[2 * up] + points[2 * lo]) / 2, my = (points[2 * up + 1] + points[2 * lo + 1]) / 2;
    const upper = pushEdge(points, inside, mx, my, -1, ey, up, T.LIPS_UPPER_OUTER[k], UPPER_SEMI_INNER[k - 1], UPPER_SEMI_OUTER[k - 1], reach.upper, minLip);
    const lower = pushEdge(points, inside, mx, my, 1, ey, lo, T.LIPS_LOWER_OUTER[k], LOWER_SEMI_INNER[k - 1], LOWER_SEMI_OUTER[k - 1], reach.lower, minLip,
      { s, skinLuma: refLuma, openAbove: upper.edge, minOpen: MIN_OPEN * len });
    moved = Math.max(moved, upper.shift, lower.shift);
  }
  return moved;
}

type Inside = (x: number, y: number) => boolean;

/** Distance from (x, y) along `dir` to the end of the mouth's pixels (0 when it starts on lip), at most `limit`. */
function walkOut(inside: Inside, x: number, y: number, dir: [number, number], limit: number): number {
  let edge = 0;
  let lipRun = 0;
  for (let t = 0; t <= limit; t += STEP) {
    if (inside(x + dir[0] * t, y + dir[1] * t)) {
      lipRun = 0;
      edge = t + STEP;
    } else if (++lipRun * STEP >= LIP_RUN_PX) {
      break;
    }
  }
  return Math.min(edge, limit);
}

/** The lower lip's walk may go through a tongue (see TONGUE_SKIN) where the column is open. */
interface TongueRule {
  s: Sampler;
  skinLuma: number;
  /** How far the upper lip's walk went from the midline, px. */
  openAbove: number;
  /** Interior (px, both walks' strict parts together) that makes the column open. */
  minOpen: number;
}

/**
 * Walk from the midline (mx, my) along `dir`·ey to the first lip pixel; move the inner point there
 * if that is further out. Returns how far the walk went (`edge`, px from the midline) and how far
 * the inner point moved (`shift`).
 */
function pushEdge(
  points: Float32Array, inside: Inside, mx: number, my: number, dir: 1 | -1, ey: [number, number],
  inner: number, outer: number, semiInner: number, semiOuter: number, minReach: number, minLip: number, tongue?: TongueRule,
): { edge: number; shift: number } {
  const along = (i: number) => ((points[2 * i] - mx) * ey[0] + (points[2 * i + 1] - my) * ey[1]) * dir;
  const outerDistance = along(outer);
  const innerDistance = Math.max(0, along(inner));
  if (outerDistance <= 1) return { edge: 0, shift: 0 };
  const limit = Math.max(MAX_REACH * outerDistance, minReach);
  const way: [number, number] = [dir * ey[0], dir * ey[1]];
  let edge = walkOut(inside, mx, my, way, limit);
  if (tongue && edge > 0 && edge + tongue.openAbove >= tongue.minOpen && edge < limit) {
    const { s } = tongue;
    const darker = Math.min(TONGUE_SKIN * tongue.skinLuma, TONGUE_LIP * brightestRun(s, mx, my, way, edge, limit));
    edge = walkOut((x, y) => inside(x, y) || s.luma(x, y) < darker, mx, my, way, limit);
  }
  if (edge <= innerDistance + 0.5) return { edge, shift: 0 };
  const shift = edge - innerDistance;
  // A lip keeps some thickness: the outer contour moves out too if the edge came near it. With
  // one pixel (as before) a wide-open mouth's lip, whose contour the model had drawn on the
  // opening, was left a pixel thick in the rig, and closing it stretched that pixel into streaks.
  const newOuter = Math.max(outerDistance, edge + Math.max(1, minLip));
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
  return { edge, shift };
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

/** The highest 2-px mean luma along `dir` from `from` to `to` px past (x, y): the lit lip, if the walk reaches it. */
function brightestRun(s: Sampler, x: number, y: number, dir: [number, number], from: number, to: number): number {
  let best = 0, previous = -1;
  for (let t = from; t <= to; t += 1) {
    const luma = s.luma(x + dir[0] * t, y + dir[1] * t);
    if (previous >= 0) best = Math.max(best, (luma + previous) / 2);
    previous = luma;
  }
  return best;
}
