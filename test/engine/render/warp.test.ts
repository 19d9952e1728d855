import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { affineFromTriangles, warpTriangles } from '../../../src/engine/render/warp.js';

function checkerboard(width: number, height: number): { data: Uint8Array; width: number; height: number } {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      const v = ((x >> 2) + (y >> 2)) & 1 ? 220 : 30;
      data[o] = v; data[o + 1] = x * 3; data[o + 2] = y * 3; data[o + 3] = 255;
    }
  }
  return { data, width, height };
}

describe('piecewise-affine warp', () => {
  test('the affine map sends each destination vertex to its source vertex', () => {
    const m = affineFromTriangles(10, 10, 50, 12, 20, 60, 5, 7, 40, 9, 25, 70)!;
    const map = (x: number, y: number) => [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
    for (const [x, y, u, v] of [[10, 10, 5, 7], [50, 12, 40, 9], [20, 60, 25, 70]]) {
      const [mu, mv] = map(x, y);
      assert.ok(Math.abs(mu - u) < 1e-9 && Math.abs(mv - v) < 1e-9);
    }
  });

  test('a degenerate triangle has no map', () => {
    assert.equal(affineFromTriangles(0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2), null);
  });

  test('an identity warp leaves every pixel unchanged', () => {
    const src = checkerboard(64, 48);
    const dst = new Uint8Array(src.data.length);
    const pts = Float32Array.of(0, 0, 64, 0, 64, 48, 0, 48);
    warpTriangles(src, dst, pts, pts, Uint32Array.of(0, 1, 2, 0, 2, 3), false);
    assert.deepEqual(dst, src.data);
  });

  test('moving a square by whole pixels moves its content by the same amount', () => {
    const src = checkerboard(64, 64);
    const dst = Uint8Array.from(src.data);
    const from = Float32Array.of(10, 10, 40, 10, 40, 40, 10, 40);
    const to = Float32Array.of(13, 12, 43, 12, 43, 42, 13, 42);
    warpTriangles(src, dst, from, to, Uint32Array.of(0, 1, 2, 0, 2, 3));
    for (let y = 14; y < 40; y++) {
      for (let x = 15; x < 41; x++) {
        const o = (y * 64 + x) * 4, s = ((y - 2) * 64 + (x - 3)) * 4;
        assert.deepEqual([...dst.subarray(o, o + 3)], [...src.data.subarray(s, s + 3)], `pixel ${x},${y}`);
      }
    }
    // Outside the destination square nothing was painted.
    assert.deepEqual([...dst.subarray(0, 4)], [...src.data.subarray(0, 4)]);
  });

  test('triangles sharing an edge leave no unpainted seam', () => {
    const src = { data: new Uint8Array(32 * 32 * 4).fill(200), width: 32, height: 32 };
    const dst = new Uint8Array(src.data.length);
    const from = Float32Array.of(2, 2, 30, 3, 29, 29, 3, 30);
    const to = Float32Array.of(2.3, 2.7, 29.6, 3.2, 28.9, 29.4, 3.1, 29.8);
    warpTriangles(src, dst, from, to, Uint32Array.of(0, 1, 2, 0, 2, 3), false);
    // Every pixel centre well inside the quad is painted.
    for (let y = 6; y < 27; y++) for (let x = 6; x < 27; x++) assert.equal(dst[(y * 32 + x) * 4 + 3], 255, `pixel ${x},${y}`);
  });
});

describe('piecewise-affine warp on unaligned buffers', () => {
  test('gives the same pixels when source and destination start at an odd byte offset', () => {
    const src = checkerboard(40, 30);
    const pts = Float32Array.of(5, 5, 35, 5, 35, 25, 5, 25);
    const to = Float32Array.of(6.5, 5.25, 35, 6, 34, 25, 5, 24.5);
    const tris = Uint32Array.of(0, 1, 2, 0, 2, 3);
    const aligned = Uint8Array.from(src.data);
    warpTriangles(src, aligned, pts, to, tris);
    const backing = new Uint8Array(src.data.length * 2 + 8);
    const oddSrc = backing.subarray(1, 1 + src.data.length);
    oddSrc.set(src.data);
    const oddDst = backing.subarray(src.data.length + 3, src.data.length * 2 + 3);
    oddDst.set(src.data);
    warpTriangles({ data: oddSrc, width: 40, height: 30 }, oddDst, pts, to, tris);
    assert.deepEqual(oddDst, aligned);
  });
});
