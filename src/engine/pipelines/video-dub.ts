// Pass two of lipsync-video, one frame at a time: re-pose the speaker's mouth in a decoded source
// frame, in place. The rig is built from this frame's own (smoothed) landmarks, so the pose is
// relative to the mouth as the source shows it: an open mouth is closed by bringing the lips
// together within its own opening, a closed one opened from there. Frames stay yuv420p (the encoder's
// format) throughout: only the area the pose moves (plus the few pixels the interior's colours are
// sampled from) is converted to RGBA, drawn on, and converted back, and only the 2×2 blocks the
// drawing changed are written, so every other pixel of the frame keeps its decoded value exactly.
import { faceMeshTriangles, topology } from '../face/index.js';
import { rgbaChangesToYuv420, yuv420ToRgba, type YuvMatrix } from '../media/index.js';
import {
  allocatePosedFrame, buildFaceRig, copyRegion, FaceRenderer, mouthPaletteFromImage, movedTriangleBounds, paletteSampleBounds,
  poseFace, widenSourceOpening, type FacePose, type InteriorSample, type MouthPalette, type PosedFrame, type RigOptions,
} from '../render/index.js';
import { blendTowardSource, type AnimationMask, type PixelRegion } from './mask.js';
import { interiorFromSample } from './mouth-sample.js';
import type { MouthSample } from './mouth-sample.js';
import type { SpeakerFrames } from './speaker-frames.js';

/**
 * faceRegion's scale of the face oval about its centre, which holds the rig's outer ring (at most
 * 1.75× the oval) with room to spare.
 */
const REGION_SCALE = 2;
/**
 * The frame's inner lips were refined on its pixels (video-faces.ts): its openings are real. And
 * nothing beyond the jaw moves: what the dub does not need stays the source's.
 */
const RIG_OPTIONS: RigOptions = { measuredOpening: true, stillBeyondFace: true };
/** How fast the mouth-interior colours follow the video (per frame): steady, yet they track a lighting change in ~½ s. */
const PALETTE_FOLLOW = 0.15;

export class VideoFrameDubber {
  /** The frame's pixels as RGBA before drawing, only within the rig's bounds (the renderer's source). */
  private readonly source: { data: Uint8Array; width: number; height: number };
  /** The drawn RGBA, only within the rig's bounds. */
  private readonly drawn: Uint8Array;
  private palette: MouthPalette | null = null;
  /** This frame's landmarks with the measured opening widened (see widenSourceOpening). */
  private readonly widened = new Float32Array(468 * 2);
  /** The rig posed for the frame, to find what the render will touch before converting it. */
  private posed: PosedFrame | null = null;
  /** The speaker's own teeth, when the video shows them somewhere; else the synthetic interior. */
  readonly interior: InteriorSample | null;

  private constructor(
    private readonly width: number,
    private readonly height: number,
    private readonly triangles: Uint16Array,
    private readonly speaker: SpeakerFrames,
    private readonly mask: AnimationMask | null,
    openMouth: MouthSample | null,
    private readonly matrix: YuvMatrix,
  ) {
    this.source = { data: new Uint8Array(width * height * 4), width, height };
    this.drawn = new Uint8Array(width * height * 4);
    this.interior = interiorFromSample(openMouth);
  }

  /** `matrix`: the frames' (decodeVideoFramesYuv420's for the source). */
  static async create(
    width: number, height: number, speaker: SpeakerFrames, mask: AnimationMask | null, openMouth: MouthSample | null,
    matrix: YuvMatrix,
  ): Promise<VideoFrameDubber> {
    return new VideoFrameDubber(width, height, await faceMeshTriangles(), speaker, mask, openMouth, matrix);
  }

  /**
   * Draw `pose` on source frame `sourceIndex`, whose decoded yuv420p is `frame` (changed in place).
   * False when the frame has nothing to dub (no face there): it is left as it was.
   */
  dub(frame: Uint8Array, sourceIndex: number, pose: FacePose): boolean {
    const strength = this.speaker.strength(sourceIndex);
    if (!(strength > 0)) return false;
    const { width, height, source, drawn } = this;
    const landmarks = widenSourceOpening(this.speaker.landmarks(sourceIndex), this.widened);
    // Every pixel the render reads or writes lies in the bounds of the triangles this pose moves
    // (the renderer's reads kept near their triangles) or where the interior's colours are
    // sampled, and the posed mouth the interior is painted in; taken to even pixels because the
    // conversions work on whole 2×2 chroma blocks. On the benchmark's 720p face that is ≈ 40 % of
    // the rig's whole bounds (which the conversions covered before).
    const rig = buildFaceRig(landmarks, this.triangles, width, height, RIG_OPTIONS);
    this.posed ??= allocatePosedFrame(rig);
    poseFace(rig, pose, this.posed);
    const touched = unionRegion(movedTriangleBounds(rig.source, this.posed.points, rig.triangles, width, height), paletteSampleBounds(landmarks));
    const region = evenRegion(unionRegion(touched, mouthBounds(this.posed)), width, height);
    // Landmarks the rig cannot place (NaN) give no bounds: nothing is drawn, the frame stays as it was.
    if (!(region.x1 > region.x0 && region.y1 > region.y0)) return false;
    yuv420ToRgba(frame, width, height, source.data, region, this.matrix);
    copyRegion(source.data, drawn, width, region);
    const current = mouthPaletteFromImage(source, landmarks);
    this.palette = this.palette ? followPalette(this.palette, current) : current;
    const renderer = new FaceRenderer(source, landmarks, this.triangles, {
      ...RIG_OPTIONS, readsNearTriangle: true, palette: this.palette, ...(this.interior ? { interior: this.interior } : {}),
    });
    renderer.renderOver(pose, drawn);
    if (strength < 1 || this.mask) blendTowardSource(drawn, source.data, width, region, strength, this.mask);
    rgbaChangesToYuv420(drawn, source.data, width, height, frame, region, this.matrix);
    return true;
  }
}

/** Bounding box of the face oval scaled by REGION_SCALE, clamped to the frame. */
export function faceRegion(points: Float32Array, width: number, height: number): PixelRegion {
  let cx = 0, cy = 0;
  const oval = topology.FACE_OVAL;
  for (const i of oval) { cx += points[2 * i]; cy += points[2 * i + 1]; }
  cx /= oval.length; cy /= oval.length;
  let rx = 0, ry = 0;
  for (const i of oval) {
    rx = Math.max(rx, Math.abs(points[2 * i] - cx));
    ry = Math.max(ry, Math.abs(points[2 * i + 1] - cy));
  }
  return {
    x0: Math.max(0, Math.floor(cx - rx * REGION_SCALE) - 2),
    y0: Math.max(0, Math.floor(cy - ry * REGION_SCALE) - 2),
    x1: Math.min(width, Math.ceil(cx + rx * REGION_SCALE) + 2),
    y1: Math.min(height, Math.ceil(cy + ry * REGION_SCALE) + 2),
  };
}

/** `r` clamped to the frame and taken out to even pixels; empty (or NaN) stays so. */
function evenRegion(r: PixelRegion, width: number, height: number): PixelRegion {
  const x0 = Math.max(0, r.x0), y0 = Math.max(0, r.y0), x1 = Math.min(width, r.x1), y1 = Math.min(height, r.y1);
  return { x0: x0 & ~1, y0: y0 & ~1, x1: Math.min(width, (x1 + 1) & ~1), y1: Math.min(height, (y1 + 1) & ~1) };
}

/** Pixels between the posed lips and teeth edges, where the interior may be painted (anti-aliased: a few pixels more). */
function mouthBounds(posed: PosedFrame): PixelRegion {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  const { upperInner, lowerInner, upperTeethEdge, lowerTeethEdge } = posed.mouth;
  for (const line of [upperInner, lowerInner, upperTeethEdge, lowerTeethEdge]) {
    for (let k = 0; k < line.length; k += 2) {
      x0 = Math.min(x0, line[k]); x1 = Math.max(x1, line[k]); y0 = Math.min(y0, line[k + 1]); y1 = Math.max(y1, line[k + 1]);
    }
  }
  const margin = 3;
  return { x0: Math.floor(x0) - margin, y0: Math.floor(y0) - margin, x1: Math.ceil(x1) + margin, y1: Math.ceil(y1) + margin };
}

/** The smallest region holding both (`a` may be absent: nothing moved). */
function unionRegion(a: PixelRegion | null, b: PixelRegion): PixelRegion {
  if (!a) return b;
  return { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
}

function followPalette(previous: MouthPalette, current: MouthPalette): MouthPalette {
  const mix = (a: [number, number, number], b: [number, number, number]) =>
    a.map((v, i) => v + (b[i] - v) * PALETTE_FOLLOW) as [number, number, number];
  return { cavity: mix(previous.cavity, current.cavity), teeth: mix(previous.teeth, current.teeth), tongue: mix(previous.tongue, current.tongue) };
}
