// Face landmarks behind a small interface, so another detector (or a GPU one) can replace Human.
export { detectFaces, loadFaceDetector, innerLipGap, interOcularDistance } from './detector.js';
export type { DetectedFace, FaceBox, RgbaFrame } from './detector.js';
export { faceMeshTriangles } from './mesh.js';
export * as topology from './topology.js';
