// Pass one of lipsync-video: follow every face through the source frames the output uses, choose
// the speaker, and feed its landmarks to a SpeakerFrames store, from which pass two reads each
// frame's smoothed landmarks and dub strength (0 where the face is lost, hidden or turned away,
// ramping around those frames). The analysis runs a bounded distance ahead of the rendering,
// interleaved with it, so the tracker works while ffmpeg encodes.
import { NoFaceError } from '../errors.js';
import { detectFaces, FaceTracker, refineInnerLips, type RgbaFrame, type TrackedFace } from '../face/index.js';
import { decodeVideoFramePairs, decodeVideoFrames, type DecodedFrame } from '../media/index.js';
import { mouthInMask, type AnimationMask } from './mask.js';
import { captureMouthSample, type MouthSample } from './mouth-sample.js';
import type { FrameHandoff } from './source-frames.js';
import { MAX_BRIDGED_GAP, SpeakerFrames } from './speaker-frames.js';

const COORDS = 468 * 2;
/** Landmarks are kept in 1/16 px in Int16 (±2047 px): a 10-minute video then needs ~28 MB per face. */
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
/** A face seen usable in fewer analysed frames is more likely a false find than a speaker. */
const MIN_SPEAKER_FRAMES = 3;
/**
 * The speaker is chosen this long (seconds) after the first face that could be one: the largest,
 * most frontal face of that moment (inside the mask), so pass two can start soon after.
 */
const CHOICE_DELAY_SECONDS = 0.4;

export interface AnalyseVideoOptions {
  fps: number;
  width: number;
  height: number;
  maxFrames: number;
  mask: AnimationMask | null;
  /** Run the landmark model on every n-th frame only, interpolating the rest (1 = every frame). */
  meshEvery?: number;
  signal?: AbortSignal;
  field?: string;
  onFrame?: (framesDone: number) => void;
  /**
   * Decode each frame once for both passes: the output-size yuv420p frames go here for pass two
   * (SourceFrames). Only where that gives the same frames as two decodes (see video.ts).
   */
  handoff?: FrameHandoff;
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

export type AnalysisSizeOptions = Pick<AnalyseVideoOptions, 'width' | 'height' | 'fps' | 'signal' | 'field'>;

/** Analysis frame size: faces about TARGET_FACE_PX wide, judged on the first frame. */
export async function analysisSize(path: string, opts: AnalysisSizeOptions): Promise<{ width: number; height: number }> {
  const shortSide = Math.min(opts.width, opts.height);
  let target = Math.min(shortSide, DEFAULT_ANALYSIS_SHORT_SIDE);
  // At the output size: judged on a smaller frame (≈ 40 ms less) the box came out a little
  // different, and so did the analysis size of the eval's zoom-hopper clip and its outputs.
  for await (const frame of decodeVideoFrames(path, { width: opts.width, height: opts.height, fps: opts.fps, signal: opts.signal, field: opts.field })) {
    const faces = await detectFaces({ data: frame.rgba, width: frame.width, height: frame.height });
    if (faces[0]) target = Math.max(MIN_ANALYSIS_SHORT_SIDE, Math.min(shortSide, (shortSide * TARGET_FACE_PX) / faces[0].box.width));
    break;
  }
  const scale = target / shortSide;
  const even = (x: number) => Math.max(2, Math.round((x * scale) / 2) * 2);
  return { width: even(opts.width), height: even(opts.height) };
}

export class VideoFaceAnalysis {
  /** The chosen speaker's frames; empty (every frame passes through) until one is chosen. */
  readonly speaker: SpeakerFrames;
  /** Source frames analysed so far. */
  frames = 0;
  /** No more frames: `frames` is the video's length (capped at maxFrames). */
  ended = false;
  /** Some confident face was seen, inside the mask or not (for the error message). */
  facesSeen = false;
  private readonly records = new Map<number, FaceTrackRecord>();
  private chosen: FaceTrackRecord[] = [];
  private firstCandidateAt = -1;
  private openMouthSample: MouthSample | null | undefined;
  private readonly tracker: FaceTracker;
  private readonly decoder: AsyncGenerator<DecodedFrame>;
  private readonly meshEvery: number;
  private readonly choiceDelay: number;
  private readonly scale: [number, number];
  private readonly scaled = new Float32Array(COORDS);
  private waiting: Array<{ index: number; frame: RgbaFrame }> = [];
  private previous: { index: number; faces: Map<number, TrackedFace> } | null = null;

  private constructor(path: string, size: { width: number; height: number }, private readonly opts: AnalyseVideoOptions) {
    this.meshEvery = Math.max(1, opts.meshEvery ?? 1);
    this.tracker = new FaceTracker({ redetectEvery: Math.max(1, Math.round(opts.fps / this.meshEvery)) });
    this.speaker = new SpeakerFrames(opts.fps, Math.max(MAX_BRIDGED_GAP, this.meshEvery - 1));
    this.choiceDelay = Math.round(CHOICE_DELAY_SECONDS * opts.fps);
    this.scale = [opts.width / size.width, opts.height / size.height];
    this.decoder = analysisFrames(path, size, opts);
  }

  /** `size`: analysisSize(path, opts), when the caller started it earlier. */
  static async open(path: string, opts: AnalyseVideoOptions, size?: Promise<{ width: number; height: number }>): Promise<VideoFaceAnalysis> {
    return new VideoFaceAnalysis(path, await (size ?? analysisSize(path, opts)), opts);
  }

  /** Analyse until source frame `i` can be read from `speaker` (or the video ends). */
  async readyFor(i: number): Promise<void> {
    while (!this.ended && !this.speaker.ready(i)) await this.step();
  }

  async analyseAll(): Promise<void> {
    while (!this.ended) await this.step();
  }

  /** Whether a speaker was chosen (once the video is analysed: whether it has one at all). */
  get hasSpeaker(): boolean {
    return this.chosen.length > 0;
  }

  /** The speaker's widest-open mouth so far, fixed at the first call so the interior never changes mid-video. */
  openMouth(): MouthSample | null {
    if (this.openMouthSample === undefined) {
      this.openMouthSample = this.chosen.map((r) => r.openMouth).reduce((best, m) => (m && (!best || m.gap > best.gap) ? m : best), null as MouthSample | null);
    }
    return this.openMouthSample;
  }

  async close(): Promise<void> {
    await this.decoder.return(undefined);
  }

  /** Decode and analyse one more frame. */
  private async step(): Promise<void> {
    const next = this.frames < this.opts.maxFrames ? await this.decoder.next() : { done: true as const, value: undefined };
    if (next.done) {
      this.finish();
      return;
    }
    const decoded = next.value;
    this.frames = decoded.index + 1;
    const frame = { data: decoded.rgba, width: decoded.width, height: decoded.height };
    if (decoded.index % this.meshEvery !== 0) {
      this.waiting.push({ index: decoded.index, frame });
      return;
    }
    const faces = await this.tracker.track(frame);
    for (const face of faces) this.facesSeen ||= face.score >= MIN_DUB_SCORE;
    const previous = this.previous;
    if (previous) {
      for (const w of this.waiting) {
        const t = (w.index - previous.index) / (decoded.index - previous.index);
        for (const face of faces) {
          const before = previous.faces.get(face.trackId);
          if (before) this.record(w.index, interpolateFace(before, face, t), w.frame);
        }
      }
    }
    this.waiting = [];
    for (const face of faces) this.record(decoded.index, face, frame);
    this.previous = { index: decoded.index, faces: new Map(faces.map((f) => [f.trackId, f])) };
    this.chooseSpeaker(false);
    this.speaker.analysedUpTo(this.frames - this.waiting.length);
    this.opts.onFrame?.(this.frames);
  }

  private finish(): void {
    this.ended = true;
    this.chooseSpeaker(true);
    // Frames after the last analysed one got no landmarks: the speaker store bridges or drops them.
    this.speaker.end(this.frames);
    void this.decoder.return(undefined);
  }

  private record(index: number, face: TrackedFace, frame: RgbaFrame): void {
    // Where the lips really part: the renderer closes the mouth onto this midline.
    refineInnerLips(frame, face.points);
    const scaled = this.scaled;
    for (let k = 0; k < COORDS; k += 2) { scaled[k] = face.points[k] * this.scale[0]; scaled[k + 1] = face.points[k + 1] * this.scale[1]; }
    let track = this.records.get(face.trackId);
    if (!track) this.records.set(face.trackId, (track = new FaceTrackRecord()));
    const usable = face.score >= MIN_DUB_SCORE && Math.abs(face.yaw) <= MAX_YAW_RADIANS;
    track.add(index, scaled, usable);
    track.weight += face.box.width * face.box.height * Math.max(0, Math.cos(face.yaw));
    if (mouthInMask(this.opts.mask, scaled)) track.maskHits += 1;
    if (usable) track.openMouth = captureMouthSample(track.openMouth, frame, face, this.scale[0]);
    if (this.chosen.includes(track)) this.speaker.set(index, scaled, usable);
  }

  private eligible(r: FaceTrackRecord): boolean {
    return r.usableCount() >= MIN_SPEAKER_FRAMES && (!this.opts.mask || r.maskHits * 2 >= r.count);
  }

  /**
   * Choose the speaker CHOICE_DELAY after the first eligible face (or at the end): the eligible
   * track with the most "large and frontal" so far. Afterwards, tracks of the same face coming back
   * (a new track starts when a face returns after being lost) join it: they never share a frame
   * with it and sit at about the same place and size.
   */
  private chooseSpeaker(atEnd: boolean): void {
    const records = [...this.records.values()];
    if (this.chosen.length === 0) {
      const candidates = records.filter((r) => this.eligible(r)).sort((a, b) => b.weight - a.weight);
      if (candidates.length === 0) return;
      if (this.firstCandidateAt < 0) this.firstCandidateAt = this.frames;
      if (!atEnd && this.frames < this.firstCandidateAt + this.choiceDelay) return;
      this.join(candidates[0]);
    }
    for (const r of records) {
      if (!this.chosen.includes(r) && this.eligible(r) && this.chosen.every((c) => !sharesFrames(c, r)) && sameFaceArea(this.chosen[0], r)) this.join(r);
    }
  }

  private join(record: FaceTrackRecord): void {
    this.chosen.push(record);
    const points = new Float32Array(COORDS);
    for (let e = 0; e < record.count; e++) {
      for (let k = 0; k < COORDS; k++) points[k] = record.points[e * COORDS + k] / FIXED;
      this.speaker.set(record.frames[e], points, record.usable[e] === 1);
    }
  }
}

/** The frames pass one analyses, at `size`; with a handoff, decoded along with pass two's. */
async function* analysisFrames(path: string, size: { width: number; height: number }, opts: AnalyseVideoOptions): AsyncGenerator<DecodedFrame> {
  const { fps, signal, field, handoff } = opts;
  if (!handoff) {
    yield* decodeVideoFrames(path, { ...size, fps, signal, field });
    return;
  }
  for await (const pair of decodeVideoFramePairs(path, { fps, full: { width: opts.width, height: opts.height }, analysis: size, signal, field })) {
    handoff.put(pair.index, pair.yuv);
    yield { index: pair.index, rgba: pair.rgba, width: size.width, height: size.height };
  }
}

/** A face part way (t, 0..1) from `a` to `b`: landmarks and head turn interpolated, the lower confidence. */
function interpolateFace(a: TrackedFace, b: TrackedFace, t: number): TrackedFace {
  const points = new Float32Array(COORDS);
  for (let k = 0; k < COORDS; k++) points[k] = a.points[k] + (b.points[k] - a.points[k]) * t;
  return { ...b, points, score: Math.min(a.score, b.score), yaw: a.yaw + (b.yaw - a.yaw) * t };
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

/** Time ranges (seconds) of frames 0 … frames − 1 the dub passes through (strength 0), for on_no_face: "fail". */
export function lostFaceRanges(speaker: SpeakerFrames, frames: number, fps: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let start = -1;
  for (let i = 0; i <= frames; i++) {
    const lost = i < frames && !speaker.present(i);
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
