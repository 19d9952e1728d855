// The speaker's landmarks per source frame, filled in as pass one analyses the video, and read
// by pass two a bounded distance behind it: each frame's smoothed landmarks and dub strength
// depend only on the frames within LOOKAHEAD of it, so rendering can follow the analysis closely
// instead of waiting for the whole video.
import { smoothLandmarkSequence } from '../face/index.js';

const COORDS = 468 * 2;
/** Kept in 1/16 px in Int16 (±2047 px): 1.9 KB a frame, so a 10-minute video holds ~28 MB. */
const FIXED = 16;
/** Missing runs of at most this many frames between two present ones are bridged (interpolated). */
export const MAX_BRIDGED_GAP = 2;
/** Cross-fade into and out of a passthrough span, seconds. */
const FADE_SECONDS = 0.2;
/**
 * Half-width of the smoothing window, seconds: the One-Euro filter run forwards and backwards
 * over ±0.6 s of a frame gives that frame within 2 % of filtering the whole run (its slowest
 * time constant, at the 1 Hz cutoff, is 0.16 s).
 */
const SMOOTHING_HALF_WINDOW_SECONDS = 0.6;

export class SpeakerFrames {
  private raw = new Int16Array(64 * COORDS);
  private usable = new Uint8Array(64);
  /** The last frame's smoothed landmarks (recomputed on demand: it costs ~1 ms, and keeps memory flat). */
  private readonly smoothed = new Float32Array(COORDS);
  /** Frames analysed so far (raw/usable are meaningful below this). */
  private analysed = 0;
  /** Set once the video has no more frames. */
  private total: number | null = null;
  readonly fade: number;
  private readonly halfWindow: number;

  constructor(private readonly fps: number, private readonly maxGap = MAX_BRIDGED_GAP) {
    this.fade = Math.max(1, Math.round(FADE_SECONDS * fps));
    this.halfWindow = Math.max(2, Math.round(SMOOTHING_HALF_WINDOW_SECONDS * fps));
  }

  /** Frames past `i` that must be analysed before frame `i` can be read. */
  get lookahead(): number {
    return this.halfWindow + this.fade + 2 * (this.maxGap + 1) + 1;
  }

  /** Landmarks of the speaker at frame `i` (output pixels), usable for dubbing or not. */
  set(i: number, points: Float32Array, usable: boolean): void {
    this.reserve(i + 1);
    for (let k = 0; k < COORDS; k++) this.raw[i * COORDS + k] = Math.max(-32767, Math.min(32767, Math.round(points[k] * FIXED)));
    this.usable[i] = usable ? 1 : 0;
  }

  /** Frames 0 … n − 1 have been analysed (those not `set` have no speaker). */
  analysedUpTo(n: number): void {
    this.reserve(n);
    this.analysed = Math.max(this.analysed, n);
  }

  /** The video has exactly `n` frames. */
  end(n: number): void {
    this.analysedUpTo(n);
    this.total = n;
  }

  /** Whether frame `i` can be read: analysed far enough past it, or the video ended. */
  ready(i: number): boolean {
    return this.total !== null || i + this.lookahead < this.analysed;
  }

  /** 0..1: how much of the dub frame `i` shows; 0 = the source frame unchanged. */
  strength(i: number): number {
    if (!this.present(i)) return 0;
    let d = 1;
    while (d <= this.fade && this.present(i - d) && this.present(i + d)) d++;
    return Math.min(1, d / (this.fade + 1));
  }

  /** The smoothed landmarks of frame `i` (valid until the next call; only meaningful when strength > 0). */
  landmarks(i: number): Float32Array {
    // The window stops at the video's ends: present() counts frames beyond them as present (so
    // the ends do not fade), but they have no landmarks — reading them smeared NaN over the
    // first and last half-window of every video, which then went out undubbed (found by the eval).
    const end = (this.total ?? this.analysed) - 1;
    let first = i, last = i;
    while (first > i - this.halfWindow && first > 0 && this.present(first - 1)) first--;
    while (last < i + this.halfWindow && last < end && this.present(last + 1)) last++;
    const run = new Float32Array((last - first + 1) * COORDS);
    for (let j = first; j <= last; j++) this.rawInto(j, run, (j - first) * COORDS);
    smoothLandmarkSequence(run, new Uint8Array(last - first + 1).fill(1), this.fps);
    this.smoothed.set(run.subarray((i - first) * COORDS, (i - first + 1) * COORDS));
    return this.smoothed;
  }

  /**
   * Whether frame `i` has speaker landmarks to dub with: usable itself, or inside a bridged gap
   * (≤ maxGap missing frames between two usable ones, or at the very start or end of the video).
   * Frames before 0 and after the end count as present, so the video's own ends never fade.
   */
  present(i: number): boolean {
    if (i < 0 || (this.total !== null && i >= this.total)) return true;
    if (i >= this.analysed) return false;
    if (this.usable[i]) return true;
    const before = this.usableBefore(i), after = this.usableAfter(i);
    if (before >= 0 && after >= 0) return after - before - 1 <= this.maxGap;
    if (before < 0 && after >= 0) return after <= this.maxGap && this.noneUsable(0, i);
    if (after < 0 && before >= 0 && this.total !== null) return this.total - 1 - before <= this.maxGap;
    return false;
  }

  /** Raw landmarks of present frame `j` into `out` at `at`: its own, or interpolated/held across a bridged gap. */
  private rawInto(j: number, out: Float32Array, at: number): void {
    const from = (f: number, k: number) => this.raw[f * COORDS + k] / FIXED;
    if (this.usable[j]) {
      for (let k = 0; k < COORDS; k++) out[at + k] = from(j, k);
      return;
    }
    const before = this.usableBefore(j), after = this.usableAfter(j);
    if (before >= 0 && after >= 0) {
      const t = (j - before) / (after - before);
      for (let k = 0; k < COORDS; k++) out[at + k] = from(before, k) + (from(after, k) - from(before, k)) * t;
    } else {
      const held = before >= 0 ? before : after;
      for (let k = 0; k < COORDS; k++) out[at + k] = from(held, k);
    }
  }

  /** The nearest usable frame within maxGap + 1 before `i`, or −1. */
  private usableBefore(i: number): number {
    for (let j = i - 1; j >= Math.max(0, i - this.maxGap - 1); j--) if (this.usable[j]) return j;
    return -1;
  }

  /** The nearest analysed usable frame within maxGap + 1 after `i`, or −1. */
  private usableAfter(i: number): number {
    for (let j = i + 1; j <= Math.min(this.analysed - 1, i + this.maxGap + 1); j++) if (this.usable[j]) return j;
    return -1;
  }

  private noneUsable(from: number, to: number): boolean {
    for (let j = from; j < to; j++) if (this.usable[j]) return false;
    return true;
  }

  private reserve(n: number): void {
    if (n <= this.usable.length) return;
    let size = this.usable.length;
    while (size < n) size *= 2;
    const usable = new Uint8Array(size); usable.set(this.usable); this.usable = usable;
    const raw = new Int16Array(size * COORDS); raw.set(this.raw); this.raw = raw;
  }
}
