// Face landmarks behind a small interface, so another detector (or a GPU one) can replace Human.
export { detectFaces, loadFaceDetector, innerLipGap, interOcularDistance } from './detector.js';
export type { DetectedFace, DetectOptions, FaceBox, RgbaFrame } from './detector.js';
export { faceMeshTriangles } from './mesh.js';
export * as topology from './topology.js';
export { FaceTracker, boxOverlap } from './tracker.js';
export type { FaceTrackerOptions, TrackedFace } from './tracker.js';
export { smoothLandmarkSequence, FACE_SMOOTHING, LIP_SMOOTHING } from './landmark-smoothing.js';
export type { OneEuroParams } from './landmark-smoothing.js';
export { refineInnerLips } from './lip-refinement.js';
