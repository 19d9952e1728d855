// Reusing a video's own open mouth for the painted interior: when a sample qualifies, and what
// the painter draws from it.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { topology } from '../../../src/engine/face/index.js';
import { interiorFromSample, type MouthSample } from '../../../src/engine/pipelines/mouth-sample.js';
import { paintMouthFromSample, type MouthGeometry } from '../../../src/engine/render/index.js';

const SKIN = [205, 160, 140], LIP = [190, 90, 95], TEETH = [238, 236, 228], DARK = [30, 12, 14];

/**
 * A 60 × 40 picture of an open mouth: lips 4 px thick around an opening from y 14 to 30 (upper
 * teeth y 14–19, dark below), mouth corners at x 8 and 52. Its 468 "landmarks" put the inner
 * lips `contourOffset` px inside the real edges (0 = exactly on them).
 */
function openMouthSample(contourOffset: number): MouthSample {
  const width = 60, height = 40;
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inMouth = x > 8 && x < 52;
      const colour = !inMouth || y < 10 || y > 34 ? SKIN : y < 14 || y > 30 ? LIP : y < 19 ? TEETH : DARK;
      rgba.set([...colour, 255], (y * width + x) * 4);
    }
  }
  const points = new Float32Array(468 * 2);
  const across = (k: number) => 8 + (44 * k) / 10;
  topology.LIPS_UPPER_INNER.forEach((i, k) => { points[2 * i] = across(k); points[2 * i + 1] = k === 0 || k === 10 ? 22 : 14 + contourOffset; });
  topology.LIPS_LOWER_INNER.forEach((i, k) => { points[2 * i] = across(k); points[2 * i + 1] = k === 0 || k === 10 ? 22 : 30 - contourOffset; });
  return { gap: 0.3, rgba, width, height, points, scaleToOutput: 1 };
}

describe('the open-mouth sample', () => {
  test('is reused when its upper contour sits on the top edge of the teeth', () => {
    assert.ok(interiorFromSample(openMouthSample(0)));
  });

  test('is not reused when the contour sits inside the teeth (the model\'s bias on wide-open mouths)', () => {
    assert.equal(interiorFromSample(openMouthSample(3)), null);
    assert.equal(interiorFromSample(null), null);
  });

  test('paints the opening with the teeth hanging from the upper lip and the dark of the mouth below', () => {
    const sample = interiorFromSample(openMouthSample(0))!;
    // A posed mouth twice the size, opened 20 px: corners at x 20 and 108, lips at y 50 and 70.
    const width = 128, height = 100;
    const dst = new Uint8Array(width * height * 4).fill(255);
    const upperInner = new Float32Array(22), lowerInner = new Float32Array(22);
    for (let k = 0; k <= 10; k++) {
      const x = 20 + (88 * k) / 10, edge = k === 0 || k === 10;
      upperInner.set([x, edge ? 60 : 50], 2 * k);
      lowerInner.set([x, edge ? 60 : 70], 2 * k);
    }
    const mouth: MouthGeometry = {
      upperInner, lowerInner, upperTeethEdge: upperInner, lowerTeethEdge: lowerInner,
      ex: [1, 0], ey: [0, 1], mouthWidth: 88, gap: 0.23, labiodental: 0,
    };
    paintMouthFromSample(dst, width, height, mouth, sample);
    const at = (x: number, y: number) => [...dst.subarray((y * width + x) * 4, (y * width + x) * 4 + 3)];
    const near = (c: number[], want: number[]) => c.every((v, i) => Math.abs(v - want[i]) <= 12);
    assert.ok(near(at(64, 52), TEETH), `teeth right under the upper lip: ${at(64, 52)}`);
    assert.ok(near(at(64, 64), DARK), `dark lower in the opening: ${at(64, 64)}`);
    assert.deepEqual(at(64, 40), [255, 255, 255], 'nothing painted outside the opening');
  });
});
