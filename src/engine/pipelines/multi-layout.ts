// Two faces in one picture each get a rig; a rig warps everything inside its outer ring, so the
// two outer rings must not overlap or one face's warp would drag the other's pixels. This picks
// the widest ring scales for which they stay apart.
import { topology } from '../face/index.js';

/** Outer-ring scales tried, widest first; the image mode's default never exceeds the first. */
const OUTER_SCALES = [1.75, 1.6, 1.5, 1.4, 1.3, 1.22, 1.15, 1.1];

type Polygon = Array<[number, number]>;

function scaledOval(points: Float32Array, scale: number): Polygon {
  const oval = topology.FACE_OVAL;
  let cx = 0, cy = 0;
  for (const i of oval) { cx += points[2 * i]; cy += points[2 * i + 1]; }
  cx /= oval.length; cy /= oval.length;
  return oval.map((i) => [cx + (points[2 * i] - cx) * scale, cy + (points[2 * i + 1] - cy) * scale]);
}

function segmentsCross(a: [number, number], b: [number, number], c: [number, number], d: [number, number]): boolean {
  const side = (p: [number, number], q: [number, number], r: [number, number]) => (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
  const d1 = side(c, d, a), d2 = side(c, d, b), d3 = side(a, b, c), d4 = side(a, b, d);
  return ((d1 > 0) !== (d2 > 0)) && ((d3 > 0) !== (d4 > 0));
}

function inside(p: [number, number], poly: Polygon): boolean {
  let hit = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i], [xj, yj] = poly[j];
    if ((yi > p[1]) !== (yj > p[1]) && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

export function polygonsOverlap(a: Polygon, b: Polygon): boolean {
  if (inside(a[0], b) || inside(b[0], a)) return true;
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      if (segmentsCross(a[i], a[(i + 1) % a.length], b[j], b[(j + 1) % b.length])) return true;
    }
  }
  return false;
}

/**
 * Ring scales for two faces' rigs so their outer rings do not overlap: undefined when even the
 * widest rings keep apart (the rig's defaults then apply), else the widest that do (or the
 * narrowest tried, for faces that touch).
 */
export function ringScalesApart(a: Float32Array, b: Float32Array): [number, number] | undefined {
  if (!polygonsOverlap(scaledOval(a, OUTER_SCALES[0]), scaledOval(b, OUTER_SCALES[0]))) return undefined;
  let outer = OUTER_SCALES[OUTER_SCALES.length - 1];
  for (const scale of OUTER_SCALES.slice(1)) {
    if (!polygonsOverlap(scaledOval(a, scale), scaledOval(b, scale))) { outer = scale; break; }
  }
  // The inner ring keeps the default's proportion to the outer one, and stays outside the face.
  return [Math.max(1.04, 1 + (outer - 1) * 0.4), outer];
}
