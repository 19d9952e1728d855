import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { detectFaces, faceMeshTriangles, innerLipGap, topology } from '../../../src/engine/face/index.js';
import { loadImageRgba, type RgbaImage } from '../../../src/engine/media/index.js';
import { FaceRenderer, REST_POSE, idleMotion, type FacePose } from '../../../src/engine/render/index.js';

const portrait = fileURLToPath(new URL('../../fixtures/portrait-astronaut.jpg', import.meta.url));
let image: RgbaImage;
let renderer: FaceRenderer;

function posed(pose: Partial<FacePose>): { frame: Uint8Array; points: Float32Array } {
  const frame = new Uint8Array(image.data.length);
  renderer.render({ ...REST_POSE, ...pose }, frame);
  return { frame, points: Float32Array.from(renderer.lastPosedPoints) };
}

function gapOf(points: Float32Array): number {
  return innerLipGap({ points });
}

describe('face rig and renderer', () => {
  before(async () => {
    image = await loadImageRgba(portrait, { shortSide: 480, maxPixels: 40e6 });
    const [face] = await detectFaces(image);
    renderer = new FaceRenderer(image, face.points, await faceMeshTriangles());
  });

  test('no pose changes a pixel outside the renderer\'s bounds, and a bounds-only redraw equals a full one', () => {
    const { x0, y0, x1, y1 } = renderer.bounds;
    assert.ok(x1 - x0 < image.width && y1 - y0 < image.height, 'the bounds are smaller than the frame');
    const reused = Uint8Array.from(image.data);
    const extremes: Array<Partial<FacePose>> = [
      { jaw: 1, spread: 1 }, { jaw: 1, spread: -1, headRoll: 0.08, headX: 0.06, headY: -0.06 },
      { closure: 1, labiodental: 1, headRoll: -0.08, headX: -0.06, headY: 0.06, blinkLeft: 1, blinkRight: 1, cornerLift: 1 },
    ];
    for (const pose of extremes) {
      const { frame } = posed(pose);
      for (let y = 0; y < image.height; y++) {
        for (let x = 0; x < image.width; x++) {
          if (x >= x0 && x < x1 && y >= y0 && y < y1) continue;
          const o = (y * image.width + x) * 4;
          if (frame[o] !== image.data[o] || frame[o + 1] !== image.data[o + 1] || frame[o + 2] !== image.data[o + 2]) {
            assert.fail(`pixel ${x},${y} changed outside the bounds for ${JSON.stringify(pose)}`);
          }
        }
      }
      renderer.render({ ...REST_POSE, ...pose }, reused, true);
      assert.deepEqual(reused, frame, 'redrawing only the bounds of a reused buffer gives the same frame');
    }
  });

  test('the rest pose brings the lips together', () => {
    const { points } = posed({});
    assert.ok(gapOf(points) < 0.01, `rest gap ${gapOf(points)}`);
  });

  test('jaw opening parts the lips and lowers the chin, in proportion', () => {
    const half = posed({ jaw: 0.5 }).points, full = posed({ jaw: 1 }).points;
    assert.ok(gapOf(half) > 0.1, `half gap ${gapOf(half)}`);
    assert.ok(gapOf(full) > 1.7 * gapOf(half), `full ${gapOf(full)} vs half ${gapOf(half)}`);
    const chin = topology.CHIN;
    assert.ok(full[2 * chin + 1] - renderer.rig.source[2 * chin + 1] > 3, 'chin moved down');
  });

  test('closure shuts the mouth however far the jaw asks to open', () => {
    assert.ok(gapOf(posed({ jaw: 1, closure: 1 }).points) < 0.01);
  });

  test('spreading widens the mouth and rounding narrows it', () => {
    const width = (p: Float32Array) => Math.hypot(
      p[2 * topology.MOUTH_CORNER_LEFT] - p[2 * topology.MOUTH_CORNER_RIGHT],
      p[2 * topology.MOUTH_CORNER_LEFT + 1] - p[2 * topology.MOUTH_CORNER_RIGHT + 1]);
    const neutral = width(posed({ jaw: 0.4 }).points);
    assert.ok(width(posed({ jaw: 0.4, spread: 1 }).points) > neutral * 1.05);
    assert.ok(width(posed({ jaw: 0.4, spread: -1 }).points) < neutral * 0.9);
  });

  test('the outer ring never moves, so pixels far from the face stay identical', () => {
    const { frame, points } = posed({ jaw: 1, headRoll: 0.02, headX: 2, blinkLeft: 1 });
    const ring2 = renderer.rig.vertexCount - topology.FACE_OVAL.length;
    for (let v = ring2; v < renderer.rig.vertexCount; v++) {
      assert.equal(points[2 * v], renderer.rig.source[2 * v]);
      assert.equal(points[2 * v + 1], renderer.rig.source[2 * v + 1]);
    }
    // The top-left and bottom-right corners of the photo are outside every triangle.
    for (const o of [0, image.data.length - 4]) assert.deepEqual([...frame.subarray(o, o + 4)], [...image.data.subarray(o, o + 4)]);
  });

  test('stillBeyondFace: the jaw drops as before, but ring 1 stays and every pixel beyond it keeps its value', async () => {
    const [face] = await detectFaces(image);
    const still = new FaceRenderer(image, face.points, await faceMeshTriangles(), { stillBeyondFace: true });
    const pose = { ...REST_POSE, jaw: 1 };
    const frame = new Uint8Array(image.data.length);
    still.render(pose, frame);
    const points = still.lastPosedPoints;
    const { rig } = still;
    const ovalCount = topology.FACE_OVAL.length;
    const ring1 = rig.vertexCount - 2 * ovalCount;
    let ringMoved = 0;
    for (let v = ring1; v < rig.vertexCount; v++) {
      ringMoved = Math.max(ringMoved, Math.hypot(points[2 * v] - rig.source[2 * v], points[2 * v + 1] - rig.source[2 * v + 1]));
    }
    assert.equal(ringMoved, 0, 'no ring vertex moves');
    // Without the option ring 1 follows the jaw (so the test can tell the two apart), and the mesh
    // (the chin with it) is posed the same either way.
    const free = posed(pose).points;
    let freeRing1Moved = 0, meshDifference = 0;
    for (let v = ring1; v < ring1 + ovalCount; v++) freeRing1Moved = Math.max(freeRing1Moved, Math.abs(free[2 * v + 1] - rig.source[2 * v + 1]));
    for (let v = 0; v < ring1; v++) meshDifference = Math.max(meshDifference, Math.abs(free[2 * v] - points[2 * v]), Math.abs(free[2 * v + 1] - points[2 * v + 1]));
    assert.ok(freeRing1Moved > 0.5, `without the option ring 1 moves ${freeRing1Moved.toFixed(2)} px`);
    assert.ok(meshDifference < 1e-3, `the mesh is posed alike (largest difference ${meshDifference})`);
    // Pixels outside ring 1's polygon (here: below its lowest point or beyond its sides) are the source's.
    let top = Infinity, bottom = -Infinity, left = Infinity, right = -Infinity;
    for (let v = ring1; v < ring1 + ovalCount; v++) {
      left = Math.min(left, rig.source[2 * v]); right = Math.max(right, rig.source[2 * v]);
      top = Math.min(top, rig.source[2 * v + 1]); bottom = Math.max(bottom, rig.source[2 * v + 1]);
    }
    let changedOutside = 0, changedInside = 0;
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const o = (y * image.width + x) * 4;
        const changed = frame[o] !== image.data[o] || frame[o + 1] !== image.data[o + 1] || frame[o + 2] !== image.data[o + 2];
        if (!changed) continue;
        if (x < left - 1 || x > right + 1 || y < top - 1 || y > bottom + 1) changedOutside++;
        else changedInside++;
      }
    }
    assert.equal(changedOutside, 0, 'no pixel outside ring 1 changed');
    assert.ok(changedInside > 500, `the mouth and jaw changed (${changedInside} pixels)`);
  });

  test('an open mouth shows a dark interior between the lips', () => {
    const { frame, points } = posed({ jaw: 1 });
    // Sample just above the lower inner lip centre: the cavity/tongue is darker than the lips.
    const lo = topology.LIPS_LOWER_INNER[5], up = topology.LIPS_UPPER_INNER[5];
    const x = Math.round((points[2 * lo] + points[2 * up]) / 2);
    const y = Math.round(points[2 * lo + 1] - 0.35 * (points[2 * lo + 1] - points[2 * up + 1]));
    const o = (y * image.width + x) * 4;
    const luma = 0.3 * frame[o] + 0.59 * frame[o + 1] + 0.11 * frame[o + 2];
    assert.ok(luma < 110, `interior luma ${luma}`);
  });

  test('a blink closes the eyelids', () => {
    const lid = (p: Float32Array) => p[2 * topology.LEFT_EYE_LOWER[3] + 1] - p[2 * topology.LEFT_EYE_UPPER[3] + 1];
    const open = lid(posed({}).points), shut = lid(posed({ blinkLeft: 1 }).points);
    assert.ok(open > 3 && shut < open * 0.1, `open ${open} shut ${shut}`);
  });
});

describe('idle motion', () => {
  test('is the same for the same seed and differs for another seed', () => {
    const a = idleMotion(42, 250, 25, 60), b = idleMotion(42, 250, 25, 60), c = idleMotion(7, 250, 25, 60);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.headRoll, c.headRoll);
  });

  test('stays subtle: roll within 1.5°, shift within 3 % of the eye distance, blinks 2–6 s apart', () => {
    const t = idleMotion(1234, 25 * 30, 25, 100);
    for (let i = 0; i < t.headRoll.length; i++) {
      assert.ok(Math.abs(t.headRoll[i]) < (1.5 * Math.PI) / 180);
      assert.ok(Math.abs(t.headX[i]) < 3 && Math.abs(t.headY[i]) < 3);
    }
    assert.equal(t.blinkLeft[0], 0, 'no blink on the first frame');
    const closings: number[] = [];
    for (let i = 1; i < t.blinkLeft.length; i++) if (t.blinkLeft[i] >= 0.99 && t.blinkLeft[i - 1] < 0.99) closings.push(i / 25);
    assert.ok(closings.length >= 4 && closings.length <= 16, `blinks ${closings.length}`);
  });
});
