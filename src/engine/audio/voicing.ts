// Voicing strength per analysis hop: the peak of the normalised cross-correlation (NCCF, as in
// RAPT) over pitch lags 70–400 Hz. Periodic (voiced) frames score near 1, noise and silence near 0.
// Runs on a copy decimated to ~8 kHz: pitch periodicity lives below 4 kHz and it quarters the cost.

const PITCH_MIN_HZ = 70;
const PITCH_MAX_HZ = 400;
const CORRELATION_WINDOW_S = 0.02;
/** Frames quieter than this (mean square) carry no usable periodicity. */
const MIN_ENERGY = 1e-10;

export function voicingPerHop(
  samples: Float32Array,
  sampleRate: number,
  hopSamples: number,
  hopCount: number,
): Float32Array {
  const factor = Math.max(1, Math.floor(sampleRate / 8000));
  const rate = sampleRate / factor;
  const signal = factor > 1 ? decimate(samples, factor) : Float64Array.from(samples);
  const prefix = new Float64Array(signal.length + 1);
  for (let i = 0; i < signal.length; i++) prefix[i + 1] = prefix[i] + signal[i] * signal[i];

  const length = Math.round(CORRELATION_WINDOW_S * rate);
  const minLag = Math.max(1, Math.floor(rate / PITCH_MAX_HZ));
  const maxLag = Math.ceil(rate / PITCH_MIN_HZ);
  const out = new Float32Array(hopCount);
  for (let h = 0; h < hopCount; h++) {
    const centre = (h * hopSamples) / factor;
    const start = Math.round(centre - (length + maxLag) / 2);
    if (start < 0 || start + length + maxLag > signal.length) {
      out[h] = edgeVoicing(signal, prefix, start, length, minLag, maxLag);
      continue;
    }
    out[h] = peakCorrelation(signal, prefix, start, length, minLag, maxLag);
  }
  return out;
}

/** At the clip edges, shrink the lag range to what fits instead of reading past the ends. */
function edgeVoicing(
  signal: Float64Array,
  prefix: Float64Array,
  start: number,
  length: number,
  minLag: number,
  maxLag: number,
): number {
  const s = Math.max(0, start);
  const fitLag = Math.min(maxLag, signal.length - s - length);
  if (fitLag < minLag) return 0;
  return peakCorrelation(signal, prefix, s, length, minLag, fitLag);
}

function peakCorrelation(
  signal: Float64Array,
  prefix: Float64Array,
  start: number,
  length: number,
  minLag: number,
  maxLag: number,
): number {
  const e0 = prefix[start + length] - prefix[start];
  if (e0 / length < MIN_ENERGY) return 0;
  let best = 0;
  for (let lag = minLag; lag <= maxLag; lag++) {
    const el = prefix[start + lag + length] - prefix[start + lag];
    if (el / length < MIN_ENERGY) continue;
    let sum = 0;
    for (let n = start, end = start + length; n < end; n++) sum += signal[n] * signal[n + lag];
    const value = sum / Math.sqrt(e0 * el);
    if (value > best) best = value;
  }
  return Math.min(1, best);
}

/** Windowed-sinc low-pass at 0.45 of the new Nyquist, then keep every `factor`-th sample. */
function decimate(samples: Float32Array, factor: number): Float64Array {
  const taps = 8 * factor + 1;
  const half = (taps - 1) / 2;
  const cutoff = 0.9 / (2 * factor); // cycles per input sample
  const kernel = new Float64Array(taps);
  let sum = 0;
  for (let i = 0; i < taps; i++) {
    const x = i - half;
    const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
    const blackman = 0.42 - 0.5 * Math.cos((2 * Math.PI * i) / (taps - 1)) + 0.08 * Math.cos((4 * Math.PI * i) / (taps - 1));
    kernel[i] = sinc * blackman;
    sum += kernel[i];
  }
  for (let i = 0; i < taps; i++) kernel[i] /= sum;
  const out = new Float64Array(Math.floor(samples.length / factor));
  for (let o = 0; o < out.length; o++) {
    const centre = o * factor;
    let acc = 0;
    for (let i = 0; i < taps; i++) {
      const n = centre + i - half;
      if (n >= 0 && n < samples.length) acc += kernel[i] * samples[n];
    }
    out[o] = acc;
  }
  return out;
}
