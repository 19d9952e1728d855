// Turns per-hop targets into per-video-frame controls: an asymmetric envelope that opens faster than
// it closes and anticipates onsets, resampling onto the frame grid with the mouth leading the audio,
// and discrete events (lip closures) held for a minimum number of frames with short tweens.

export interface FrameGrid {
  fps: number;
  frameCount: number;
  hopSeconds: number;
  /** The mouth shows audio this many seconds early: frame k shows the audio around k/fps + lead. */
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
 * A closure may still show on a frame this long after its release: the fine release time can come
 * out a couple of ms early, and a p's burst must not find the lips already apart.
 */
const RELEASE_GRACE_S = 0.005;
/** Lips open between two closures for at least this long get a frame of their own. */
const MIN_OPEN_S = 0.03;

/**
 * Box-averages a per-hop track over one frame period centred on each frame's (lead-shifted) time
 * k/fps + lead. Hop h sits at time h·hopSeconds; times past the end of the track read `padValue`
 * (the video may outlast the audio).
 */
export function resampleToFrames(values: Float32Array, grid: FrameGrid, padValue: number): Float32Array {
  const out = new Float32Array(grid.frameCount);
  const last = values.length - 1;
  for (let k = 0; k < grid.frameCount; k++) {
    let acc = 0;
    for (let m = 0; m < SUBSAMPLES; m++) {
      const t = (k + (m + 0.5) / SUBSAMPLES - 0.5) / grid.fps + grid.leadSeconds;
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

/** ceil() that does not round a product like 0.48 × 25 = 12.000000000000002 up to 13. */
function ceilFrame(x: number): number {
  return Math.ceil(x - 1e-9);
}

/**
 * Marks each event [startHop, endHop) on the frame grid: 1 on the frames whose (lead-shifted) time
 * k/fps + lead falls inside it (at least `minHoldFrames`, centred on the event when it is shorter),
 * with linear tweens either side. Overlaps keep the maximum.
 */
export function eventsToFrames(
  events: ReadonlyArray<{ startHop: number; endHop: number }>,
  grid: FrameGrid,
  rule: HoldRule,
  into: Float32Array,
): void {
  for (const event of events) {
    const a = (startSeconds(event, grid) - grid.leadSeconds) * grid.fps;
    const b = ((event.endHop - 0.5) * grid.hopSeconds - grid.leadSeconds) * grid.fps;
    if (a >= grid.frameCount) continue; // audio beyond the end of the video
    let first = ceilFrame(a);
    let last = ceilFrame(b) - 1;
    if (last - first + 1 < rule.minHoldFrames) {
      first = Math.round((a + b) / 2 - (rule.minHoldFrames - 1) / 2);
      last = first + rule.minHoldFrames - 1;
    }
    [first, last] = keepInVideo(first, last, grid, rule);
    for (let k = first; k <= last; k++) raise(into, k, 1);
    for (let j = 1; j <= rule.tweenFrames; j++) {
      const value = 1 - j / (rule.tweenFrames + 1);
      raise(into, first - j, value);
      raise(into, last + j, value);
    }
  }
}

/**
 * Marks lip closures on the frame grid. A closure starts with the lead (the lips may close early)
 * but holds on every frame shown before its release, lead or not: lips that part before the burst
 * of a p are what a viewer notices. A closure too short for `minHoldFrames` starts earlier, never
 * ends later. The lips seal from one frame to the next (the jaw track is already closing, and a
 * half-shut frame while the vowel still sounds only blurs the seal); the frames after a release
 * tween open (the lips part over ~30 ms). When the next closure's lead would leave no frame
 * between two closures for the vowel heard there, it starts one frame later instead.
 */
export function closuresToFrames(
  events: ReadonlyArray<{ startHop: number; endHop: number; releaseSeconds?: number }>,
  grid: FrameGrid,
  rule: HoldRule,
  into: Float32Array,
): void {
  const spans: Array<{ first: number; last: number; startS: number; releaseS: number }> = [];
  for (const event of events) {
    const startS = startSeconds(event, grid);
    const releaseS = event.releaseSeconds ?? (event.endHop - 0.5) * grid.hopSeconds;
    const first = ceilFrame((startS - grid.leadSeconds) * grid.fps);
    if (first >= grid.frameCount) continue;
    const last = Math.max(first, ceilFrame((releaseS + RELEASE_GRACE_S) * grid.fps) - 1);
    spans.push({ first: Math.min(first, last - rule.minHoldFrames + 1), last, startS, releaseS });
  }
  spans.sort((x, y) => x.first - y.first);
  let previousLast = -Infinity;
  let previousRelease = -Infinity;
  for (const span of spans) {
    let { first, last } = span;
    // A vowel heard between two closures keeps at least one open frame.
    if (first <= previousLast + 1 && span.startS - previousRelease >= MIN_OPEN_S && last >= previousLast + 2) {
      first = previousLast + 2;
    }
    [first, last] = keepInVideo(first, last, grid, rule);
    for (let k = first; k <= last; k++) raise(into, k, 1);
    for (let j = 1; j <= rule.tweenFrames; j++) raise(into, last + j, 1 - j / (rule.tweenFrames + 1));
    if (last > previousLast) {
      previousLast = last;
      previousRelease = span.releaseS;
    }
  }
}

function startSeconds(event: { startHop: number }, grid: FrameGrid): number {
  return (event.startHop - 0.5) * grid.hopSeconds;
}

/** At the end of the video the hold moves earlier (anticipating is fine), never later at the start. */
function keepInVideo(first: number, last: number, grid: FrameGrid, rule: HoldRule): [number, number] {
  if (last < grid.frameCount) return [first, last];
  return [Math.max(0, Math.min(first, grid.frameCount - rule.minHoldFrames)), grid.frameCount - 1];
}

function raise(track: Float32Array, k: number, value: number): void {
  if (k >= 0 && k < track.length && track[k] < value) track[k] = value;
}
