// The renderer: pose a face rig per frame and paint it over the untouched source frame.
export { buildFaceRig, REST_POSE, rigBounds } from './face-rig.js';
export type { FaceRig, FacePose, RigOptions } from './face-rig.js';
export { poseFace, allocatePosedFrame } from './pose.js';
export type { PosedFrame, MouthGeometry } from './pose.js';
export { idleMotion, seededRandom } from './idle-motion.js';
export type { IdleOptions, IdleTrack } from './idle-motion.js';
export { mouthPaletteFromImage, paintMouthInterior, paletteSampleBounds } from './mouth-interior.js';
export type { MouthPalette } from './mouth-interior.js';
export { movedTriangleBounds, warpTriangles } from './warp.js';
export type { RgbaBuffer } from './warp.js';
export { FaceRenderer, copyRegion } from './face-renderer.js';
export type { FaceRendererOptions } from './face-renderer.js';
export { liftMouthCorners } from './corner-lift.js';
export { paintMouthFromSample, type InteriorSample } from './mouth-sample.js';
export { widenSourceOpening } from './source-opening.js';
