// Short-time speech features on a 10 ms hop with a 25 ms window: loudness, band balance, voicing
// and formants. Hop h is centred on sample h·hop, so feature index × 10 ms is its time in the clip.
// Everything downstream (voice activity, mouth targets) reads only these arrays.

import { FftPlan, nextPowerOfTwo } from './fft.js';
import { FormantTracker, type FormantEstimate } from './formants.js';
import { voicingPerHop } from './voicing.js';

export const HOP_SECONDS = 0.01;
export const WINDOW_SECONDS = 0.025;
/**
 * The fine level track: 2 ms hops over 4 ms windows. The 25 ms analysis window blurs an onset over
 * ±12 ms, too coarse to place a lip release on a 40 ms video frame grid.
 */
export const FINE_HOP_SECONDS = 0.002;
const FINE_WINDOW_SECONDS = 0.004;
/** dB value reported for digital silence (keeps the arrays finite). */
export const SILENCE_DB = -100;

/** Band edges in Hz. Nasal murmur: strong < 400 Hz, weak 800–2500 Hz; sibilants/frication > 4 kHz. */
const BANDS = {
  lowMin: 60,
  lowMax: 400,
  midMin: 800,
  midMax: 2500,
  highMin: 4000,
} as const;

const PRE_EMPHASIS = 0.97;

export interface SpeechFeatures {
  sampleRate: number;
  /** Seconds between consecutive feature frames (0.01). Frame h is centred at h·hopSeconds. */
  hopSeconds: number;
  frameCount: number;
  /** Log-RMS energy in dBFS (a full-scale sine is −3 dB); digital silence is SILENCE_DB. */
  logRms: Float32Array;
  /** Level (dB, same scale as logRms) of 60–400 Hz: voicing bar, nasal murmur. */
  lowBandDb: Float32Array;
  /** Level of 800–2500 Hz: the F2 region that collapses during lip closure. */
  midBandDb: Float32Array;
  /** Level above 4 kHz: frication and bursts. */
  highBandDb: Float32Array;
  /** Energy above 4 kHz / energy above 60 Hz, 0..1. */
  highBandRatio: Float32Array;
  /** lowBandDb − midBandDb: large for nasal murmurs and voice bars, small or negative for vowels. */
  nasalRatioDb: Float32Array;
  /** Spectral centroid above 60 Hz, Hz. */
  centroidHz: Float32Array;
  /** 0..1 peak normalised autocorrelation over pitch lags; > ~0.5 means voiced. */
  voicing: Float32Array;
  /** Zero crossings per sample, 0..1. */
  zeroCrossingRate: Float32Array;
  /** LPC formant estimates in Hz, 0 where none was found. Meaningful on voiced frames only. */
  f1Hz: Float32Array;
  f2Hz: Float32Array;
  /** Seconds between fine level frames (0.002). Fine frame j is centred at j·fineHopSeconds. */
  fineHopSeconds: number;
  /** Log-RMS (dBFS) over 4 ms windows every 2 ms: where exactly a burst or a voice starts. */
  fineLogRms: Float32Array;
}

export function speechFeatures(samples: Float32Array, sampleRate: number): SpeechFeatures {
  if (!(sampleRate >= 4000)) throw new RangeError(`sample rate too low for speech analysis: ${sampleRate}`);
  const hop = Math.round(sampleRate * HOP_SECONDS);
  const frameCount = samples.length === 0 ? 0 : Math.ceil(samples.length / hop);
  const signal = removeDc(samples);
  const features = allocate(sampleRate, frameCount);
  features.voicing.set(voicingPerHop(signal, sampleRate, hop, frameCount));
  new FrameAnalyser(sampleRate).run(signal, hop, features);
  features.fineLogRms = fineLevels(signal, sampleRate);
  return features;
}

/** Log-RMS over short rectangular windows (FINE_WINDOW_SECONDS) every FINE_HOP_SECONDS. */
function fineLevels(signal: Float32Array, sampleRate: number): Float32Array {
  const hop = Math.max(1, Math.round(sampleRate * FINE_HOP_SECONDS));
  const half = Math.max(1, Math.round((sampleRate * FINE_WINDOW_SECONDS) / 2));
  const count = signal.length === 0 ? 0 : Math.ceil(signal.length / hop);
  const out = new Float32Array(count);
  for (let j = 0; j < count; j++) {
    const from = Math.max(0, j * hop - half);
    const to = Math.min(signal.length, j * hop + half);
    let sum = 0;
    for (let i = from; i < to; i++) sum += signal[i] * signal[i];
    out[j] = toDb(sum / (2 * half));
  }
  return out;
}

function allocate(sampleRate: number, frameCount: number): SpeechFeatures {
  const array = (): Float32Array => new Float32Array(frameCount);
  return {
    sampleRate,
    hopSeconds: HOP_SECONDS,
    frameCount,
    logRms: array(),
    lowBandDb: array(),
    midBandDb: array(),
    highBandDb: array(),
    highBandRatio: array(),
    nasalRatioDb: array(),
    centroidHz: array(),
    voicing: array(),
    zeroCrossingRate: array(),
    f1Hz: array(),
    f2Hz: array(),
    fineHopSeconds: FINE_HOP_SECONDS,
    fineLogRms: new Float32Array(0),
  };
}

/** One-pole DC blocker (corner ≈ 10 Hz): offsets and rumble must not read as loudness or voicing. */
function removeDc(samples: Float32Array): Float32Array {
  const out = new Float32Array(samples.length);
  let prevIn = 0;
  let prevOut = 0;
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i];
    prevOut = x - prevIn + 0.996 * prevOut;
    prevIn = x;
    out[i] = prevOut;
  }
  return out;
}

function toDb(power: number): number {
  return power > 1e-10 ? 10 * Math.log10(power) : SILENCE_DB;
}

/** Per-frame spectral work with every buffer, window and bin range prepared once per clip. */
class FrameAnalyser {
  private readonly length: number;
  private readonly hann: Float64Array;
  private readonly hamming: Float64Array;
  private readonly plan: FftPlan;
  private readonly raw: Float64Array;
  private readonly lpcFrame: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly powerScale: number;
  private readonly binHz: number;
  private readonly bins: { lowMin: number; lowMax: number; midMin: number; midMax: number; highMin: number; top: number };
  private readonly formants: FormantTracker;
  private readonly formant: FormantEstimate = { f1: 0, f2: 0 };

  constructor(sampleRate: number) {
    this.length = Math.round(sampleRate * WINDOW_SECONDS);
    this.hann = new Float64Array(this.length);
    this.hamming = new Float64Array(this.length);
    let hannEnergy = 0;
    for (let n = 0; n < this.length; n++) {
      const phase = (2 * Math.PI * n) / (this.length - 1);
      this.hann[n] = 0.5 - 0.5 * Math.cos(phase);
      this.hamming[n] = 0.54 - 0.46 * Math.cos(phase);
      hannEnergy += this.hann[n] * this.hann[n];
    }
    this.plan = new FftPlan(nextPowerOfTwo(this.length));
    const size = this.plan.size;
    this.raw = new Float64Array(this.length);
    this.lpcFrame = new Float64Array(this.length);
    this.re = new Float64Array(size);
    this.im = new Float64Array(size);
    // Parseval: one-sided bin power × this = the band's share of the frame's mean square.
    this.powerScale = 2 / (size * hannEnergy);
    this.binHz = sampleRate / size;
    const bin = (hz: number): number => Math.min(size / 2, Math.max(1, Math.round(hz / this.binHz)));
    this.bins = {
      lowMin: bin(BANDS.lowMin),
      lowMax: bin(BANDS.lowMax),
      midMin: bin(BANDS.midMin),
      midMax: bin(BANDS.midMax),
      highMin: bin(BANDS.highMin),
      top: size / 2,
    };
    this.formants = new FormantTracker(sampleRate);
  }

  run(signal: Float32Array, hop: number, out: SpeechFeatures): void {
    const half = Math.floor(this.length / 2);
    for (let h = 0; h < out.frameCount; h++) {
      this.load(signal, h * hop - half);
      const meanSquare = this.loudnessAndCrossings(out, h);
      if (meanSquare <= 1e-10) {
        this.markSilent(out, h);
        continue;
      }
      this.spectrum(out, h);
      this.formantsOf(out, h);
    }
  }

  private load(signal: Float32Array, start: number): void {
    const raw = this.raw;
    for (let n = 0; n < this.length; n++) {
      const i = start + n;
      raw[n] = i >= 0 && i < signal.length ? signal[i] : 0;
    }
  }

  private loudnessAndCrossings(out: SpeechFeatures, h: number): number {
    const raw = this.raw;
    let sum = 0;
    let crossings = 0;
    for (let n = 0; n < this.length; n++) {
      sum += raw[n] * raw[n];
      if (n > 0 && raw[n] >= 0 !== raw[n - 1] >= 0) crossings++;
    }
    const meanSquare = sum / this.length;
    out.logRms[h] = toDb(meanSquare);
    out.zeroCrossingRate[h] = crossings / (this.length - 1);
    return meanSquare;
  }

  private markSilent(out: SpeechFeatures, h: number): void {
    out.lowBandDb[h] = SILENCE_DB;
    out.midBandDb[h] = SILENCE_DB;
    out.highBandDb[h] = SILENCE_DB;
    out.highBandRatio[h] = 0;
    out.nasalRatioDb[h] = 0;
    out.centroidHz[h] = 0;
    out.voicing[h] = 0;
    out.f1Hz[h] = 0;
    out.f2Hz[h] = 0;
  }

  private spectrum(out: SpeechFeatures, h: number): void {
    const { re, im, raw, hann, bins } = this;
    re.fill(0);
    im.fill(0);
    for (let n = 0; n < this.length; n++) re[n] = raw[n] * hann[n];
    this.plan.forward(re, im);
    let low = 0;
    let mid = 0;
    let high = 0;
    let total = 0;
    let weighted = 0;
    for (let k = bins.lowMin; k <= bins.top; k++) {
      const p = (re[k] * re[k] + im[k] * im[k]) * this.powerScale;
      total += p;
      weighted += p * k;
      if (k < bins.lowMax) low += p;
      if (k >= bins.midMin && k < bins.midMax) mid += p;
      if (k >= bins.highMin) high += p;
    }
    out.lowBandDb[h] = toDb(low);
    out.midBandDb[h] = toDb(mid);
    out.highBandDb[h] = toDb(high);
    out.highBandRatio[h] = total > 0 ? high / total : 0;
    out.nasalRatioDb[h] = out.lowBandDb[h] - out.midBandDb[h];
    out.centroidHz[h] = total > 0 ? (weighted / total) * this.binHz : 0;
  }

  private formantsOf(out: SpeechFeatures, h: number): void {
    const { raw, lpcFrame, hamming } = this;
    lpcFrame[0] = raw[0] * hamming[0];
    for (let n = 1; n < this.length; n++) lpcFrame[n] = (raw[n] - PRE_EMPHASIS * raw[n - 1]) * hamming[n];
    this.formants.estimate(lpcFrame, this.formant);
    out.f1Hz[h] = this.formant.f1;
    out.f2Hz[h] = this.formant.f2;
  }
}
