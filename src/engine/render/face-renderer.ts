// One face of one image, rendered frame by frame: the source frame is copied, the face region
// warped to the frame's pose, and the mouth interior painted where the lips part.
import { buildFaceRig, rigBounds, type FacePose, type FaceRig, type RigOptions } from './face-rig.js';

type PixelBounds = ReturnType<typeof rigBounds>;

/** Copies the pixels of region `r` from one RGBA frame of `width` to another. */
export function copyRegion(from: Uint8Array, to: Uint8Array, width: number, r: PixelBounds): void {
  for (let y = r.y0; y < r.y1; y++) {
    const start = (y * width + r.x0) * 4;
    to.set(from.subarray(start, start + (r.x1 - r.x0) * 4), start);
  }
}
import { mouthPaletteFromImage, paintMouthInterior, type MouthPalette } from './mouth-interior.js';
import { paintMouthFromSample, type InteriorSample } from './mouth-sample.js';
import { allocatePosedFrame, poseFace, type PosedFrame } from './pose.js';
import { warpTriangles, type RgbaBuffer } from './warp.js';

export interface FaceRendererOptions extends RigOptions {
  /** Interior colours to use instead of the ones sampled from `source` (a video keeps them steady across frames). */
  palette?: MouthPalette;
  /** Paint opened mouths with this real mouth interior instead of the synthetic one. */
  interior?: InteriorSample;
  /**
   * Each triangle reads the source only near its own source triangle (warpTriangles'
   * `readsNearTriangle`), so only movedTriangleBounds of the source need be valid.
   */
  readsNearTriangle?: boolean;
}

export class FaceRenderer {
  readonly rig: FaceRig;
  private readonly palette: MouthPalette;
  private readonly posed: PosedFrame;
  private readonly interior: InteriorSample | undefined;
  private readonly readsNearTriangle: boolean;

  constructor(private readonly source: RgbaBuffer, landmarks: Float32Array, meshTriangles: Uint16Array, options: FaceRendererOptions = {}) {
    this.rig = buildFaceRig(landmarks, meshTriangles, source.width, source.height, options);
    this.palette = options.palette ?? mouthPaletteFromImage(source, landmarks);
    this.interior = options.interior;
    this.readsNearTriangle = options.readsNearTriangle ?? false;
    this.posed = allocatePosedFrame(this.rig);
  }

  /** The pixels a render can change (see rigBounds); outside them a frame is the source. */
  get bounds(): PixelBounds {
    return rigBounds(this.rig);
  }

  /**
   * Render `pose` into `out` (RGBA, the source's size); `out` must not be the source buffer.
   * With `onlyBounds`, only the pixels inside `bounds` are reset from the source first: for a
   * frame buffer that already holds the source everywhere else (it did in the previous use).
   */
  render(pose: FacePose, out: Uint8Array, onlyBounds = false): void {
    if (onlyBounds) copyRegion(this.source.data, out, this.source.width, this.bounds);
    else out.set(this.source.data);
    this.renderOver(pose, out);
  }

  /** Warp and paint over a frame that already holds the source pixels (lets callers compose several faces). */
  renderOver(pose: FacePose, out: Uint8Array): void {
    poseFace(this.rig, pose, this.posed);
    warpTriangles(this.source, out, this.rig.source, this.posed.points, this.rig.triangles, true, this.readsNearTriangle);
    if (this.interior) paintMouthFromSample(out, this.source.width, this.source.height, this.posed.mouth, this.interior);
    else paintMouthInterior(out, this.source.width, this.source.height, this.posed.mouth, this.palette);
  }

  /** The posed vertex positions of the last render (for tests and debugging overlays). */
  get lastPosedPoints(): Float32Array {
    return this.posed.points;
  }
}
