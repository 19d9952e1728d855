// The 68-point measurements the sync metrics are built on.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { innerLipGap, interOcularDistance, mouthAndJawBox, mouthBox, normalisedLipGap } from '../../eval/mouth-geometry.js';

/** A frontal face: eyes 60 px apart at y = 100, inner lips around y = 200 opened by `gap` px. */
function face(gap: number): Float32Array {
  const p = new Float32Array(136);
  const set = (i: number, x: number, y: number): void => { p[2 * i] = x; p[2 * i + 1] = y; };
  for (let i = 0; i < 17; i++) set(i, 50 + i * 6.25, 120 + 80 * Math.sin((Math.PI * i) / 16)); // jaw
  for (let i = 36; i < 42; i++) set(i, 70 + (i - 36), 100); // right eye, centre ≈ 72.5
  for (let i = 42; i < 48; i++) set(i, 130 + (i - 42), 100); // left eye, centre ≈ 132.5
  set(30, 100, 160); // nose tip
  for (let i = 48; i < 60; i++) set(i, 80 + (i - 48) * 3.5, 200 + (i < 55 ? -8 : 8)); // outer lips
  set(60, 85, 200); set(64, 115, 200);
  set(61, 93, 200 - gap / 2); set(62, 100, 200 - gap / 2); set(63, 107, 200 - gap / 2);
  set(67, 93, 200 + gap / 2); set(66, 100, 200 + gap / 2); set(65, 107, 200 + gap / 2);
  return p;
}

function rotated(points: Float32Array, degrees: number): Float32Array {
  const a = (degrees * Math.PI) / 180;
  const out = new Float32Array(points.length);
  for (let i = 0; i < points.length; i += 2) {
    const x = points[i] - 100, y = points[i + 1] - 150;
    out[i] = 100 + x * Math.cos(a) - y * Math.sin(a);
    out[i + 1] = 150 + x * Math.sin(a) + y * Math.cos(a);
  }
  return out;
}

describe('mouth geometry', () => {
  test('measures the inner-lip opening in pixels and in inter-ocular distances', () => {
    assert.ok(Math.abs(interOcularDistance(face(12)) - 60) < 1e-9);
    assert.ok(Math.abs(innerLipGap(face(12)) - 12) < 1e-9);
    assert.ok(Math.abs(normalisedLipGap(face(12)) - 0.2) < 1e-9);
  });

  test('reads a tilted head like an upright one', () => {
    assert.ok(Math.abs(normalisedLipGap(rotated(face(12), 23)) - 0.2) < 1e-6);
    assert.ok(Math.abs(normalisedLipGap(rotated(face(0), -23))) < 1e-6);
  });

  test('calls lips that cross over a negative gap', () => {
    assert.ok(innerLipGap(face(-3)) < 0);
  });

  test('the mouth-and-jaw box holds the mouth box and reaches from the nose to below the chin', () => {
    const p = face(10);
    const mouth = mouthBox(p);
    const lower = mouthAndJawBox(p);
    assert.ok(lower.x <= mouth.x && lower.y <= mouth.y);
    assert.ok(lower.x + lower.width >= mouth.x + mouth.width && lower.y + lower.height >= mouth.y + mouth.height);
    assert.ok(lower.y < 160 && lower.y + lower.height > 200);
  });
});
