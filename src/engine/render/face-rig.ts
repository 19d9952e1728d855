// The face rig: the 468-point mesh plus two rings of vertices around the face, with each
// vertex's place in a mouth-centred frame precomputed, so posing a frame is a pass of
// arithmetic over ~540 vertices. The outer ring never moves: everything outside it stays
// pixel-identical to the source, and the warp is continuous across it, so no seam can show.
import { topology } from '../face/index.js';

const T = topology;
const OVAL = T.FACE_OVAL;
/**
 * Ring scales around the face-oval centroid: the first ring covers ears, hair and neck; the
 * second bounds the warped region. Two faces close together need smaller rings so their warped
 * regions do not overlap.
 */
export interface RigOptions {
  ringScales?: [number, number];
  /**
   * The source's inner lips were measured on its own pixels (lipsync-video refines them per
   * frame), so an opening there is real, not the landmark model's bias on closed lips. The posed
   * lips then meet a quarter of the way down that opening (MEASURED_CLOSE_AT) instead of at its
   * midline, and the lower teeth sit by the posed opening rather than by how far the lip moved.
   */
  measuredOpening?: boolean;
  /**
   * Ring 1 stays put instead of following a dropping jaw by RING1_JAW_FOLLOW: the warp then ends
   * a quarter of the face below the chin, and everything beyond keeps its source pixels exactly.
   * lipsync-video sets it (the rest of someone's video must survive the dub); its lossless output
   * changed pixels below the chin, outside the mouth-and-jaw region, at 46 dB PSNR with the ring
   * following and at 55 dB without, with no visible difference under the chin.
   */
  stillBeyondFace?: boolean;
}
/** Share of the jaw's drop that ring 1 (neck, below the chin) follows, softening the stretch under a still portrait's chin. */
const RING1_JAW_FOLLOW = 0.3;
/**
 * Where in a measured open source mouth the lips meet, as a share of the opening from the upper
 * lip: as the opening is shared when posed (pose.ts UPPER_SHARE), the jaw does most of the
 * closing, and the chin rises with it. Closing onto the midline pulled the upper lip down half a
 * wide opening, stretching the skin under the nose.
 */
const MEASURED_CLOSE_AT = 0.25;
const DEFAULT_RING_SCALES: [number, number] = [1.25, 1.5];

/** What a frame asks of the face. Mouth values come from the audio, the rest from idle motion. */
export interface FacePose {
  /** 0..1 mouth opening. */
  jaw: number;
  /** -1 round … +1 spread. */
  spread: number;
  /** 0..1 lips pressed together. */
  closure: number;
  /** 0..1 lower lip against the upper teeth. */
  labiodental: number;
  /** 0..1 per eye, 1 = closed. */
  blinkRight: number;
  blinkLeft: number;
  /** Head roll (radians) and shift (pixels). */
  headRoll: number;
  headX: number;
  headY: number;
  /** 0..1 mouth corners raised (a closed-lip smile, from the prompt); absent = 0. */
  cornerLift?: number;
}

export const REST_POSE: FacePose = {
  jaw: 0, spread: 0, closure: 0, labiodental: 0, blinkRight: 0, blinkLeft: 0, headRoll: 0, headX: 0, headY: 0,
};

export enum Part { Other, UpperInner, LowerInner, UpperBody, LowerBody, UpperOuter, LowerOuter, Corner, Ring1, Ring2 }

/** Share of an inner-lip move that each part of the lip follows (the lip keeps its thickness). */
export const LIP_FOLLOW: Record<number, number> = {
  [Part.UpperInner]: 1, [Part.UpperBody]: 0.85, [Part.UpperOuter]: 0.7,
  [Part.LowerInner]: 1, [Part.LowerBody]: 0.97, [Part.LowerOuter]: 0.93,
};

export interface FaceRig {
  width: number;
  height: number;
  vertexCount: number;
  /** Source positions x0,y0,… of all rig vertices (mesh first, then ring 1, then ring 2). */
  source: Float32Array;
  triangles: Uint32Array;
  /** Mouth-centred frame: origin between the inner lips, ex along the eye line, ey down the face. */
  origin: [number, number];
  ex: [number, number];
  ey: [number, number];
  /** Outer mouth-corner distance and inter-ocular distance, pixels. */
  mouthWidth: number;
  interOcular: number;
  /** Pivot of head motion (below the chin). */
  pivot: [number, number];
  /** Per vertex: u across the mouth in half-mouth-widths, w down the face in mouth widths. */
  u: Float32Array;
  w: Float32Array;
  part: Uint8Array;
  /** See RigOptions.measuredOpening. */
  measuredOpening: boolean;
  /** Share of the jaw's drop ring 1 follows (RigOptions.stillBeyondFace). */
  ring1JawFollow: number;
  /** Inner-lip pairs (11, corner to corner): where each pair's lips meet in the source (their midline, see measuredOpening), and their u. */
  pairUpper: number[];
  pairLower: number[];
  pairU: Float32Array;
  midline: Float32Array;
  /** Per vertex: index of the lip pair left of it in u and the blend toward the next. */
  pairIndex: Uint8Array;
  pairBlend: Float32Array;
}

function centroid(points: Float32Array, indices: number[]): [number, number] {
  let x = 0, y = 0;
  for (const i of indices) { x += points[2 * i]; y += points[2 * i + 1]; }
  return [x / indices.length, y / indices.length];
}

function partOfMeshVertex(): Uint8Array {
  const part = new Uint8Array(T.MESH_POINTS);
  const mark = (list: number[], p: Part) => { for (const i of list) part[i] = p; };
  mark(T.LIPS_UPPER_OUTER, Part.UpperOuter);
  mark(T.LIPS_LOWER_OUTER, Part.LowerOuter);
  mark(T.LIPS_UPPER_BODY, Part.UpperBody);
  mark(T.LIPS_LOWER_BODY, Part.LowerBody);
  mark(T.LIPS_UPPER_INNER, Part.UpperInner);
  mark(T.LIPS_LOWER_INNER, Part.LowerInner);
  mark([...T.LIPS_CORNER_BODY, T.MOUTH_CORNER_LEFT, T.MOUTH_CORNER_RIGHT, T.INNER_CORNER_LEFT, T.INNER_CORNER_RIGHT], Part.Corner);
  return part;
}

/** Build the rig from the landmarks of one face in an image of the given size. */
export function buildFaceRig(
  points: Float32Array, meshTriangles: Uint16Array, width: number, height: number, options: RigOptions = {},
): FaceRig {
  const ringScales = options.ringScales ?? DEFAULT_RING_SCALES;
  const n = T.MESH_POINTS, ringN = OVAL.length;
  const vertexCount = n + 2 * ringN;
  const source = new Float32Array(vertexCount * 2);
  source.set(points.subarray(0, n * 2));
  const [ocx, ocy] = centroid(points, OVAL);
  for (let r = 0; r < 2; r++) {
    const scale = ringScales[r];
    for (let i = 0; i < ringN; i++) {
      const v = n + r * ringN + i;
      const x = ocx + (points[2 * OVAL[i]] - ocx) * scale;
      const y = ocy + (points[2 * OVAL[i] + 1] - ocy) * scale;
      source[2 * v] = Math.min(width - 0.5, Math.max(-0.5, x));
      source[2 * v + 1] = Math.min(height - 0.5, Math.max(-0.5, y));
    }
  }
  const upper = T.LIPS_UPPER_INNER, lower = T.LIPS_LOWER_INNER;
  const triangles = new Uint32Array(meshTriangles.length + ringN * 12 + (upper.length - 1) * 6);
  triangles.set(meshTriangles);
  let t = meshTriangles.length;
  // The mesh leaves the mouth open as a hole. Fill it with triangles spanning the lips, so every
  // pixel there is drawn from the lips' own edge; the interior painter then covers it, and its
  // anti-aliased rim blends with lip colour instead of stale source pixels.
  for (let k = 0; k < upper.length - 1; k++) {
    const u0 = upper[k], u1 = upper[k + 1], l0 = lower[k], l1 = lower[k + 1];
    if (u0 !== l0) { triangles[t++] = u0; triangles[t++] = u1; triangles[t++] = l0; }
    if (u1 !== l1) { triangles[t++] = u1; triangles[t++] = l1; triangles[t++] = l0; }
  }
  for (let r = 0; r < 2; r++) {
    for (let i = 0; i < ringN; i++) {
      const j = (i + 1) % ringN;
      // Quad between ring r (the oval for r = 0) and ring r + 1, as two triangles.
      const a0 = r === 0 ? OVAL[i] : n + i, a1 = r === 0 ? OVAL[j] : n + j;
      const b0 = n + r * ringN + i, b1 = n + r * ringN + j;
      triangles[t++] = a0; triangles[t++] = a1; triangles[t++] = b0;
      triangles[t++] = a1; triangles[t++] = b1; triangles[t++] = b0;
    }
  }

  const eyeR = centroid(points, [...T.RIGHT_EYE_CORNERS]);
  const eyeL = centroid(points, [...T.LEFT_EYE_CORNERS]);
  const interOcular = Math.hypot(eyeL[0] - eyeR[0], eyeL[1] - eyeR[1]);
  const ex: [number, number] = [(eyeL[0] - eyeR[0]) / interOcular, (eyeL[1] - eyeR[1]) / interOcular];
  const ey: [number, number] = [-ex[1], ex[0]];
  const origin = centroid(points, [13, 14]);
  const cl = T.MOUTH_CORNER_LEFT, cr = T.MOUTH_CORNER_RIGHT;
  const mouthWidth = Math.hypot(points[2 * cl] - points[2 * cr], points[2 * cl + 1] - points[2 * cr + 1]);

  const u = new Float32Array(vertexCount), w = new Float32Array(vertexCount);
  for (let v = 0; v < vertexCount; v++) {
    const dx = source[2 * v] - origin[0], dy = source[2 * v + 1] - origin[1];
    u[v] = (dx * ex[0] + dy * ex[1]) / (mouthWidth / 2);
    w[v] = (dx * ey[0] + dy * ey[1]) / mouthWidth;
  }
  const part = new Uint8Array(vertexCount);
  part.set(partOfMeshVertex());
  part.fill(Part.Ring1, n, n + ringN);
  part.fill(Part.Ring2, n + ringN);

  const pairUpper = T.LIPS_UPPER_INNER, pairLower = T.LIPS_LOWER_INNER;
  const pairs = pairUpper.length;
  const pairU = new Float32Array(pairs);
  const midline = new Float32Array(pairs * 2);
  const measuredOpening = options.measuredOpening ?? false;
  for (let k = 0; k < pairs; k++) {
    const a = pairUpper[k], b = pairLower[k];
    if (measuredOpening) {
      midline[2 * k] = points[2 * a] + (points[2 * b] - points[2 * a]) * MEASURED_CLOSE_AT;
      midline[2 * k + 1] = points[2 * a + 1] + (points[2 * b + 1] - points[2 * a + 1]) * MEASURED_CLOSE_AT;
    } else {
      midline[2 * k] = (points[2 * a] + points[2 * b]) / 2;
      midline[2 * k + 1] = (points[2 * a + 1] + points[2 * b + 1]) / 2;
    }
    pairU[k] = (u[a] + u[b]) / 2;
  }
  const pairIndex = new Uint8Array(vertexCount);
  const pairBlend = new Float32Array(vertexCount);
  for (let v = 0; v < vertexCount; v++) {
    let k = 0;
    while (k < pairs - 2 && u[v] > pairU[k + 1]) k++;
    const span = pairU[k + 1] - pairU[k];
    pairIndex[v] = k;
    pairBlend[v] = span > 1e-6 ? Math.min(1, Math.max(0, (u[v] - pairU[k]) / span)) : 0;
  }

  const chin = T.CHIN;
  const pivot: [number, number] = [
    points[2 * chin] + (points[2 * chin] - origin[0]) * 0.6,
    points[2 * chin + 1] + (points[2 * chin + 1] - origin[1]) * 0.6,
  ];
  return {
    width, height, vertexCount, source, triangles: triangles.subarray(0, t), origin, ex, ey, mouthWidth, interOcular, pivot,
    measuredOpening, ring1JawFollow: options.stillBeyondFace ? 0 : RING1_JAW_FOLLOW,
    u, w, part, pairUpper, pairLower, pairU, midline, pairIndex, pairBlend,
  };
}

/**
 * The pixels a render of this rig can change: the bounding box of all its vertices (the outer
 * ring is fixed, so no posed triangle leaves it), plus a pixel for bilinear edges; clamped to
 * the frame.
 */
export function rigBounds(rig: FaceRig): { x0: number; y0: number; x1: number; y1: number } {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let v = 0; v < rig.vertexCount; v++) {
    const x = rig.source[2 * v], y = rig.source[2 * v + 1];
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return {
    x0: Math.max(0, Math.floor(x0) - 1),
    y0: Math.max(0, Math.floor(y0) - 1),
    x1: Math.min(rig.width, Math.ceil(x1) + 2),
    y1: Math.min(rig.height, Math.ceil(y1) + 2),
  };
}
