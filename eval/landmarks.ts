// Per-frame 68-point landmarks of the one face in a video, with face-api (not the engine's
// detector). SSD face detection costs ~0.7 s a frame on wasm, the landmark net ~30–60 ms, so the
// detector runs on the first frame and again only when the face has moved or changed size; in
// between, the detector's box is carried along with the landmarks' centroid.
import { decodeVideoFrames, probeMedia } from '../src/engine/media/index.js';
import { faceApi, type FaceApi, type RgbImage } from './face-api-runtime.js';
import {
  clampBox, interOcularDistance, landmarkCentroid, LANDMARK_COUNT, normalisedLipGap, type Box, type Point,
} from './mouth-geometry.js';

/** SSD score under which a find is not trusted as the face. */
const MIN_DETECTION_SCORE = 0.3;
/** Re-detect when the tracked face moved this share of its box width, or its size changed this much. */
const REDETECT_SHIFT = 0.12;
const REDETECT_SCALE = 0.1;

export interface RgbaFrame { data: Uint8Array; width: number; height: number }

export interface MouthTrack {
  fps: number;
  frameCount: number;
  width: number;
  height: number;
  /** Inner-lip gap / inter-ocular distance per frame; NaN where no face was found. */
  gap: Float32Array;
  /** Inter-ocular distance per frame, px; NaN where no face was found. */
  interOcular: Float32Array;
  /** 68 landmarks per frame (x, y packed), or null where no face was found. */
  points: Array<Float32Array | null>;
  /** How many frames ran the (slow) face detector. */
  detections: number;
}

export interface MeasureOptions {
  /** Frame indices whose RGBA pixels are kept for the contact sheet and image metrics. */
  keepFrames?: ReadonlySet<number>;
  signal?: AbortSignal;
}

export interface MeasuredVideo {
  track: MouthTrack;
  keptFrames: Map<number, RgbaFrame>;
}

function rgbCrop(frame: RgbaFrame, box: Box): RgbImage {
  const out = new Uint8Array(box.width * box.height * 3);
  for (let y = 0; y < box.height; y++) {
    let src = ((box.y + y) * frame.width + box.x) * 4;
    let dst = y * box.width * 3;
    for (let x = 0; x < box.width; x++, src += 4, dst += 3) {
      out[dst] = frame.data[src];
      out[dst + 1] = frame.data[src + 1];
      out[dst + 2] = frame.data[src + 2];
    }
  }
  return { data: out, width: box.width, height: box.height };
}

/** Follows one face through a sequence of frames; `measure` is called once per frame, in order. */
export class FaceTracker {
  /** The detector's box, and where the landmarks' centroid and eye distance were when it was found. */
  private anchor: { box: Box; centroid: Point | null; interOcular: number } | null = null;
  private lastCentroid: Point | null = null;
  /** Frames on which the face detector ran. */
  detections = 0;

  constructor(private readonly api: FaceApi) {}

  /** The frame's 68 landmarks in frame pixels, or null when no face is found. */
  async measure(frame: RgbaFrame): Promise<Float32Array | null> {
    if (!this.anchor) {
      const found = await this.detect(frame);
      if (!found) return null;
    }
    let points = await this.landmarksIn(frame, this.trackedBox());
    if (points && this.hasDrifted(points)) {
      this.anchor = null;
      if (!(await this.detect(frame))) return null;
      points = await this.landmarksIn(frame, this.trackedBox());
    }
    if (!points) return null;
    if (!this.anchor!.centroid) {
      this.anchor!.centroid = landmarkCentroid(points);
      this.anchor!.interOcular = interOcularDistance(points);
    }
    this.lastCentroid = landmarkCentroid(points);
    return points;
  }

  private async detect(frame: RgbaFrame): Promise<boolean> {
    this.detections += 1;
    const whole = rgbCrop(frame, { x: 0, y: 0, width: frame.width, height: frame.height });
    const [best] = await this.api.detectFaces(whole, MIN_DETECTION_SCORE);
    this.lastCentroid = null;
    if (!best) return false;
    this.anchor = { box: best.box, centroid: null, interOcular: 0 };
    return true;
  }

  /** The detector's box moved by how far the landmarks moved since it was found. */
  private trackedBox(): Box {
    const { box, centroid } = this.anchor!;
    if (!centroid || !this.lastCentroid) return box;
    return { ...box, x: box.x + this.lastCentroid.x - centroid.x, y: box.y + this.lastCentroid.y - centroid.y };
  }

  private hasDrifted(points: Float32Array): boolean {
    const { box, centroid, interOcular } = this.anchor!;
    if (!centroid) return false;
    const c = landmarkCentroid(points);
    const shift = Math.hypot(c.x - centroid.x, c.y - centroid.y) / box.width;
    const scale = Math.abs(interOcularDistance(points) / interOcular - 1);
    return shift > REDETECT_SHIFT || scale > REDETECT_SCALE;
  }

  private async landmarksIn(frame: RgbaFrame, box: Box): Promise<Float32Array | null> {
    const crop = clampBox(box, frame.width, frame.height);
    if (crop.width < 16 || crop.height < 16) return null;
    const found = await this.api.landmarks68(rgbCrop(frame, crop));
    if (found.length !== LANDMARK_COUNT) return null;
    const points = new Float32Array(LANDMARK_COUNT * 2);
    for (let i = 0; i < LANDMARK_COUNT; i++) {
      points[2 * i] = found[i].x + crop.x;
      points[2 * i + 1] = found[i].y + crop.y;
    }
    return points;
  }
}

/** Decodes `videoPath` and measures the mouth in every frame. */
export async function measureMouthTrack(videoPath: string, opts: MeasureOptions = {}): Promise<MeasuredVideo> {
  const probe = await probeMedia(videoPath, { signal: opts.signal });
  if (!probe.video) throw new Error(`${videoPath} has no video track`);
  const fps = probe.video.fps || 25;
  const tracker = new FaceTracker(await faceApi());
  const gap: number[] = [];
  const interOcular: number[] = [];
  const points: Array<Float32Array | null> = [];
  const keptFrames = new Map<number, RgbaFrame>();
  let width = 0;
  let height = 0;
  for await (const frame of decodeVideoFrames(videoPath, { signal: opts.signal })) {
    width = frame.width;
    height = frame.height;
    const image = { data: frame.rgba, width: frame.width, height: frame.height };
    if (opts.keepFrames?.has(frame.index)) keptFrames.set(frame.index, image);
    const found = await tracker.measure(image);
    points.push(found);
    gap.push(found ? normalisedLipGap(found) : NaN);
    interOcular.push(found ? interOcularDistance(found) : NaN);
  }
  return {
    track: {
      fps, frameCount: gap.length, width, height,
      gap: Float32Array.from(gap), interOcular: Float32Array.from(interOcular), points, detections: tracker.detections,
    },
    keptFrames,
  };
}
