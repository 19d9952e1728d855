// Turns per-hop targets into per-video-frame controls: an asymmetric envelope that opens faster than
// it closes and anticipates onsets, resampling onto the frame grid with the mouth leading the audio,
// and discrete events (lip closures) held for a minimum number of frames with short tweens.

export interface FrameGrid {
  fps: number;
  frameCount: number;
  hopSeconds: number;
  /** The mouth shows audio this many seconds early (frame k shows audio from k/fps + lead). */
  leadSeconds: number;
}

/**
 * Upper envelope with separate time constants (in hops): the forward pass holds peaks and lets
 * them decay with `releaseTau` (closing lags the sound a little), the backward pass ramps up
 * `attackTau` before each rise (opening anticipates the sound, as speakers do). The result is never
 * below the input, so short dips inside a phrase are bridged instead of snapping shut.
 */
export function asymmetricEnvelope(values: Float32Array, attackTau: number, releaseTau: number): Float32Array {
  const n = values.length;
  const out = new Float32Array(n);
  if (n === 0) return out;
  const release = 1 - Math.exp(-1 / releaseTau);
  const attack = 1 - Math.exp(-1 / attackTau);
  let y = values[0];
  for (let i = 0; i < n; i++) {
    const x = values[i];
    y = x > y ? x : y + (x - y) * release;
    out[i] = y;
  }
  let z = values[n - 1];
  for (let i = n - 1; i >= 0; i--) {
    const x = values[i];
    z = x > z ? x : z + (x - z) * attack;
    if (z > out[i]) out[i] = z;
  }
  return out;
}

/** Sub-samples per frame for the box average; 8 keeps the 25 fps box within 5 ms of exact. */
const SUBSAMPLES = 8;

/**
 * Box-averages a per-hop track over each frame's (lead-shifted) audio span. Hop h sits at time
 * h·hopSeconds; times past the end of the track read `padValue` (the video may outlast the audio).
 */
export function resampleToFrames(values: Float32Array, grid: FrameGrid, padValue: number): Float32Array {
  const out = new Float32Array(grid.frameCount);
  const last = values.length - 1;
  for (let k = 0; k < grid.frameCount; k++) {
    let acc = 0;
    for (let m = 0; m < SUBSAMPLES; m++) {
      const t = (k + (m + 0.5) / SUBSAMPLES) / grid.fps + grid.leadSeconds;
      const position = t / grid.hopSeconds;
      if (last < 0 || position > last + 0.5) {
        acc += padValue;
        continue;
      }
      const clamped = position < 0 ? 0 : position > last ? last : position;
      const i = Math.floor(clamped);
      const next = i < last ? i + 1 : last;
      const frac = clamped - i;
      acc += values[i] + (values[next] - values[i]) * frac;
    }
    out[k] = acc / SUBSAMPLES;
  }
  return out;
}

export interface HoldRule {
  /** Frames held at 1 for every event, however short its audio. */
  minHoldFrames: number;
  /** Ramp frames on each side (values i/(tween+1)). */
  tweenFrames: number;
}

/**
 * Marks each event [startHop, endHop) on the frame grid: 1 on the frames whose audio span is mostly
 * inside the event (at least `minHoldFrames`, centred on the event when it is shorter) with linear
 * tweens either side. Overlaps keep the maximum.
 */
export function eventsToFrames(
  events: ReadonlyArray<{ startHop: number; endHop: number }>,
  grid: FrameGrid,
  rule: HoldRule,
  into: Float32Array,
): void {
  for (const event of events) {
    const startS = (event.startHop - 0.5) * grid.hopSeconds;
    const endS = (event.endHop - 0.5) * grid.hopSeconds;
    // Frame k covers audio [k/fps + lead, (k+1)/fps + lead); it is "inside" when its centre is.
    const a = (startS - grid.leadSeconds) * grid.fps - 0.5;
    const b = (endS - grid.leadSeconds) * grid.fps - 0.5;
    if (a >= grid.frameCount) continue; // audio beyond the end of the video
    let first = Math.ceil(a);
    let last = Math.ceil(b) - 1;
    if (last - first + 1 < rule.minHoldFrames) {
      first = Math.round((a + b) / 2 - (rule.minHoldFrames - 1) / 2);
      last = first + rule.minHoldFrames - 1;
    }
    // At the end of the video shift the hold earlier (anticipating is fine); at the start never
    // push it later, which would make the lips trail the sound.
    if (last >= grid.frameCount) {
      first = Math.max(0, Math.min(first, grid.frameCount - rule.minHoldFrames));
      last = grid.frameCount - 1;
    }
    for (let k = first; k <= last; k++) raise(into, k, 1);
    for (let j = 1; j <= rule.tweenFrames; j++) {
      const value = 1 - j / (rule.tweenFrames + 1);
      raise(into, first - j, value);
      raise(into, last + j, value);
    }
  }
}

function raise(track: Float32Array, k: number, value: number): void {
  if (k >= 0 && k < track.length && track[k] < value) track[k] = value;
}
