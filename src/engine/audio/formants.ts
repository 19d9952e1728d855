// First and second formant estimates (F1 ≈ jaw openness, F2 ≈ tongue front/back and lip rounding)
// from a linear-prediction (LPC) envelope. The envelope 1/|A(e^jω)|² is sampled with the FFT and
// its peaks are picked; root solving would give bandwidths too, but peak picking is cheaper,
// deterministic, and good enough for the coarse openness/rounding cues the mouth needs.

import { FftPlan } from './fft.js';

/** Lowest F1 accepted: peaks below model the glottal source, not the vocal tract. */
const F1_MIN_HZ = 200;
const F1_MAX_HZ = 1100;
const F2_MAX_HZ = 3200;
/** F2 must sit at least this far above F1 to count as a separate resonance. */
const F2_MIN_GAP_HZ = 200;
const F2_MIN_HZ = 600;

export interface FormantEstimate {
  f1: number;
  f2: number;
}

/** Reusable per-clip state so the per-frame call allocates nothing. */
export class FormantTracker {
  readonly order: number;
  private readonly sampleRate: number;
  private readonly plan: FftPlan;
  private readonly autocorr: Float64Array;
  private readonly coeffs: Float64Array;
  private readonly previous: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly envelopeDb: Float64Array;

  constructor(sampleRate: number, envelopeSize = 512) {
    this.sampleRate = sampleRate;
    // Rule of thumb: one pole pair per kHz of bandwidth plus two for glottal/radiation tilt.
    this.order = Math.min(24, Math.round(sampleRate / 1000) + 2);
    this.plan = new FftPlan(envelopeSize);
    this.autocorr = new Float64Array(this.order + 1);
    this.coeffs = new Float64Array(this.order + 1);
    this.previous = new Float64Array(this.order + 1);
    this.re = new Float64Array(envelopeSize);
    this.im = new Float64Array(envelopeSize);
    this.envelopeDb = new Float64Array(envelopeSize / 2 + 1);
  }

  /**
   * Estimates F1/F2 of one analysis frame that is already pre-emphasised and windowed.
   * Returns zeros where no plausible formant peak exists (silence, noise).
   */
  estimate(frame: Float64Array, out: FormantEstimate): void {
    out.f1 = 0;
    out.f2 = 0;
    const p = this.order;
    const r = this.autocorr;
    for (let lag = 0; lag <= p; lag++) {
      let sum = 0;
      for (let n = lag; n < frame.length; n++) sum += frame[n] * frame[n - lag];
      r[lag] = sum;
    }
    if (r[0] <= 1e-12) return;
    // Lag window (slight bandwidth widening) and white-noise floor keep Levinson stable.
    r[0] *= 1 + 1e-4;
    for (let lag = 1; lag <= p; lag++) {
      const g = (2 * Math.PI * 40 * lag) / this.sampleRate;
      r[lag] *= Math.exp(-0.5 * g * g);
    }
    if (!levinsonDurbin(r, p, this.coeffs, this.previous)) return;
    this.sampleEnvelope();
    this.pickPeaks(out);
  }

  private sampleEnvelope(): void {
    const { re, im, coeffs, envelopeDb } = this;
    re.fill(0);
    im.fill(0);
    for (let k = 0; k <= this.order; k++) re[k] = coeffs[k];
    this.plan.forward(re, im);
    for (let k = 0; k < envelopeDb.length; k++) {
      envelopeDb[k] = -10 * Math.log10(re[k] * re[k] + im[k] * im[k] + 1e-12);
    }
  }

  private pickPeaks(out: FormantEstimate): void {
    const env = this.envelopeDb;
    const binHz = this.sampleRate / this.plan.size;
    const last = Math.min(env.length - 2, Math.floor(F2_MAX_HZ / binHz));
    for (let k = Math.max(1, Math.floor(F1_MIN_HZ / binHz)); k <= last; k++) {
      if (!(env[k] > env[k - 1] && env[k] >= env[k + 1])) continue;
      // Parabolic interpolation of the peak position between bins.
      const denom = env[k - 1] - 2 * env[k] + env[k + 1];
      const offset = denom < 0 ? (0.5 * (env[k - 1] - env[k + 1])) / denom : 0;
      const hz = (k + offset) * binHz;
      if (out.f1 === 0) {
        if (hz >= F1_MIN_HZ && hz <= F1_MAX_HZ) out.f1 = hz;
      } else if (hz >= F2_MIN_HZ && hz - out.f1 >= F2_MIN_GAP_HZ) {
        out.f2 = hz;
        return;
      }
    }
  }
}

/**
 * Levinson–Durbin recursion: autocorrelation r[0..order] → predictor A(z) = 1 + Σ a_k z^-k in
 * `a`. Returns false when the recursion goes unstable (numerically singular frame).
 */
function levinsonDurbin(r: Float64Array, order: number, a: Float64Array, previous: Float64Array): boolean {
  a.fill(0);
  a[0] = 1;
  let error = r[0];
  for (let i = 1; i <= order; i++) {
    let acc = r[i];
    for (let j = 1; j < i; j++) acc += a[j] * r[i - j];
    const k = -acc / error;
    if (!(Math.abs(k) < 1)) return false;
    previous.set(a);
    for (let j = 1; j < i; j++) a[j] = previous[j] + k * previous[i - j];
    a[i] = k;
    error *= 1 - k * k;
    if (error <= 0) return false;
  }
  return true;
}
