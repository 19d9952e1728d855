// Piecewise-affine warp: every destination triangle samples the source image through the affine
// map of its own source triangle (inverse mapping, bilinear). This is the hot loop of the
// renderer: scanline rasterisation with per-triangle coefficients and no allocation per pixel.

export interface RgbaBuffer {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Draw into `dst` each triangle of `triangles` (vertex indices) at `dstPoints`, taking its pixels
 * from `src` at `srcPoints` (both x0,y0,x1,y1,…). `src` and `dst` have the same size and must
 * not be the same buffer. Triangles whose vertices did not move are skipped when `skipStill`
 * is set, because `dst` then already holds the source pixels there.
 *
 * With `readsNearTriangle`, each triangle samples the source only within a pixel of its own source
 * triangle's bounds. A pixel centre inside the destination triangle maps inside the source one, so
 * this changes only the edge pixels of slivers, whose extrapolated reads can land far away; in
 * exchange, every read lies within movedTriangleBounds, so a caller may prepare only that area of `src`.
 */
export function warpTriangles(
  src: RgbaBuffer,
  dst: Uint8Array,
  srcPoints: Float32Array,
  dstPoints: Float32Array,
  triangles: Uint32Array | Uint16Array,
  skipStill = true,
  readsNearTriangle = false,
): void {
  // 32-bit pixel views let the inner loop read a whole pixel per load (see warpTriangle).
  // A buffer cut from a larger pipe chunk may be misaligned: work on an aligned copy then.
  const words = wordView(src.data) ?? (wordView(Uint8Array.from(src.data)) as Uint32Array);
  const alignedDst = wordView(dst) ? dst : Uint8Array.from(dst);
  const dstWords = wordView(alignedDst) as Uint32Array;
  drawTriangles(src.width, src.height, words, dstWords, srcPoints, dstPoints, triangles, skipStill, readsNearTriangle);
  if (alignedDst !== dst) dst.set(alignedDst);
}

function drawTriangles(
  width: number, height: number, words: Uint32Array, dstWords: Uint32Array,
  srcPoints: Float32Array, dstPoints: Float32Array, triangles: Uint32Array | Uint16Array, skipStill: boolean,
  readsNearTriangle: boolean,
): void {
  // Clamp so the 2×2 tap stays inside the image (fixed point, just under the last pixel).
  const lastU = (width - 1) * 65536 - 1, lastV = (height - 1) * 65536 - 1;
  for (let t = 0; t < triangles.length; t += 3) {
    const a = triangles[t], b = triangles[t + 1], c = triangles[t + 2];
    const x0 = dstPoints[2 * a], y0 = dstPoints[2 * a + 1];
    const x1 = dstPoints[2 * b], y1 = dstPoints[2 * b + 1];
    const x2 = dstPoints[2 * c], y2 = dstPoints[2 * c + 1];
    const u0 = srcPoints[2 * a], v0 = srcPoints[2 * a + 1];
    const u1 = srcPoints[2 * b], v1 = srcPoints[2 * b + 1];
    const u2 = srcPoints[2 * c], v2 = srcPoints[2 * c + 1];
    if (skipStill && isStill(srcPoints, dstPoints, a, b, c)) continue;
    let minU = 0, maxU = lastU, minV = 0, maxV = lastV;
    if (readsNearTriangle) {
      // Sample positions (pixel centre − ½) from a pixel before the source triangle's bounds to
      // half a pixel after them: taps then read from 2.5 px before to 1.5 px after (READ_MARGIN).
      minU = Math.max(0, Math.ceil((Math.min(u0, u1, u2) - 1.5) * 65536));
      maxU = Math.max(minU, Math.min(lastU, Math.floor((Math.max(u0, u1, u2) + 0.5) * 65536)));
      minV = Math.max(0, Math.ceil((Math.min(v0, v1, v2) - 1.5) * 65536));
      maxV = Math.max(minV, Math.min(lastV, Math.floor((Math.max(v0, v1, v2) + 0.5) * 65536)));
    }
    warpTriangle(width, words, dstWords, x0, y0, x1, y1, x2, y2, u0, v0, u1, v1, u2, v2, minU, maxU, minV, maxV, height);
  }
}

/** Pixels beyond a triangle's source bounds that its reads may reach (readsNearTriangle), and beyond its destination bounds that it may write. */
const READ_MARGIN = 3;
const WRITE_MARGIN = 2;

/**
 * The pixels warpTriangles(…, skipStill = true, readsNearTriangle = true) can write or read:
 * the bounds of every triangle that moved, at its source and at its destination, with margins;
 * [x0, x1) × [y0, y1) clamped to the image, or null when no triangle moved.
 */
export function movedTriangleBounds(
  srcPoints: Float32Array, dstPoints: Float32Array, triangles: Uint32Array | Uint16Array, width: number, height: number,
): { x0: number; y0: number; x1: number; y1: number } | null {
  let sx0 = Infinity, sy0 = Infinity, sx1 = -Infinity, sy1 = -Infinity;
  let dx0 = Infinity, dy0 = Infinity, dx1 = -Infinity, dy1 = -Infinity;
  for (let t = 0; t < triangles.length; t += 3) {
    const a = triangles[t], b = triangles[t + 1], c = triangles[t + 2];
    if (isStill(srcPoints, dstPoints, a, b, c)) continue;
    for (let k = 0; k < 3; k++) {
      const v = k === 0 ? a : k === 1 ? b : c;
      const su = srcPoints[2 * v], sv = srcPoints[2 * v + 1], du = dstPoints[2 * v], dv = dstPoints[2 * v + 1];
      if (su < sx0) sx0 = su; if (su > sx1) sx1 = su; if (sv < sy0) sy0 = sv; if (sv > sy1) sy1 = sv;
      if (du < dx0) dx0 = du; if (du > dx1) dx1 = du; if (dv < dy0) dy0 = dv; if (dv > dy1) dy1 = dv;
    }
  }
  if (!(sx1 >= sx0)) return null;
  return {
    x0: Math.max(0, Math.min(Math.floor(sx0) - READ_MARGIN, Math.floor(dx0) - WRITE_MARGIN)),
    y0: Math.max(0, Math.min(Math.floor(sy0) - READ_MARGIN, Math.floor(dy0) - WRITE_MARGIN)),
    x1: Math.min(width, Math.max(Math.ceil(sx1) + READ_MARGIN, Math.ceil(dx1) + WRITE_MARGIN)),
    y1: Math.min(height, Math.max(Math.ceil(sy1) + READ_MARGIN, Math.ceil(dy1) + WRITE_MARGIN)),
  };
}

function wordView(bytes: Uint8Array): Uint32Array | null {
  if (bytes.byteOffset % 4 !== 0 || bytes.length % 4 !== 0) return null;
  return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}

function nearlyEqual(p: number, q: number): boolean {
  return Math.abs(p - q) < 0.02;
}

/** Whether none of the triangle's three vertices moved (it would draw the source back onto itself). */
function isStill(srcPoints: Float32Array, dstPoints: Float32Array, a: number, b: number, c: number): boolean {
  return nearlyEqual(dstPoints[2 * a], srcPoints[2 * a]) && nearlyEqual(dstPoints[2 * a + 1], srcPoints[2 * a + 1])
    && nearlyEqual(dstPoints[2 * b], srcPoints[2 * b]) && nearlyEqual(dstPoints[2 * b + 1], srcPoints[2 * b + 1])
    && nearlyEqual(dstPoints[2 * c], srcPoints[2 * c]) && nearlyEqual(dstPoints[2 * c + 1], srcPoints[2 * c + 1]);
}

/** Inverse affine map of one triangle; exported for tests. */
export function affineFromTriangles(
  x0: number, y0: number, x1: number, y1: number, x2: number, y2: number,
  u0: number, v0: number, u1: number, v1: number, u2: number, v2: number,
): Float64Array | null {
  const out = new Float64Array(6);
  return affineInto(out, x0, y0, x1, y1, x2, y2, u0, v0, u1, v1, u2, v2) ? out : null;
}

/**
 * affineFromTriangles into `out`; false for a degenerate triangle. The warp reuses one array:
 * a fresh one per triangle per frame (≈ 1 000 × 25 a second) kept the garbage collector busy
 * for ≈ 10 % of the render (measured with --cpu-prof on a 720p job).
 */
function affineInto(
  out: Float64Array,
  x0: number, y0: number, x1: number, y1: number, x2: number, y2: number,
  u0: number, v0: number, u1: number, v1: number, u2: number, v2: number,
): boolean {
  const det = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
  if (Math.abs(det) < 1e-9) return false;
  // Solve [u] = A [x y 1] from the three correspondences.
  const inv = 1 / det;
  const a = ((u1 - u0) * (y2 - y0) - (u2 - u0) * (y1 - y0)) * inv;
  const b = ((u2 - u0) * (x1 - x0) - (u1 - u0) * (x2 - x0)) * inv;
  const d = ((v1 - v0) * (y2 - y0) - (v2 - v0) * (y1 - y0)) * inv;
  const e = ((v2 - v0) * (x1 - x0) - (v1 - v0) * (x2 - x0)) * inv;
  out[0] = a; out[1] = b; out[2] = u0 - a * x0 - b * y0;
  out[3] = d; out[4] = e; out[5] = v0 - d * x0 - e * y0;
  return true;
}

const scratchAffine = new Float64Array(6);

/** x where the edge a→b crosses row y, or NaN if it does not. */
function edgeCrossing(ax: number, ay: number, bx: number, by: number, y: number): number {
  if ((y < ay && y < by) || (y > ay && y > by) || ay === by) return NaN;
  return ax + ((y - ay) * (bx - ax)) / (by - ay);
}

/** Source positions are clamped to [minU, maxU] × [minV, maxV] (16.16, sample coordinates). */
function warpTriangle(
  width: number, data: Uint32Array, dst: Uint32Array,
  x0: number, y0: number, x1: number, y1: number, x2: number, y2: number,
  u0: number, v0: number, u1: number, v1: number, u2: number, v2: number,
  minU: number, maxU: number, minV: number, maxV: number, height: number,
): void {
  const m = scratchAffine;
  if (!affineInto(m, x0, y0, x1, y1, x2, y2, u0, v0, u1, v1, u2, v2)) return;
  const ma = m[0], mb = m[1], mc = m[2], md = m[3], me = m[4], mf = m[5];
  // Pixel centres (px + 0.5) inside the triangle, with a hair of overlap on shared edges so
  // neighbouring triangles leave no unpainted seam.
  const yStart = Math.max(0, Math.ceil(Math.min(y0, y1, y2) - 0.5));
  const yEnd = Math.min(height - 1, Math.floor(Math.max(y0, y1, y2) - 0.5));
  for (let py = yStart; py <= yEnd; py++) {
    const cy = py + 0.5;
    // Intersect the row with each of the three edges.
    let xl = Infinity, xr = -Infinity;
    let x = edgeCrossing(x0, y0, x1, y1, cy);
    if (x === x) { xl = Math.min(xl, x); xr = Math.max(xr, x); }
    x = edgeCrossing(x1, y1, x2, y2, cy);
    if (x === x) { xl = Math.min(xl, x); xr = Math.max(xr, x); }
    x = edgeCrossing(x2, y2, x0, y0, cy);
    if (x === x) { xl = Math.min(xl, x); xr = Math.max(xr, x); }
    if (xl > xr) continue;
    const xStart = Math.max(0, Math.ceil(xl - 0.5 - 0.02));
    const xEnd = Math.min(width - 1, Math.floor(xr - 0.5 + 0.02));
    // Source position in 16.16 fixed point, stepped along the row.
    let su = Math.round((ma * (xStart + 0.5) + mb * cy + mc - 0.5) * 65536);
    let sv = Math.round((md * (xStart + 0.5) + me * cy + mf - 0.5) * 65536);
    const dsu = Math.round(ma * 65536), dsv = Math.round(md * 65536);
    let o = py * width + xStart;
    for (let px = xStart; px <= xEnd; px++, su += dsu, sv += dsv, o++) {
      const uu = su < minU ? minU : su > maxU ? maxU : su;
      const vv = sv < minV ? minV : sv > maxV ? maxV : sv;
      const fu = (uu >> 8) & 255, fv = (vv >> 8) & 255;
      // Bilinear weights in 1/256 that sum to exactly 256, so a whole-pixel shift is exact.
      const w11 = (fu * fv) >> 8, w10 = fu - w11, w01 = fv - w11, w00 = 256 - fu - fv + w11;
      const i = (vv >> 16) * width + (uu >> 16);
      const p00 = data[i], p10 = data[i + 1], p01 = data[i + width], p11 = data[i + width + 1];
      // Red and blue share one lane pair, green the other: two multiplies per tap, not three.
      const rb = ((p00 & 0xff00ff) * w00 + (p10 & 0xff00ff) * w10 + (p01 & 0xff00ff) * w01 + (p11 & 0xff00ff) * w11 + 0x800080) >>> 8;
      const g = ((p00 & 0xff00) * w00 + (p10 & 0xff00) * w10 + (p01 & 0xff00) * w01 + (p11 & 0xff00) * w11 + 0x8000) >>> 8;
      dst[o] = (rb & 0xff00ff) | (g & 0xff00) | 0xff000000;
    }
  }
}
