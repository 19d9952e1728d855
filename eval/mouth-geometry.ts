// Measurements on one face's 68 landmarks (iBUG 300-W order, 0-based): eyes 36–47, outer lips
// 48–59, inner lips 60–67, jaw 0–16, nose tip 30. Points are packed x0, y0, x1, y1, … in pixels.

export const LANDMARK_COUNT = 68;

/** Upper inner-lip points and the lower ones facing them: 61↔67, 62↔66, 63↔65. */
const INNER_LIP_PAIRS: ReadonlyArray<readonly [number, number]> = [[61, 67], [62, 66], [63, 65]];
const RIGHT_EYE = [36, 37, 38, 39, 40, 41];
const LEFT_EYE = [42, 43, 44, 45, 46, 47];
const MOUTH = range(48, 68);
/** Lower face: jaw from below the cheekbones round the chin, plus the nose tip as the top. */
const LOWER_FACE = [...range(2, 15), 30, ...MOUTH];

export interface Point { x: number; y: number }
export interface Box { x: number; y: number; width: number; height: number }

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function point(points: Float32Array, i: number): Point {
  return { x: points[2 * i], y: points[2 * i + 1] };
}

function centroid(points: Float32Array, indices: readonly number[]): Point {
  let x = 0;
  let y = 0;
  for (const i of indices) {
    x += points[2 * i];
    y += points[2 * i + 1];
  }
  return { x: x / indices.length, y: y / indices.length };
}

export function eyeCentres(points: Float32Array): { right: Point; left: Point } {
  return { right: centroid(points, RIGHT_EYE), left: centroid(points, LEFT_EYE) };
}

/** Distance between the two eye centres, px: the face's own length unit. */
export function interOcularDistance(points: Float32Array): number {
  const { right, left } = eyeCentres(points);
  return Math.hypot(left.x - right.x, left.y - right.y);
}

/**
 * Mean opening between the inner lips, px, measured along the face's own vertical axis (normal
 * to the eye line) so a tilted head does not read as an open mouth. Negative when the detector
 * puts the lower inner lip above the upper one (a closed, pressed mouth often does).
 */
export function innerLipGap(points: Float32Array): number {
  const { right, left } = eyeCentres(points);
  const ex = left.x - right.x;
  const ey = left.y - right.y;
  const len = Math.hypot(ex, ey) || 1;
  // Image y grows downwards; rotating the eye direction by +90° gives the face's "down".
  const downX = -ey / len;
  const downY = ex / len;
  let sum = 0;
  for (const [upper, lower] of INNER_LIP_PAIRS) {
    const u = point(points, upper);
    const l = point(points, lower);
    sum += (l.x - u.x) * downX + (l.y - u.y) * downY;
  }
  return sum / INNER_LIP_PAIRS.length;
}

/** Inner-lip gap in inter-ocular units: comparable across faces and output sizes. */
export function normalisedLipGap(points: Float32Array): number {
  return innerLipGap(points) / interOcularDistance(points);
}

export function boundingBox(points: Float32Array, indices: readonly number[]): Box {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const i of indices) {
    x0 = Math.min(x0, points[2 * i]);
    x1 = Math.max(x1, points[2 * i]);
    y0 = Math.min(y0, points[2 * i + 1]);
    y1 = Math.max(y1, points[2 * i + 1]);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** `box` grown by `margin` px on every side. */
export function dilateBox(box: Box, margin: number): Box {
  return { x: box.x - margin, y: box.y - margin, width: box.width + 2 * margin, height: box.height + 2 * margin };
}

/** The smallest box holding both. */
export function unionBox(a: Box, b: Box): Box {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

/** `box` cut to the image and rounded outward to whole pixels (may be empty). */
export function clampBox(box: Box, width: number, height: number): Box {
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(width, Math.ceil(box.x + box.width));
  const y1 = Math.min(height, Math.ceil(box.y + box.height));
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

/** The lips, grown by `marginIod` inter-ocular distances (M8's region). */
export function mouthBox(points: Float32Array, marginIod = 0.15): Box {
  return dilateBox(boundingBox(points, MOUTH), marginIod * interOcularDistance(points));
}

/** Nose tip to chin, jaw side to jaw side, grown by `marginIod` inter-ocular distances (what M7 leaves out). */
export function mouthAndJawBox(points: Float32Array, marginIod = 0.25): Box {
  return dilateBox(boundingBox(points, LOWER_FACE), marginIod * interOcularDistance(points));
}

/** Mean of all 68 points: what the tracker follows from frame to frame. */
export function landmarkCentroid(points: Float32Array): Point {
  return centroid(points, range(0, LANDMARK_COUNT));
}
