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
 */
export function warpTriangles(
  src: RgbaBuffer,
  dst: Uint8Array,
  srcPoints: Float32Array,
  dstPoints: Float32Array,
  triangles: Uint32Array | Uint16Array,
  skipStill = true,
): void {
  for (let t = 0; t < triangles.length; t += 3) {
    const a = triangles[t], b = triangles[t + 1], c = triangles[t + 2];
    const x0 = dstPoints[2 * a], y0 = dstPoints[2 * a + 1];
    const x1 = dstPoints[2 * b], y1 = dstPoints[2 * b + 1];
    const x2 = dstPoints[2 * c], y2 = dstPoints[2 * c + 1];
    const u0 = srcPoints[2 * a], v0 = srcPoints[2 * a + 1];
    const u1 = srcPoints[2 * b], v1 = srcPoints[2 * b + 1];
    const u2 = srcPoints[2 * c], v2 = srcPoints[2 * c + 1];
    if (skipStill && nearlyEqual(x0, u0) && nearlyEqual(y0, v0) && nearlyEqual(x1, u1)
      && nearlyEqual(y1, v1) && nearlyEqual(x2, u2) && nearlyEqual(y2, v2)) continue;
    warpTriangle(src, dst, x0, y0, x1, y1, x2, y2, u0, v0, u1, v1, u2, v2);
  }
}

function nearlyEqual(p: number, q: number): boolean {
  return Math.abs(p - q) < 0.02;
}

/** Inverse affine map of one triangle; exported for tests. */
export function affineFromTriangles(
  x0: number, y0: number, x1: number, y1: number, x2: number, y2: number,
  u0: number, v0: number, u1: number, v1: number, u2: number, v2: number,
): Float64Array | null {
  const det = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
  if (Math.abs(det) < 1e-9) return null;
  // Solve [u] = A [x y 1] from the three correspondences.
  const inv = 1 / det;
  const a = ((u1 - u0) * (y2 - y0) - (u2 - u0) * (y1 - y0)) * inv;
  const b = ((u2 - u0) * (x1 - x0) - (u1 - u0) * (x2 - x0)) * inv;
  const d = ((v1 - v0) * (y2 - y0) - (v2 - v0) * (y1 - y0)) * inv;
  const e = ((v2 - v0) * (x1 - x0) - (v1 - v0) * (x2 - x0)) * inv;
  return Float64Array.of(a, b, u0 - a * x0 - b * y0, d, e, v0 - d * x0 - e * y0);
}

/** x where the edge a→b crosses row y, or NaN if it does not. */
function edgeCrossing(ax: number, ay: number, bx: number, by: number, y: number): number {
  if ((y < ay && y < by) || (y > ay && y > by) || ay === by) return NaN;
  return ax + ((y - ay) * (bx - ax)) / (by - ay);
}

function warpTriangle(
  src: RgbaBuffer, dst: Uint8Array,
  x0: number, y0: number, x1: number, y1: number, x2: number, y2: number,
  u0: number, v0: number, u1: number, v1: number, u2: number, v2: number,
): void {
  const m = affineFromTriangles(x0, y0, x1, y1, x2, y2, u0, v0, u1, v1, u2, v2);
  if (!m) return;
  const ma = m[0], mb = m[1], mc = m[2], md = m[3], me = m[4], mf = m[5];
  const { width, height, data } = src;
  // Clamp so the 2×2 tap stays inside the image (fixed point, just under the last pixel).
  const maxU = (width - 1) * 65536 - 1, maxV = (height - 1) * 65536 - 1;
  const stride = width * 4;
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
    // Source position in 16.16 fixed point: integer lerps are ~2× faster than float taps here.
    let su = Math.round((ma * (xStart + 0.5) + mb * cy + mc - 0.5) * 65536);
    let sv = Math.round((md * (xStart + 0.5) + me * cy + mf - 0.5) * 65536);
    const dsu = Math.round(ma * 65536), dsv = Math.round(md * 65536);
    let o = (py * width + xStart) * 4;
    for (let px = xStart; px <= xEnd; px++, su += dsu, sv += dsv, o += 4) {
      const uu = su < 0 ? 0 : su > maxU ? maxU : su;
      const vv = sv < 0 ? 0 : sv > maxV ? maxV : sv;
      const fu = (uu >> 8) & 255, fv = (vv >> 8) & 255;
      const i00 = ((vv >> 16) * width + (uu >> 16)) << 2;
      const i01 = i00 + stride;
      let a = data[i00], b = data[i00 + 4], d = data[i01], e = data[i01 + 4];
      let top = (a << 8) + (b - a) * fu, bottom = (d << 8) + (e - d) * fu;
      dst[o] = ((top << 8) + (bottom - top) * fv + 32768) >> 16;
      a = data[i00 + 1]; b = data[i00 + 5]; d = data[i01 + 1]; e = data[i01 + 5];
      top = (a << 8) + (b - a) * fu; bottom = (d << 8) + (e - d) * fu;
      dst[o + 1] = ((top << 8) + (bottom - top) * fv + 32768) >> 16;
      a = data[i00 + 2]; b = data[i00 + 6]; d = data[i01 + 2]; e = data[i01 + 6];
      top = (a << 8) + (b - a) * fu; bottom = (d << 8) + (e - d) * fu;
      dst[o + 2] = ((top << 8) + (bottom - top) * fv + 32768) >> 16;
      dst[o + 3] = 255;
    }
  }
}
