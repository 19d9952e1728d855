// Named vertex sets of the 468-point face mesh (MediaPipe's canonical face topology, which
// @vladmandic/human's facemesh model outputs). Lists run from the subject's right to left
// (image left to right for a frontal face) unless noted.

export const MESH_POINTS = 468;

/** Mouth corners on the outer lip contour. */
export const MOUTH_CORNER_RIGHT = 61;
export const MOUTH_CORNER_LEFT = 291;
/** Mouth corners on the inner lip contour. */
export const INNER_CORNER_RIGHT = 78;
export const INNER_CORNER_LEFT = 308;

export const LIPS_UPPER_OUTER = [61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291];
export const LIPS_LOWER_OUTER = [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291];
export const LIPS_UPPER_INNER = [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308];
export const LIPS_LOWER_INNER = [78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308];
/** Rings between the inner and outer contours: the body of each lip (Human's lips*Semi* sets). */
export const LIPS_UPPER_BODY = [184, 74, 73, 72, 11, 302, 303, 304, 408, 183, 42, 41, 38, 12, 268, 271, 272, 407];
export const LIPS_LOWER_BODY = [77, 90, 180, 85, 16, 315, 404, 320, 307, 96, 89, 179, 86, 15, 316, 403, 319, 325];
/** Points at the mouth corners between the inner and outer corner. */
export const LIPS_CORNER_BODY = [76, 62, 306, 292];

/** Face outline, clockwise from the top of the forehead. */
export const FACE_OVAL = [10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378,
  400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109];
export const CHIN = 152;

/**
 * Eyelid contours without the corners, paired index by index: UPPER[i] sits above LOWER[i], so
 * a blink moves each upper point onto its partner. CREASE is the fold above the lid, which
 * follows the lid part of the way.
 */
export const RIGHT_EYE_UPPER = [246, 161, 160, 159, 158, 157, 173];
export const RIGHT_EYE_LOWER = [7, 163, 144, 145, 153, 154, 155];
export const RIGHT_EYE_CREASE = [247, 30, 29, 27, 28, 56, 190];
export const LEFT_EYE_UPPER = [466, 388, 387, 386, 385, 384, 398];
export const LEFT_EYE_LOWER = [249, 390, 373, 374, 380, 381, 382];
export const LEFT_EYE_CREASE = [467, 260, 259, 257, 258, 286, 414];

export const RIGHT_EYE_CORNERS: [number, number] = [33, 133];
export const LEFT_EYE_CORNERS: [number, number] = [263, 362];
export const NOSE_TIP = 1;
