import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { detectFaces, loadFaceDetector, refineInnerLips, topology } from '../../../src/engine/face/index.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));

describe('refineInnerLips on wide-open mouths', { timeout: 60_000 }, () => {
  test('walks through a shaded tongue and shaded teeth to the lips', async () => {
    await loadFaceDetector();
    const { data, info } = await sharp(fixture('portrait-astronaut.jpg')).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const frame = { data: new Uint8Array(data), width: info.width, height: info.height };
    const p = (await detectFaces(frame))[0].points;
    const upper = topology.LIPS_UPPER_INNER, lower = topology.LIPS_LOWER_INNER;
    // Paint the mouth open past where the landmarks put the inner lips: grey teeth in shade on
    // top (not light: toward the corners teeth are dark), then the cavity, then a dark red tongue
    // (too light for the cavity rule) down to 4 px past the lower inner lip.
    const top = Math.round(Math.min(...[3, 4, 5, 6, 7].map((k) => p[2 * upper[k] + 1]))) - 2;
    const bottom = Math.round(Math.max(...[3, 4, 5, 6, 7].map((k) => p[2 * lower[k] + 1]))) + 4;
    const x0 = Math.round(p[2 * upper[3]]), x1 = Math.round(p[2 * upper[7]]);
    const third = (bottom - top) / 3;
    for (let y = top; y <= bottom; y++) {
      for (let x = x0; x <= x1; x++) {
        const colour = y < top + third ? [110, 108, 104] : y < top + 2 * third ? [24, 12, 12] : [130, 60, 60];
        frame.data.set(colour, (y * frame.width + x) * 4);
      }
    }
    refineInnerLips(frame, p);
    for (const k of [4, 5, 6]) {
      assert.ok(Math.abs(p[2 * upper[k] + 1] - top) <= 1, `upper inner ${upper[k]} at y ${p[2 * upper[k] + 1].toFixed(1)}, the opening's top edge at ${top}`);
      assert.ok(Math.abs(p[2 * lower[k] + 1] - (bottom + 1)) <= 1, `lower inner ${lower[k]} at y ${p[2 * lower[k] + 1].toFixed(1)}, the bottom edge at ${bottom + 1}`);
      assert.ok(p[2 * topology.LIPS_LOWER_OUTER[k] + 1] > p[2 * lower[k] + 1] + 0.5, 'the lower lip keeps its outer contour below its inner one');
    }
  });
});
