// The sync metrics of issue 5, on per-frame series: the inner-lip gap (inter-ocular units, NaN
// where no face was found) and the audio's log-RMS envelope at the same frame times.
//   M1 Pearson r(gap, envelope) on speech frames, against a circular-shift null;
//   M2 the lag (±15 frames, sub-frame) that maximises r — negative = the mouth leads the audio;
//   M3 share of frames inside silences ≥ 300 ms with the mouth closed;
//   M4 share of known bilabial onsets with the lips closed within [−40 ms, +20 ms];
//   M6 share of the gap's energy above 8 Hz (chatter).
import type { Span } from './audio-timeline.js';

/**
 * "Closed" is relative to the face: the inner-lip gap is at most the clip's 5th percentile (the
 * detector's reading of this face with the lips together) + CLOSED_MARGIN_IOD, and never more
 * than CLOSED_GAP_MAX_IOD. face-api reads the rendered rest mouths of the fixture faces at
 * 0.01–0.07 inter-ocular distances (its bias differs per face: highest on the smiling astronaut),
 * with ~0.01 of frame-to-frame jitter; the smallest speech opening that reads as open (a schwa)
 * is ~0.12. The cap keeps a mouth that never closes from defining its own "closed".
 */
export const CLOSED_GAP_MAX_IOD = 0.08;
export const CLOSED_GAP_MIN_IOD = 0.03;
export const CLOSED_MARGIN_IOD = 0.035;

/** The "closed" threshold for one clip's gap series (inter-ocular units). */
export function closedThreshold(gap: Float32Array): number {
  const rest = quantile(Array.from(gap), 0.05);
  if (!Number.isFinite(rest)) return CLOSED_GAP_MAX_IOD;
  return Math.min(CLOSED_GAP_MAX_IOD, Math.max(CLOSED_GAP_MIN_IOD, rest + CLOSED_MARGIN_IOD));
}
/**
 * M3 skips this much of a silence next to speech: real lips take ~100 ms to settle after the last
 * sound and part ~100 ms before the first (anticipation, which M2 rewards). Silence at the very
 * start or end of the clip is counted whole. `closureInSilence` also reports the unguarded share.
 */
export const SILENCE_EDGE_GUARD_SECONDS = 0.12;
export const MAX_LAG_FRAMES = 15;
export const MIN_NULL_SHIFT_SECONDS = 1;
export const NULL_SHIFTS = 200;
export const CHATTER_CUTOFF_HZ = 8;
export const BILABIAL_WINDOW = { before: 0.04, after: 0.02 } as const;

/** Pearson r over the frames where `mask` is set and both values are finite; 0 if either side is constant. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>, mask?: ArrayLike<number>): number {
  let n = 0, sa = 0, sb = 0;
  for (let i = 0; i < a.length; i++) {
    if ((mask && !mask[i]) || !Number.isFinite(a[i]) || !Number.isFinite(b[i])) continue;
    n++; sa += a[i]; sb += b[i];
  }
  if (n < 3) return Number.NaN;
  const ma = sa / n, mb = sb / n;
  let cov = 0, va = 0, vb = 0;
  for (let i = 0; i < a.length; i++) {
    if ((mask && !mask[i]) || !Number.isFinite(a[i]) || !Number.isFinite(b[i])) continue;
    const da = a[i] - ma, db = b[i] - mb;
    cov += da * db; va += da * da; vb += db * db;
  }
  // A still mouth has no relation to the audio: call it 0 rather than undefined.
  if (va < 1e-12 || vb < 1e-12) return 0;
  return cov / Math.sqrt(va * vb);
}

/** `values` read at position k + shift, wrapping round, linearly interpolated (shift may be fractional). */
export function circularShift(values: Float32Array, shift: number): Float32Array {
  const n = values.length;
  const out = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const p = (((k + shift) % n) + n) % n;
    const i = Math.floor(p);
    const f = p - i;
    const a = values[i], b = values[(i + 1) % n];
    out[k] = f === 0 ? a : a + (b - a) * f;
  }
  return out;
}

export function quantile(values: number[], q: number): number {
  const s = values.filter(Number.isFinite).sort((x, y) => x - y);
  if (s.length === 0) return Number.NaN;
  const p = Math.min(s.length - 1, Math.max(0, q * (s.length - 1)));
  const lo = Math.floor(p), hi = Math.min(s.length - 1, lo + 1);
  return s[lo] + (s[hi] - s[lo]) * (p - lo);
}

export interface SyncCorrelation {
  /** M1: r at zero lag on speech frames. */
  r: number;
  /** 95th percentile of r with the gap circularly shifted by ≥ 1 s; NaN when the clip is too short for such shifts. */
  nullP95: number;
  shifts: number;
}

/**
 * M1 and its null. The shifts are spread evenly over [1 s, length − 1 s]: every whole frame when
 * there are at least NULL_SHIFTS of them, else NULL_SHIFTS fractional ones (a 6 s clip has only
 * ~100 whole-frame shifts of ≥ 1 s).
 */
export function syncCorrelation(gap: Float32Array, envelope: Float32Array, speech: Uint8Array, fps: number): SyncCorrelation {
  const r = pearson(gap, envelope, speech);
  const n = gap.length;
  const minShift = Math.ceil(MIN_NULL_SHIFT_SECONDS * fps);
  const span = n - 2 * minShift;
  if (span < 1) return { r, nullP95: Number.NaN, shifts: 0 };
  const count = span + 1 >= NULL_SHIFTS ? span + 1 : NULL_SHIFTS;
  const step = span / (count - 1);
  const nulls: number[] = [];
  for (let s = 0; s < count; s++) nulls.push(pearson(circularShift(gap, minShift + s * step), envelope, speech));
  return { r, nullP95: quantile(nulls, 0.95), shifts: count };
}

export interface SyncLag {
  /** M2 in frames (sub-frame), negative = mouth leads. NaN when r never rises above 0. */
  frames: number;
  ms: number;
  /** r at the best whole-frame lag. */
  peakR: number;
  /** r per whole-frame lag, from −maxLag to +maxLag. */
  curve: number[];
}

/** r between gap[t + lag] and envelope[t] over speech frames t. */
export function laggedCorrelation(gap: Float32Array, envelope: Float32Array, speech: Uint8Array, lag: number): number {
  const n = gap.length;
  const a = new Float32Array(n).fill(Number.NaN);
  for (let t = 0; t < n; t++) if (t + lag >= 0 && t + lag < n) a[t] = gap[t + lag];
  return pearson(a, envelope, speech);
}

/** M2: the best lag in ±maxLag frames, refined by a parabola through the peak and its neighbours. */
export function syncLag(gap: Float32Array, envelope: Float32Array, speech: Uint8Array, fps: number, maxLag = MAX_LAG_FRAMES): SyncLag {
  const curve: number[] = [];
  for (let lag = -maxLag; lag <= maxLag; lag++) curve.push(laggedCorrelation(gap, envelope, speech, lag));
  let best = -1;
  for (let i = 0; i < curve.length; i++) if (Number.isFinite(curve[i]) && (best < 0 || curve[i] > curve[best])) best = i;
  if (best < 0 || !(curve[best] > 0)) return { frames: Number.NaN, ms: Number.NaN, peakR: best < 0 ? Number.NaN : curve[best], curve };
  let offset = 0;
  if (best > 0 && best < curve.length - 1) {
    const [y0, y1, y2] = [curve[best - 1], curve[best], curve[best + 1]];
    const denom = y0 - 2 * y1 + y2;
    if (denom < 0) offset = Math.max(-0.5, Math.min(0.5, (0.5 * (y0 - y2)) / denom));
  }
  const frames = best - maxLag + offset;
  return { frames, ms: (frames / fps) * 1000, peakR: curve[best], curve };
}

export interface SilenceClosure {
  /** M3: closed share of the guarded silent frames; NaN when the clip has no silence ≥ 300 ms. */
  share: number;
  frames: number;
  /** The same without the edge guard, as the issue words it. */
  unguardedShare: number;
  unguardedFrames: number;
}

function closedShare(gap: Float32Array, fps: number, spans: Span[], closedBelow: number): { share: number; frames: number } {
  let frames = 0, closed = 0;
  for (let k = 0; k < gap.length; k++) {
    const t = k / fps;
    if (!spans.some((s) => t >= s.start && t < s.end)) continue;
    frames++;
    if (gap[k] <= closedBelow) closed++; // NaN (no face) counts as not closed
  }
  return { share: frames ? closed / frames : Number.NaN, frames };
}

/** M3 over `silentSpans` (seconds) of a clip `durationSeconds` long. */
export function closureInSilence(
  gap: Float32Array, fps: number, silentSpans: Span[], durationSeconds: number,
  opts: { closedBelow?: number; edgeGuardSeconds?: number } = {},
): SilenceClosure {
  const closedBelow = opts.closedBelow ?? closedThreshold(gap);
  const guard = opts.edgeGuardSeconds ?? SILENCE_EDGE_GUARD_SECONDS;
  const guarded = silentSpans
    .map((s) => ({
      start: s.start > 1e-6 ? s.start + guard : s.start,
      end: s.end < durationSeconds - 1e-6 ? s.end - guard : s.end,
    }))
    .filter((s) => s.end > s.start);
  const g = closedShare(gap, fps, guarded, closedBelow);
  const u = closedShare(gap, fps, silentSpans, closedBelow);
  return { share: g.share, frames: g.frames, unguardedShare: u.share, unguardedFrames: u.frames };
}

export interface OnsetClosure { time: number; closed: boolean; minGap: number; frames: number[] }

export interface BilabialClosure {
  /** M4: share of onsets with a closed frame inside the window; NaN when there are no onsets. */
  share: number;
  onsets: OnsetClosure[];
}

/** M4: for each onset time (s), is some frame in [onset − 40 ms, onset + 20 ms] closed? */
export function bilabialClosure(gap: Float32Array, fps: number, onsets: number[], closedBelow = closedThreshold(gap)): BilabialClosure {
  const results = onsets.map((time): OnsetClosure => {
    const frames: number[] = [];
    const first = Math.ceil((time - BILABIAL_WINDOW.before) * fps - 1e-9);
    const last = Math.floor((time + BILABIAL_WINDOW.after) * fps + 1e-9);
    for (let k = Math.max(0, first); k <= Math.min(gap.length - 1, last); k++) frames.push(k);
    let minGap = Number.POSITIVE_INFINITY;
    for (const k of frames) if (Number.isFinite(gap[k])) minGap = Math.min(minGap, gap[k]);
    return { time, closed: minGap <= closedBelow, minGap, frames };
  });
  const share = results.length ? results.filter((o) => o.closed).length / results.length : Number.NaN;
  return { share, onsets: results };
}

/** `values` with NaN runs filled by linear interpolation (ends held), so spectra see no holes. */
export function fillGaps(values: Float32Array): Float32Array {
  const out = Float32Array.from(values);
  const known: number[] = [];
  for (let i = 0; i < out.length; i++) if (Number.isFinite(out[i])) known.push(i);
  if (known.length === 0) return out.fill(0);
  for (let i = 0; i < out.length; i++) {
    if (Number.isFinite(out[i])) continue;
    const next = known.find((k) => k > i);
    const prev = [...known].reverse().find((k) => k < i);
    if (prev === undefined) out[i] = out[next!];
    else if (next === undefined) out[i] = out[prev];
    else out[i] = out[prev] + ((out[next] - out[prev]) * (i - prev)) / (next - prev);
  }
  return out;
}

/** M6: share of the (mean-removed) gap's spectral energy above `cutoffHz`; 0 for a still mouth. */
export function chatterShare(gap: Float32Array, fps: number, cutoffHz = CHATTER_CUTOFF_HZ): number {
  const x = fillGaps(gap);
  const n = x.length;
  if (n < 4) return Number.NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let high = 0, total = 0;
  // A plain DFT: clips are a few hundred frames, so O(n²) costs milliseconds.
  for (let f = 1; f <= Math.floor(n / 2); f++) {
    let re = 0, im = 0;
    const w = (2 * Math.PI * f) / n;
    for (let i = 0; i < n; i++) {
      const v = x[i] - mean;
      re += v * Math.cos(w * i);
      im -= v * Math.sin(w * i);
    }
    // One-sided spectrum: bins other than DC and Nyquist stand for two.
    const power = (re * re + im * im) * (2 * f === n ? 1 : 2);
    total += power;
    if ((f * fps) / n > cutoffHz) high += power;
  }
  return total > 1e-12 ? high / total : 0;
}
