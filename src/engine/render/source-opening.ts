// Widens a video frame's measured mouth opening a little before the rig is built on it. The inner
// lips as measured (refined on a reduced frame, then smoothed over time, which trims the peaks of
// a fast-opening mouth) sit a pixel or two inside the real opening. Closing that mouth stretches
// the lips over the whole opening, and whatever lies between the measured and the real edge is
// stretched with them: a 3 px strip of teeth left under the upper lip became a 12 px grey band
// along the closed mouth (the eval's talking-tilted rows). Moving each measured inner point a
// little into its lip makes the lips sample lip, never the old interior.
import { topology } from '../face/index.js';

const T = topology;
/** Each lip's rows from the inner contour outwards, for inner pairs 1..9 (the body sets list the outer middle row first). */
const UPPER_ROWS = [T.LIPS_UPPER_INNER.slice(1, 10), T.LIPS_UPPER_BODY.slice(9), T.LIPS_UPPER_BODY.slice(0, 9), T.LIPS_UPPER_OUTER.slice(1, 10)];
const LOWER_ROWS = [T.LIPS_LOWER_INNER.slice(1, 10), T.LIPS_LOWER_BODY.slice(9), T.LIPS_LOWER_BODY.slice(0, 9), T.LIPS_LOWER_OUTER.slice(1, 10)];
/** Margin per lip: this share of the mouth width (≈ 1 px on a 480p head) plus MARGIN_SHARE of that pair's opening. */
const MARGIN_WIDTH_SHARE = 0.006;
const MARGIN_SHARE = 0.08;
/**
 * Pairs opened less than this share of the mouth width are left alone: a closed mouth has nothing
 * to hide (the landmark model leaves 0.015–0.025 between shut lips on the fixtures' portraits).
 */
const MIN_OPEN_SHARE = 0.03;
/** Rows of a lip stay at least this far apart (px) when the inner one pushes the others out. */
const MIN_ROW_SPACING = 0.5;

/** `points` (468 landmarks) with each open inner-lip pair moved apart into its lips; written to `out`, which is returned. */
export function widenSourceOpening(points: Float32Array, out: Float32Array): Float32Array {
  out.set(points);
  const cr = T.MOUTH_CORNER_RIGHT, cl = T.MOUTH_CORNER_LEFT;
  const ax = points[2 * cl] - points[2 * cr], ay = points[2 * cl + 1] - points[2 * cr + 1];
  const width = Math.hypot(ax, ay);
  if (!(width > 0)) return out;
  const ey: [number, number] = [-ay / width, ax / width];
  const along = (i: number) => out[2 * i] * ey[0] + out[2 * i + 1] * ey[1];
  for (let k = 0; k < 9; k++) {
    const gap = along(LOWER_ROWS[0][k]) - along(UPPER_ROWS[0][k]);
    if (gap < MIN_OPEN_SHARE * width) continue;
    const margin = MARGIN_WIDTH_SHARE * width + MARGIN_SHARE * gap;
    pushRows(out, UPPER_ROWS, k, -1, margin, ey, along);
    pushRows(out, LOWER_ROWS, k, 1, margin, ey, along);
  }
  return out;
}

/** Move lip `rows`' inner point of pair k by `margin` along dir·ey, and each row beyond it out as far as it must to stay beyond the previous one. */
function pushRows(out: Float32Array, rows: number[][], k: number, dir: 1 | -1, margin: number, ey: [number, number], along: (i: number) => number): void {
  let reach = dir * along(rows[0][k]) + margin;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r][k];
    const by = reach - dir * along(i);
    if (by <= 0) break;
    out[2 * i] += dir * ey[0] * by;
    out[2 * i + 1] += dir * ey[1] * by;
    reach += MIN_ROW_SPACING;
  }
}
