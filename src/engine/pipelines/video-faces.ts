// Pass one of lipsync-video: follow every face through the source frames the output uses, choose
// the speaker, and prepare its landmarks for rendering: smoothed, short gaps filled, and a
// strength per frame that fades the dub out around frames where the face is lost, hidden or
// turned away (those frames then pass through unchanged).
import { NoFaceError } from '../errors.js';
import { detectFaces, FaceTracker, refineInnerLips, smoothLandmarkSequence, type RgbaFrame, type TrackedFace } from '../face/index.js';
import { decodeVideoFrames } from '../media/index.js';
import { mouthInMask, type AnimationMask } from './mask.js';
import { captureMouthSample, type MouthSample } from './mouth-sample.js';

const COORDS = 468 * 2;
/** Landmarks are kept in 1/16 px in Int16 (±2047 px): a 10-minute video then needs ~34 MB per face. */
const FIXED = 16;
/** Past this head turn the 2-D mouth warp no longer looks right; such frames pass through. */
export const MAX_YAW_RADIANS = (35 * Math.PI) / 180;
/** Tracked faces below this landmark confidence are treated as hidden (occluded) in that frame. */
const MIN_DUB_SCORE = 0.7;
/**
 * The landmark model sees the detector's face box (about twice the face's width) scaled to
 * 192 × 192: analysing frames where that box is larger only costs time.
 */
const TARGET_FACE_PX = 192;
const MIN_ANALYSIS_SHORT_SIDE = 240;
const DEFAULT_ANALYSIS_SHORT_SIDE = 360;
/** Gaps of at most this many frames inside a followed face are bridged, so a one-frame miss does not flicker the dub. */
const MAX_BRIDGED_GAP = 2;
/** A face seen usable in fewer analysed frames is more likely a false find than a speaker. */
const MIN_SPEAKER_FRAMES = 3;
/** Length of the cross-fade into and out of a passthrough span, seconds. */
const FADE_SECONDS = 0.2;

export interface SpeakerTrack {
  /** 468 × 2 landmark coordinates per source frame, output pixels; meaningful where strength > 0. */
  landmarks: Float32Array;
  /** 0..1 per source frame: how much of the dub shows; 0 = the source frame unchanged. */
  strength: Float32Array;
  /** The frame where this face opens its mouth widest, if it ever does: real teeth to reuse. */
  openMouth: MouthSample | null;
}

export interface VideoFaces {
  /** Source frames analysed (at the output frame rate, at most `maxFrames`). */
  frameCount: number;
  /** The face to dub, or null when no face (inside the mask) was followed. */
  speaker: SpeakerTrack | null;
  /** Some confident face was seen, inside the mask or not (for the error message). */
  facesSeen: boolean;
}

export interface AnalyseVideoOptions {
  fps: number;
  width: number;
  height: number;
  maxFrames: number;
  mask: AnimationMask | null;
  /** Run the landmark model on every n-th frame only, bridging the rest (1 = every frame). */
  meshEvery?: number;
  signal?: AbortSignal;
  field?: string;
  onFrame?: (framesDone: number) => void;
}

/** Everything pass one keeps about one followed face. */
class FaceTrackRecord {
  count = 0;
  frames = new Int32Array(64);
  points = new Int16Array(64 * COORDS);
  usable = new Uint8Array(64);
  /** Σ box area × frontality: "largest and most frontal, for longest" picks the speaker. */
  weight = 0;
  maskHits = 0;
  openMouth: MouthSample | null = null;
  private sumX = 0;
  private sumY = 0;
  private sumSize = 0;

  usableCount(): number {
    let n = 0;
    for (let e = 0; e < this.count; e++) n += this.usable[e];
    return n;
  }

  /** Mean mouth position and face width (output pixels) over the track. */
  meanPlacement(): [number, number, number] {
    return [this.sumX / this.count, this.sumY / this.count, this.sumSize / this.count];
  }

  add(frame: number, points: Float32Array, usable: boolean): void {
    if (this.count === this.frames.length) this.grow();
    const base = this.count * COORDS;
    for (let k = 0; k < COORDS; k++) this.points[base + k] = Math.max(-32767, Math.min(32767, Math.round(points[k] * FIXED)));
    this.frames[this.count] = frame;
    this.usable[this.count] = usable ? 1 : 0;
    this.count += 1;
    this.sumX += (points[26] + points[28]) / 2;
    this.sumY += (points[27] + points[29]) / 2;
    this.sumSize += Math.abs(points[2 * 454] - points[2 * 234]); // cheek to cheek
  }

  private grow(): void {
    const n = this.frames.length * 2;
    const frames = new Int32Array(n); frames.set(this.frames); this.frames = frames;
    const usable = new Uint8Array(n); usable.set(this.usable); this.usable = usable;
    const points = new Int16Array(n * COORDS); points.set(this.points); this.points = points;
  }
}

/** Analysis frame size: faces about TARGET_FACE_PX wide, judged on the first frame. */
async function analysisSize(path: string, opts: AnalyseVideoOptions): Promise<{ width: number; height: number }> {
  const shortSide = Math.min(opts.width, opts.height);
  let target = Math.min(shortSide, DEFAULT_ANALYSIS_SHORT_SIDE);
  for await (const frame of decodeVideoFrames(path, { width: opts.width, height: opts.height, fps: opts.fps, signal: opts.signal, field: opts.field })) {
    const faces = await detectFaces({ data: frame.rgba, width: frame.width, height: frame.height });
    if (faces[0]) target = Math.max(MIN_ANALYSIS_SHORT_SIDE, Math.min(shortSide, (shortSide * TARGET_FACE_PX) / faces[0].box.width));
    break;
  }
  const scale = target / shortSide;
  const even = (x: number) => Math.max(2, Math.round((x * scale) / 2) * 2);
  return { width: even(opts.width), height: even(opts.height) };
}

export async function analyseVideoFaces(path: string, opts: AnalyseVideoOptions): Promise<VideoFaces> {
  const size = await analysisSize(path, opts);
  const sx = opts.width / size.width, sy = opts.height / size.height;
  const meshEvery = Math.max(1, opts.meshEvery ?? 1);
  const tracker = new FaceTracker({ redetectEvery: Math.max(1, Math.round(opts.fps / meshEvery)) });
  const records = new Map<number, FaceTrackRecord>();
  const scaled = new Float32Array(COORDS);
  let frameCount = 0;
  let facesSeen = false;

  const record = (index: number, face: TrackedFace, frame: RgbaFrame) => {
    // Where the lips really part: the renderer closes the mouth onto this midline.
    refineInnerLips(frame, face.points);
    for (let k = 0; k < COORDS; k += 2) { scaled[k] = face.points[k] * sx; scaled[k + 1] = face.points[k + 1] * sy; }
    let track = records.get(face.trackId);
    if (!track) records.set(face.trackId, (track = new FaceTrackRecord()));
    const usable = face.score >= MIN_DUB_SCORE && Math.abs(face.yaw) <= MAX_YAW_RADIANS;
    track.add(index, scaled, usable);
    track.weight += face.box.width * face.box.height * Math.max(0, Math.cos(face.yaw));
    if (mouthInMask(opts.mask, scaled)) track.maskHits += 1;
    if (usable) track.openMouth = captureMouthSample(track.openMouth, frame, face, sx);
  };

  // Frames between two analysed ones wait here, then get landmarks interpolated between them.
  let waiting: Array<{ index: number; frame: RgbaFrame }> = [];
  let previous: { index: number; faces: Map<number, TrackedFace> } | null = null;
  for await (const decoded of decodeVideoFrames(path, { ...size, fps: opts.fps, signal: opts.signal, field: opts.field })) {
    if (decoded.index >= opts.maxFrames) break;
    frameCount = decoded.index + 1;
    const frame = { data: decoded.rgba, width: decoded.width, height: decoded.height };
    if (decoded.index % meshEvery !== 0) {
      waiting.push({ index: decoded.index, frame });
      continue;
    }
    const faces = await tracker.track(frame);
    for (const face of faces) facesSeen ||= face.score >= MIN_DUB_SCORE;
    if (previous) {
      for (const w of waiting) {
        const t = (w.index - previous.index) / (decoded.index - previous.index);
        for (const face of faces) {
          const before = previous.faces.get(face.trackId);
          if (before) record(w.index, interpolateFace(before, face, t), w.frame);
        }
      }
    }
    waiting = [];
    for (const face of faces) record(decoded.index, face, frame);
    previous = { index: decoded.index, faces: new Map(faces.map((f) => [f.trackId, f])) };
    opts.onFrame?.(frameCount);
  }
  const chosen = chooseSpeakerTracks([...records.values()], opts.mask);
  return { frameCount, facesSeen, speaker: chosen.length ? speakerTrack(chosen, frameCount, opts.fps, meshEvery) : null };
}

/** A face part way (t, 0..1) from `a` to `b`: landmarks and head turn interpolated, the lower confidence. */
function interpolateFace(a: TrackedFace, b: TrackedFace, t: number): TrackedFace {
  const points = new Float32Array(COORDS);
  for (let k = 0; k < COORDS; k++) points[k] = a.points[k] + (b.points[k] - a.points[k]) * t;
  return { ...b, points, score: Math.min(a.score, b.score), yaw: a.yaw + (b.yaw - a.yaw) * t };
}

/**
 * The speaker: the eligible track with the most "large and frontal" frames, joined by the tracks
 * of the same face at other times (a new track starts when a face comes back after being lost):
 * tracks that never share a frame with it and sit at about the same place and size.
 */
function chooseSpeakerTracks(records: FaceTrackRecord[], mask: AnimationMask | null): FaceTrackRecord[] {
  const eligible = records.filter((r) => r.usableCount() >= MIN_SPEAKER_FRAMES && (!mask || r.maskHits * 2 >= r.count))
    .sort((a, b) => b.weight - a.weight);
  if (eligible.length === 0) return [];
  const chosen = [eligible[0]];
  for (const r of eligible.slice(1)) {
    if (chosen.every((c) => !sharesFrames(c, r)) && sameFaceArea(chosen[0], r)) chosen.push(r);
  }
  return chosen;
}

function sharesFrames(a: FaceTrackRecord, b: FaceTrackRecord): boolean {
  let i = 0, j = 0;
  while (i < a.count && j < b.count) {
    if (a.frames[i] === b.frames[j]) return true;
    if (a.frames[i] < b.frames[j]) i++; else j++;
  }
  return false;
}

/** Whether two tracks' mean mouth positions are within a face width of each other, at similar sizes. */
function sameFaceArea(a: FaceTrackRecord, b: FaceTrackRecord): boolean {
  const [ax, ay, as] = a.meanPlacement(), [bx, by, bs] = b.meanPlacement();
  return Math.hypot(ax - bx, ay - by) <= Math.max(as, bs) && Math.max(as, bs) <= 2 * Math.min(as, bs);
}

function speakerTrack(records: FaceTrackRecord[], frameCount: number, fps: number, meshEvery: number): SpeakerTrack {
  const landmarks = new Float32Array(frameCount * COORDS);
  const present = new Uint8Array(frameCount);
  for (const record of records) {
    for (let e = 0; e < record.count; e++) {
      if (!record.usable[e]) continue;
      const frame = record.frames[e];
      present[frame] = 1;
      for (let k = 0; k < COORDS; k++) landmarks[frame * COORDS + k] = record.points[e * COORDS + k] / FIXED;
    }
  }
  const openMouth = records.map((r) => r.openMouth).reduce((best, m) => (m && (!best || m.gap > best.gap) ? m : best), null as MouthSample | null);
  bridgeShortGaps(landmarks, present, Math.max(MAX_BRIDGED_GAP, meshEvery - 1));
  smoothLandmarkSequence(landmarks, present, fps);
  return { landmarks, strength: fadeStrength(present, Math.max(1, Math.round(FADE_SECONDS * fps))), openMouth };
}

/**
 * Fill runs of at most `maxGap` missing frames between two present ones by linear interpolation,
 * and up to `maxGap` frames at either end of the video by holding the nearest frame.
 */
export function bridgeShortGaps(landmarks: Float32Array, present: Uint8Array, maxGap: number): void {
  const n = present.length;
  let last = -1;
  for (let i = 0; i < n; i++) {
    if (!present[i]) continue;
    const gap = i - last - 1;
    if (gap > 0 && gap <= maxGap && (last >= 0 || i <= maxGap)) {
      for (let j = last + 1; j < i; j++) {
        const t = last >= 0 ? (j - last) / (i - last) : 1;
        const from = (last >= 0 ? last : i) * COORDS, to = i * COORDS, at = j * COORDS;
        for (let k = 0; k < COORDS; k++) landmarks[at + k] = landmarks[from + k] + (landmarks[to + k] - landmarks[from + k]) * t;
        present[j] = 1;
      }
    }
    last = i;
  }
  if (last >= 0 && n - 1 - last <= maxGap) {
    for (let j = last + 1; j < n; j++) {
      landmarks.copyWithin(j * COORDS, last * COORDS, (last + 1) * COORDS);
      present[j] = 1;
    }
  }
}

/** 1 where present and at least `fade` frames from any missing frame, ramping linearly to 0 at it. */
export function fadeStrength(present: Uint8Array, fade: number): Float32Array {
  const n = present.length;
  const distance = new Float32Array(n).fill(Number.POSITIVE_INFINITY);
  let lastMissing = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    if (!present[i]) lastMissing = i;
    distance[i] = i - lastMissing;
  }
  lastMissing = Number.POSITIVE_INFINITY;
  for (let i = n - 1; i >= 0; i--) {
    if (!present[i]) lastMissing = i;
    distance[i] = Math.min(distance[i], lastMissing - i);
  }
  const strength = new Float32Array(n);
  for (let i = 0; i < n; i++) strength[i] = Math.min(1, distance[i] / (fade + 1));
  return strength;
}

/** Time ranges (seconds) where the dub would pass through, for on_no_face: "fail". */
export function lostFaceRanges(strength: Float32Array, frames: number, fps: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let start = -1;
  for (let i = 0; i <= frames; i++) {
    const lost = i < frames && strength[i] === 0;
    if (lost && start < 0) start = i;
    if (!lost && start >= 0) {
      ranges.push([start / fps, i / fps]);
      start = -1;
    }
  }
  return ranges;
}

/** The error on_no_face "fail" raises, naming where the face was lost. */
export function faceLostError(ranges: Array<[number, number]>): NoFaceError {
  const fmt = (s: number) => `${s.toFixed(2)} s`;
  const listed = ranges.slice(0, 3).map(([a, b]) => `${fmt(a)}–${fmt(b)}`).join(', ');
  const more = ranges.length > 3 ? ` and ${ranges.length - 3} more` : '';
  return new NoFaceError(
    `The face is lost in the video at ${listed}${more} (out of frame, hidden or turned away); ` +
      'use on_no_face "passthrough" to keep those frames unchanged',
  );
}
