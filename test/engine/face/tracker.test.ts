// Face tracking through video frames, landmark smoothing, and the inner-lip refinement.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import {
  detectFaces, FaceTracker, loadFaceDetector, refineInnerLips, smoothLandmarkSequence, topology,
} from '../../../src/engine/face/index.js';
import { decodeVideoFrames } from '../../../src/engine/media/index.js';
import { seededRandom } from '../../../src/engine/render/index.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));

async function track(path: string) {
  const tracker = new FaceTracker({ redetectEvery: 25 });
  const ids: number[][] = [];
  for await (const frame of decodeVideoFrames(path)) {
    ids.push((await tracker.track({ data: frame.rgba, width: frame.width, height: frame.height })).map((f) => f.trackId));
  }
  return { ids, detections: tracker.detections };
}

async function imageFace(name: string) {
  const { data, info } = await sharp(fixture(name)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const frame = { data: new Uint8Array(data), width: info.width, height: info.height };
  return { frame, face: (await detectFaces(frame))[0] };
}

describe('FaceTracker', { timeout: 120_000 }, () => {
  before(() => loadFaceDetector());

  test('follows the zooming face with one track id, running the detector about once a second', async () => {
    const { ids, detections } = await track(fixture('video-astronaut.mp4'));
    assert.equal(ids.length, 75);
    assert.deepEqual([...new Set(ids.flat())], [1], 'one id throughout');
    assert.ok(ids.every((frame) => frame.length === 1), 'the face is found in every frame');
    assert.ok(detections <= 5, `${detections} detector runs for 75 frames`);
  });

  test('loses the face where it is gone and finds it again when it returns', async () => {
    const { ids } = await track(fixture('video-face-gap.mp4'));
    assert.ok(ids.slice(0, 25).every((f) => f.length === 1), 'found in frames 0–24');
    assert.ok(ids.slice(26, 49).every((f) => f.length === 0), 'nothing in frames 26–48 (testsrc2)');
    assert.ok(ids.slice(55, 75).every((f) => f.length === 1), 'found again within a few frames of its return');
  });
});

describe('smoothLandmarkSequence', () => {
  test('steadies jittering landmarks and still follows a sudden move without dragging behind', async () => {
    await loadFaceDetector();
    const { face } = await imageFace('portrait-astronaut.jpg');
    const frames = 100, stride = 936, fps = 25;
    const truth = new Float32Array(frames * stride), noisy = new Float32Array(frames * stride);
    const random = seededRandom(11);
    for (let i = 0; i < frames; i++) {
      // Still, then at frame 50 the head moves 15 px right for good.
      const dx = i >= 50 ? 15 : 0;
      for (let k = 0; k < stride; k++) {
        truth[i * stride + k] = face.points[k] + (k % 2 === 0 ? dx : 0);
        noisy[i * stride + k] = truth[i * stride + k] + (random() - 0.5) * 3;
      }
    }
    const smoothed = noisy.slice();
    smoothLandmarkSequence(smoothed, new Uint8Array(frames).fill(1), fps);
    const error = (a: Float32Array, from: number, to: number) => {
      let sum = 0;
      for (let i = from * stride; i < to * stride; i++) sum += Math.abs(a[i] - truth[i]);
      return sum / ((to - from) * stride);
    };
    assert.ok(error(smoothed, 5, 45) < 0.6 * error(noisy, 5, 45), `jitter ${error(noisy, 5, 45).toFixed(2)} px → ${error(smoothed, 5, 45).toFixed(2)} px`);
    assert.ok(error(smoothed, 54, 95) < 0.6 * error(noisy, 54, 95), 'steady again after the move');
    assert.ok(error(smoothed, 53, 54) < 1, `three frames after the move the landmarks are within 1 px (${error(smoothed, 53, 54).toFixed(2)})`);
  });

  test('never bridges a gap: frames on either side are filtered separately', () => {
    const landmarks = new Float32Array(4 * 936);
    landmarks.fill(0, 0, 936); landmarks.fill(100, 3 * 936);
    smoothLandmarkSequence(landmarks, Uint8Array.from([1, 0, 0, 1]), 25);
    assert.equal(landmarks[0], 0);
    assert.equal(landmarks[3 * 936], 100);
  });
});

describe('refineInnerLips', { timeout: 60_000 }, () => {
  test('moves the inner lips out to where a mouth really opens', async () => {
    await loadFaceDetector();
    // The astronaut's closed mouth, painted open: teeth above, cavity below, reaching 3 px past
    // where the landmarks put the inner lips (the model's bias on open mouths).
    const { frame, face } = await imageFace('portrait-astronaut.jpg');
    const p = face.points;
    const upper = topology.LIPS_UPPER_INNER, lower = topology.LIPS_LOWER_INNER;
    const top = Math.round(Math.min(...[3, 4, 5, 6, 7].map((k) => p[2 * upper[k] + 1]))) - 3;
    const bottom = Math.round(Math.max(...[3, 4, 5, 6, 7].map((k) => p[2 * lower[k] + 1]))) + 3;
    const x0 = Math.round(p[2 * upper[2]]), x1 = Math.round(p[2 * upper[8]]);
    for (let y = top; y <= bottom; y++) {
      for (let x = x0; x <= x1; x++) {
        const o = (y * frame.width + x) * 4;
        frame.data.set(y < (top + bottom) / 2 ? [236, 232, 224] : [24, 12, 12], o);
      }
    }
    const moved = refineInnerLips(frame, p);
    for (const k of [4, 5, 6]) {
      assert.ok(Math.abs(p[2 * upper[k] + 1] - top) <= 1, `upper inner ${upper[k]} at y ${p[2 * upper[k] + 1].toFixed(1)}, the opening's top edge at ${top}`);
      assert.ok(Math.abs(p[2 * lower[k] + 1] - (bottom + 1)) <= 1, `lower inner ${lower[k]} at y ${p[2 * lower[k] + 1].toFixed(1)}, the bottom edge at ${bottom + 1}`);
      assert.ok(p[2 * upper[k] + 1] > p[2 * topology.LIPS_UPPER_OUTER[k] + 1], 'the upper lip keeps its outer contour above its inner one');
    }
    assert.ok(moved >= 2, `moved ${moved.toFixed(1)} px`);
  });

  test('leaves closed mouths (nearly) alone', async () => {
    await loadFaceDetector();
    for (const name of ['portrait-hopper.jpg', 'portrait-astronaut.jpg', 'portrait-3.jpg']) {
      const { frame, face } = await imageFace(name);
      const moved = refineInnerLips(frame, face.points);
      assert.ok(moved <= 2.5, `${name}: moved ${moved.toFixed(1)} px`);
    }
  });
});
