// Pass two of lipsync-video, one frame at a time: re-pose the speaker's mouth in a decoded source
// frame, in place. The rig is built from this frame's own (smoothed) landmarks, so the pose is
// relative to the mouth as the source shows it: an open mouth is closed by bringing the lips to
// its own inner-lip midline, a closed one opened from there. Only the region around the face is
// touched; the rest of the frame keeps its decoded pixels exactly.
import { faceMeshTriangles, topology } from '../face/index.js';
import { FaceRenderer, mouthPaletteFromImage, type FacePose, type InteriorSample, type MouthPalette } from '../render/index.js';
import { blendTowardSource, type AnimationMask, type PixelRegion } from './mask.js';
import { interiorFromSample } from './mouth-sample.js';
import type { MouthSample } from './mouth-sample.js';
import type { SpeakerFrames } from './speaker-frames.js';

/**
 * The region copied and redrawn per frame: the face oval scaled about its centre by this, which
 * holds the rig's outer ring (at most 1.75× the oval) with room to spare.
 */
const REGION_SCALE = 2;
/** How fast the mouth-interior colours follow the video (per frame): steady, yet they track a lighting change in ~½ s. */
const PALETTE_FOLLOW = 0.15;

export class VideoFrameDubber {
  /** The frame's pixels before drawing, only within the face region (the renderer's source). */
  private readonly source: { data: Uint8Array; width: number; height: number };
  private palette: MouthPalette | null = null;
  /** The speaker's own teeth, when the video shows them somewhere; else the synthetic interior. */
  readonly interior: InteriorSample | null;

  private constructor(
    private readonly width: number,
    private readonly height: number,
    private readonly triangles: Uint16Array,
    private readonly speaker: SpeakerFrames,
    private readonly mask: AnimationMask | null,
    openMouth: MouthSample | null,
  ) {
    this.source = { data: new Uint8Array(width * height * 4), width, height };
    this.interior = interiorFromSample(openMouth);
  }

  static async create(
    width: number, height: number, speaker: SpeakerFrames, mask: AnimationMask | null, openMouth: MouthSample | null,
  ): Promise<VideoFrameDubber> {
    return new VideoFrameDubber(width, height, await faceMeshTriangles(), speaker, mask, openMouth);
  }

  /** Draw `pose` on source frame `sourceIndex`, whose decoded RGBA is `frame` (changed in place). */
  dub(frame: Uint8Array, sourceIndex: number, pose: FacePose): void {
    const strength = this.speaker.strength(sourceIndex);
    if (!(strength > 0)) return;
    const landmarks = this.speaker.landmarks(sourceIndex);
    const region = faceRegion(landmarks, this.width, this.height);
    copyRegion(frame, this.source.data, this.width, region);
    const current = mouthPaletteFromImage(this.source, landmarks);
    this.palette = this.palette ? followPalette(this.palette, current) : current;
    const renderer = new FaceRenderer(this.source, landmarks, this.triangles, { palette: this.palette, ...(this.interior ? { interior: this.interior } : {}) });
    renderer.renderOver(pose, frame);
    if (strength < 1 || this.mask) blendTowardSource(frame, this.source.data, this.width, region, strength, this.mask);
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

function copyRegion(from: Uint8Array, to: Uint8Array, width: number, r: PixelRegion): void {
  for (let y = r.y0; y < r.y1; y++) {
    const start = (y * width + r.x0) * 4;
    to.set(from.subarray(start, start + (r.x1 - r.x0) * 4), start);
  }
}

function followPalette(previous: MouthPalette, current: MouthPalette): MouthPalette {
  const mix = (a: [number, number, number], b: [number, number, number]) =>
    a.map((v, i) => v + (b[i] - v) * PALETTE_FOLLOW) as [number, number, number];
  return { cavity: mix(previous.cavity, current.cavity), teeth: mix(previous.teeth, current.teeth), tongue: mix(previous.tongue, current.tongue) };
}
