import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { detectFaces, topology } from '../../../src/engine/face/index.js';
import { loadImageRgba } from '../../../src/engine/media/index.js';
import { widenSourceOpening } from '../../../src/engine/render/index.js';

// Hopper's lips are shut (the landmarks put his inner lips together).
const portrait = fileURLToPath(new URL('../../fixtures/portrait-hopper.jpg', import.meta.url));
const T = topology;
const LOWER_ROWS = [T.LIPS_LOWER_INNER, T.LIPS_LOWER_BODY.slice(9), T.LIPS_LOWER_BODY.slice(0, 9), T.LIPS_LOWER_OUTER];
let closed: Float32Array;

/** y of landmark i (the head is upright: the face's vertical is the image's, near enough). */
const y = (p: Float32Array, i: number) => p[2 * i + 1];

describe('widenSourceOpening', () => {
  before(async () => {
    const image = await loadImageRgba(portrait, { shortSide: 480, maxPixels: 40e6 });
    closed = Float32Array.from((await detectFaces(image))[0].points);
  });

  test('leaves a closed mouth alone', () => {
    const out = widenSourceOpening(closed, new Float32Array(closed.length));
    assert.deepEqual(out, closed);
  });

  test('moves an open mouth\'s inner lips apart, into the lips, keeping each lip\'s rows in order', () => {
    // Open the mouth: the lower lip and everything below the mouth down by 12 px.
    const open = Float32Array.from(closed);
    const lowerLip = new Set(LOWER_ROWS.flat().filter((i) => !T.LIPS_UPPER_INNER.includes(i)));
    for (const i of lowerLip) open[2 * i + 1] += 12;
    const out = widenSourceOpening(open, new Float32Array(open.length));
    for (const k of [3, 4, 5, 6, 7]) {
      const up = T.LIPS_UPPER_INNER[k], lo = T.LIPS_LOWER_INNER[k];
      assert.ok(y(out, up) < y(open, up) - 0.5, `upper inner ${up} moved up: ${y(open, up).toFixed(1)} → ${y(out, up).toFixed(1)}`);
      assert.ok(y(out, lo) > y(open, lo) + 0.5, `lower inner ${lo} moved down: ${y(open, lo).toFixed(1)} → ${y(out, lo).toFixed(1)}`);
      for (let r = 1; r < LOWER_ROWS.length; r++) {
        const inner = r === 1 ? LOWER_ROWS[0][k] : LOWER_ROWS[r - 1][k - 1];
        const row = r === LOWER_ROWS.length - 1 ? LOWER_ROWS[r][k] : LOWER_ROWS[r][k - 1];
        assert.ok(y(out, row) > y(out, inner), `lower lip row ${r} stays below row ${r - 1} at pair ${k}`);
      }
    }
  });
});
