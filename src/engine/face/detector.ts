// Face detection + 468-point landmarks on an RGBA image, and the measurements built on them.
import { humanInstance } from './human-runtime.js';
import {
  LIPS_LOWER_INNER, LIPS_UPPER_INNER, MESH_POINTS, LEFT_EYE_CORNERS, RIGHT_EYE_CORNERS,
} from './topology.js';

export interface RgbaFrame {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface FaceBox { x: number; y: number; width: number; height: number }

export interface DetectedFace {
  box: FaceBox;
  /** Combined detector and mesh confidence, 0..1. */
  score: number;
  /** 468 points as x0,y0,x1,y1,… in pixels of the analysed image. */
  points: Float32Array;
  /** Head rotation in radians (0 = frontal). */
  yaw: number;
  pitch: number;
  roll: number;
}

/** Load the face models now (they otherwise load on the first detection). */
export async function loadFaceDetector(): Promise<void> {
  await humanInstance();
}

/** RGB as int32, the dtype the tensor is made with: tfjs then keeps this array instead of converting a copy. */
function int32RgbFromRgba(frame: RgbaFrame): Int32Array {
  const pixels = frame.width * frame.height;
  const rgb = new Int32Array(pixels * 3);
  const src = frame.data;
  for (let i = 0, j = 0, k = 0; i < pixels; i++, j += 4, k += 3) {
    rgb[k] = src[j];
    rgb[k + 1] = src[j + 1];
    rgb[k + 2] = src[j + 2];
  }
  return rgb;
}

export interface DetectOptions {
  /**
   * Skip the face detector and run only the landmark model on the boxes the previous call's
   * landmarks gave (Human's own tracking path: ≈ 2–4× cheaper). Human still runs the detector
   * when the picture changed a lot (a scene cut) or the previous call found nothing; a face the
   * landmark model no longer confirms is dropped. For consecutive frames of one video only.
   */
  reusePreviousBoxes?: boolean;
}

/**
 * Mean squared RGB change per pixel (Human's measure, ÷ 255 per channel) above which a frame is a
 * new scene and the detector runs again: ≈ a 30-level change everywhere, far above the few levels
 * that motion and compression noise give between consecutive frames.
 */
const SCENE_CUT_SENSITIVITY = 3.5;

/** All faces found, largest first. Calls are serialised: the wasm backend is single-threaded. */
export async function detectFaces(frame: RgbaFrame, options: DetectOptions = {}): Promise<DetectedFace[]> {
  const human = await humanInstance();
  const tensor = human.tf.tensor3d(int32RgbFromRgba(frame), [frame.height, frame.width, 3], 'int32');
  const config = human.config;
  const saved = { sensitivity: config.cacheSensitivity, skipFrames: config.face.detector.skipFrames, skipTime: config.face.detector.skipTime };
  if (options.reusePreviousBoxes) {
    config.cacheSensitivity = SCENE_CUT_SENSITIVITY;
    config.face.detector.skipFrames = Number.MAX_SAFE_INTEGER;
    config.face.detector.skipTime = Number.MAX_SAFE_INTEGER;
  }
  try {
    const result = await human.detect(tensor);
    if (result.error) throw new Error(`face detector failed: ${result.error}`);
    const faces: DetectedFace[] = [];
    for (const face of result.face) {
      if (face.mesh.length < MESH_POINTS) continue;
      const points = new Float32Array(MESH_POINTS * 2);
      for (let i = 0; i < MESH_POINTS; i++) {
        points[2 * i] = face.mesh[i][0];
        points[2 * i + 1] = face.mesh[i][1];
      }
      const [x, y, width, height] = face.box;
      const angle = face.rotation?.angle;
      faces.push({
        box: { x, y, width, height },
        score: face.score,
        points,
        yaw: angle?.yaw ?? 0,
        pitch: angle?.pitch ?? 0,
        roll: angle?.roll ?? 0,
      });
    }
    return faces.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
  } finally {
    tensor.dispose();
    config.cacheSensitivity = saved.sensitivity;
    config.face.detector.skipFrames = saved.skipFrames;
    config.face.detector.skipTime = saved.skipTime;
  }
}

function distance(points: Float32Array, a: number, b: number): number {
  return Math.hypot(points[2 * a] - points[2 * b], points[2 * a + 1] - points[2 * b + 1]);
}

/** Distance between the eye centres (mean of each eye's two corners), the face's natural scale. */
export function interOcularDistance(points: Float32Array): number {
  const cx = (i: number, j: number, o: number) => (points[2 * i + o] + points[2 * j + o]) / 2;
  const [r0, r1] = RIGHT_EYE_CORNERS;
  const [l0, l1] = LEFT_EYE_CORNERS;
  return Math.hypot(cx(r0, r1, 0) - cx(l0, l1, 0), cx(r0, r1, 1) - cx(l0, l1, 1));
}

/**
 * Mouth opening: the mean distance between paired inner-lip points over the middle of the
 * mouth, divided by the inter-ocular distance so it does not depend on face size.
 */
export function innerLipGap(face: { points: Float32Array }): number {
  const p = face.points;
  let sum = 0;
  const middle = [3, 4, 5, 6, 7]; // central five of the eleven paired inner-lip points
  for (const k of middle) sum += distance(p, LIPS_UPPER_INNER[k], LIPS_LOWER_INNER[k]);
  return sum / middle.length / interOcularDistance(p);
}
