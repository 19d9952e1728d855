import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { affineFromTriangles, movedTriangleBounds, warpTriangles } from '../../../src/engine/render/warp.js';

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

describe('warp reads near each triangle (readsNearTriangle) and movedTriangleBounds', () => {
  /** A mesh over a jittered 7×7 grid in a 96×96 image, its border still. */
  function jitteredMesh(seed: number): { src: Float32Array; dst: Float32Array; triangles: Uint32Array } {
    let s = seed;
    const random = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const n = 7, step = 12, points: number[] = [], moved: number[] = [];
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const x = 12 + i * step, y = 12 + j * step;
        points.push(x, y);
        // Only the middle of the grid moves, some vertices nearly onto a neighbour's line (slivers).
        const inner = i > 1 && i < n - 2 && j > 1 && j < n - 2;
        moved.push(inner ? x + (random() - 0.5) * 14 : x, inner ? y + (random() - 0.5) * 14 : y);
      }
    }
    const triangles: number[] = [];
    for (let j = 0; j < n - 1; j++) {
      for (let i = 0; i < n - 1; i++) {
        const a = j * n + i;
        triangles.push(a, a + 1, a + n, a + 1, a + n + 1, a + n);
      }
    }
    return { src: Float32Array.from(points), dst: Float32Array.from(moved), triangles: Uint32Array.from(triangles) };
  }

  /** `image` with every pixel outside `bounds` replaced by a colour the checkerboard never has. */
  function garbleOutside(image: ReturnType<typeof checkerboard>, bounds: { x0: number; y0: number; x1: number; y1: number }) {
    const garbled = { ...image, data: Uint8Array.from(image.data) };
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        if (x >= bounds.x0 && x < bounds.x1 && y >= bounds.y0 && y < bounds.y1) continue;
        garbled.data.set([255, 0, 255, 255], (y * image.width + x) * 4);
      }
    }
    return garbled;
  }

  test('a sliver reads only near its source triangle; without the option its edge pixels read far outside', () => {
    const image = checkerboard(64, 72);
    // A destination triangle 0.015 px wide whose source triangle is 25 px wide: pixel centres the
    // rasteriser admits just beside it map ≈ 12 px beyond the source triangle.
    const src = Float32Array.from([20, 20, 20, 60, 45, 40]);
    const dst = Float32Array.from([30.5, 20, 30.51, 60, 30.515, 40]);
    const tri = Uint32Array.from([0, 1, 2]);
    const bounds = movedTriangleBounds(src, dst, tri, 64, 72)!;
    const garbled = garbleOutside(image, bounds);
    const render = (from: typeof image, near: boolean) => {
      const out = Uint8Array.from(image.data);
      warpTriangles(from, out, src, dst, tri, true, near);
      return out;
    };
    assert.notDeepEqual(render(garbled, false), render(image, false), 'without the option a read lands outside the bounds');
    assert.deepEqual(render(garbled, true), render(image, true), 'with it every read stays inside');
  });

  test('what it draws depends only on the source inside movedTriangleBounds, and it writes nothing outside them', () => {
    const image = checkerboard(96, 96);
    for (let seed = 1; seed <= 20; seed++) {
      const { src, dst, triangles } = jitteredMesh(seed);
      const bounds = movedTriangleBounds(src, dst, triangles, 96, 96)!;
      assert.ok(bounds && bounds.x0 > 0 && bounds.x1 < 96, `seed ${seed}: the still border is outside the bounds`);
      const garbled = garbleOutside(image, bounds);
      const render = (from: typeof image, near: boolean) => {
        const out = Uint8Array.from(image.data);
        warpTriangles(from, out, src, dst, triangles, true, near);
        return out;
      };
      const clean = render(image, true);
      assert.deepEqual(render(garbled, true), clean, `seed ${seed}: reads stay inside the bounds`);
      for (let y = 0; y < 96; y++) {
        for (let x = 0; x < 96; x++) {
          if (x >= bounds.x0 && x < bounds.x1 && y >= bounds.y0 && y < bounds.y1) continue;
          const o = (y * 96 + x) * 4;
          assert.deepEqual([...clean.subarray(o, o + 4)], [...image.data.subarray(o, o + 4)], `seed ${seed}: pixel ${x},${y} outside the bounds was written`);
        }
      }
    }
  });

  test('a triangle that is not a sliver draws the same pixels either way', () => {
    const image = checkerboard(64, 64);
    const src = Float32Array.from([10, 10, 50, 12, 20, 55]);
    const dst = Float32Array.from([12, 9, 51, 15, 18, 57]);
    const tri = Uint32Array.from([0, 1, 2]);
    const a = Uint8Array.from(image.data), b = Uint8Array.from(image.data);
    warpTriangles(image, a, src, dst, tri, true, false);
    warpTriangles(image, b, src, dst, tri, true, true);
    assert.deepEqual(b, a);
  });
});
