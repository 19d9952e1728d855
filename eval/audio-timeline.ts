// What the audio says at each video frame: its loudness envelope, whether the frame is speech,
// and where the silences are. Computed from the samples directly (not with the engine's audio
// analysis), so the harness does not share the engine's mistakes.

export interface Span { start: number; end: number }

export interface AudioTimeline {
  fps: number;
  frameCount: number;
  /** Log-RMS (dBFS) of a 40 ms window centred on each frame time, floored ENVELOPE_RANGE_DB below the clip's peak. */
  envelopeDb: Float32Array;
  /** 1 where the frame time lies in speech (inside the audio, not inside a pause of PAUSE_SECONDS or more). */
  speech: Uint8Array;
  /** Silences of SILENT_SPAN_SECONDS or more, seconds (what M3 looks at). */
  silentSpans: Span[];
  /** Every silence of PAUSE_SECONDS or more, seconds. */
  pauses: Span[];
  durationSeconds: number;
}

export const ENVELOPE_WINDOW_SECONDS = 0.04;
/** The envelope's floor below the clip's loudest window: keeps digital silence (−∞ dB) from dominating r. */
export const ENVELOPE_RANGE_DB = 50;
const HOP_SECONDS = 0.01;
/** A 10 ms hop is silent below this many dB under the loudest hop, and always below SILENT_MAX_DBFS. */
const SILENT_BELOW_PEAK_DB = 45;
const SILENT_MAX_DBFS = -50;
/** Silences shorter than this are inside speech (stop closures, short breaths). */
export const PAUSE_SECONDS = 0.15;
/** The M3: silent spans of at least 300 ms. */
export const SILENT_SPAN_SECONDS = 0.3;

function rmsDb(samples: Float32Array, from: number, to: number): number {
  const lo = Math.max(0, from);
  const hi = Math.min(samples.length, to);
  if (hi <= lo) return -Infinity;
  let sum = 0;
  for (let i = lo; i < hi; i++) sum += samples[i] * samples[i];
  // Full-scale sine = −3 dBFS, like the engine's features, so numbers can be compared.
  return 10 * Math.log10(sum / (hi - lo));
}

/** Silent runs of at least `minSeconds`, from 10 ms hops. */
export function findSilences(samples: Float32Array, sampleRate: number, minSeconds: number): Span[] {
  const hop = Math.max(1, Math.round(sampleRate * HOP_SECONDS));
  const hops = Math.ceil(samples.length / hop);
  const level = new Float32Array(hops);
  let peak = -Infinity;
  for (let h = 0; h < hops; h++) {
    level[h] = rmsDb(samples, h * hop, (h + 1) * hop);
    peak = Math.max(peak, level[h]);
  }
  const threshold = Math.min(SILENT_MAX_DBFS, peak - SILENT_BELOW_PEAK_DB);
  const spans: Span[] = [];
  let runStart = -1;
  for (let h = 0; h <= hops; h++) {
    const silent = h < hops && level[h] < threshold;
    if (silent && runStart < 0) runStart = h;
    if (!silent && runStart >= 0) {
      const start = (runStart * hop) / sampleRate;
      const end = Math.min(samples.length, h * hop) / sampleRate;
      if (end - start >= minSeconds - 1e-9) spans.push({ start, end });
      runStart = -1;
    }
  }
  return spans;
}

function inSpans(t: number, spans: Span[]): boolean {
  return spans.some((s) => t >= s.start && t < s.end);
}

export function audioTimeline(samples: Float32Array, sampleRate: number, fps: number, frameCount: number): AudioTimeline {
  const half = Math.round((ENVELOPE_WINDOW_SECONDS * sampleRate) / 2);
  const envelopeDb = new Float32Array(frameCount);
  let peak = -Infinity;
  for (let k = 0; k < frameCount; k++) {
    const centre = Math.round((k / fps) * sampleRate);
    envelopeDb[k] = rmsDb(samples, centre - half, centre + half);
    peak = Math.max(peak, envelopeDb[k]);
  }
  const floor = Number.isFinite(peak) ? peak - ENVELOPE_RANGE_DB : -100;
  for (let k = 0; k < frameCount; k++) envelopeDb[k] = Math.max(floor, envelopeDb[k]);

  const pauses = findSilences(samples, sampleRate, PAUSE_SECONDS);
  const silentSpans = pauses.filter((s) => s.end - s.start >= SILENT_SPAN_SECONDS - 1e-9);
  const durationSeconds = samples.length / sampleRate;
  const speech = new Uint8Array(frameCount);
  for (let k = 0; k < frameCount; k++) speech[k] = k / fps < durationSeconds && !inSpans(k / fps, pauses) ? 1 : 0;
  return { fps, frameCount, envelopeDb, speech, silentSpans, pauses, durationSeconds };
}
