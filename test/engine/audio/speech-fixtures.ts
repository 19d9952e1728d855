// Test signals for the audio analysis: synthetic vowels (harmonic source shaped by formant
// resonances), silence, noise, and real espeak-ng speech from committed recordings, decoded to
// 16 kHz mono float with the bundled ffmpeg. Everything is deterministic.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const RATE = 16000;

export interface VowelOptions {
  /** Formant frequencies in Hz (F1, F2, …); F3/F4 default to 2600/3500 when not given. */
  formants: number[];
  durationS: number;
  /** Peak amplitude of the result, 0..1. */
  peak?: number;
  f0?: number;
}

/**
 * A vowel-like harmonic complex: glottal-ish source (−6 dB/octave harmonics up to 7.5 kHz, a gentle
 * 4 Hz vibrato) through second-order resonances at the formants, with 10 ms fades at each end.
 */
export function vowel({ formants, durationS, peak = 0.5, f0 = 120 }: VowelOptions): Float32Array {
  const n = Math.round(durationS * RATE);
  const out = new Float32Array(n);
  const allFormants = [...formants];
  if (allFormants.length < 3) allFormants.push(2600);
  if (allFormants.length < 4) allFormants.push(3500);
  const bandwidth = (i: number): number => (i === 0 ? 80 : i === 1 ? 100 : 150);
  const gain = (f: number): number => {
    let g = 1;
    allFormants.forEach((fc, i) => {
      const b = bandwidth(i);
      g *= (fc * fc) / Math.sqrt((fc * fc - f * f) ** 2 + (f * b) ** 2);
    });
    return g;
  };
  const harmonics = Math.floor(7500 / f0);
  const amplitudes = Array.from({ length: harmonics }, (_, i) => gain((i + 1) * f0) / (i + 1));
  let phase = 0;
  for (let t = 0; t < n; t++) {
    phase += (2 * Math.PI * f0 * (1 + 0.02 * Math.sin((2 * Math.PI * 4 * t) / RATE))) / RATE;
    let acc = 0;
    for (let k = 0; k < harmonics; k++) acc += amplitudes[k] * Math.sin((k + 1) * phase);
    out[t] = acc;
  }
  normalisePeak(out, peak);
  fade(out, Math.round(0.01 * RATE));
  return out;
}

export function silence(durationS: number): Float32Array {
  return new Float32Array(Math.round(durationS * RATE));
}

/** Uniform white noise at the given RMS level in dBFS (deterministic seed). */
export function whiteNoise(durationS: number, rmsDb: number, seed = 1): Float32Array {
  const out = new Float32Array(Math.round(durationS * RATE));
  const amplitude = Math.pow(10, rmsDb / 20) * Math.sqrt(3);
  let state = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = ((state / 4294967296) * 2 - 1) * amplitude;
  }
  return out;
}

export function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function sine(durationS: number, hz: number, amplitude: number): Float32Array {
  const out = new Float32Array(Math.round(durationS * RATE));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * hz * i) / RATE);
  return out;
}

function normalisePeak(samples: Float32Array, peak: number): void {
  let max = 0;
  for (const s of samples) max = Math.max(max, Math.abs(s));
  if (max > 0) for (let i = 0; i < samples.length; i++) samples[i] *= peak / max;
}

function fade(samples: Float32Array, length: number): void {
  for (let i = 0; i < length && i < samples.length; i++) {
    const g = 0.5 - 0.5 * Math.cos((Math.PI * i) / length);
    samples[i] *= g;
    samples[samples.length - 1 - i] *= g;
  }
}

const ffmpegPath: string = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
const spoken = new Map<string, Float32Array>();
const recordedDir = fileURLToPath(new URL('../../fixtures/espeak/', import.meta.url));

/** File name of a phrase's recording under test/fixtures/espeak (made by scripts/make-fixtures.sh). */
export function espeakFixtureName(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') + '.flac';
}

/**
 * Real speech: espeak-ng's English voice saying `text`, as 16 kHz mono float. The recordings are
 * committed (lossless FLAC) so the tests need no speech synthesiser; scripts/make-fixtures.sh
 * makes them. `padS` seconds of silence are added at both ends, as real recordings have.
 */
export function espeak(text: string, padS = 0.3): Float32Array {
  const key = `${text}|${padS}`;
  const cached = spoken.get(key);
  if (cached) return cached;
  const recording = join(recordedDir, espeakFixtureName(text));
  if (!existsSync(recording)) throw new Error(`missing fixture ${recording}: run scripts/make-fixtures.sh`);
  const padded = concat(silence(padS), decodeMono(recording), silence(padS));
  spoken.set(key, padded);
  return padded;
}

const fixturesDir = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** A speech file under test/fixtures (e.g. 'bilabials.wav'), as 16 kHz mono float, unpadded. */
export function fixtureSpeech(relativePath: string): Float32Array {
  const key = `fixture:${relativePath}`;
  const cached = spoken.get(key);
  if (cached) return cached;
  const samples = decodeMono(join(fixturesDir, relativePath));
  spoken.set(key, samples);
  return samples;
}

/** The JSON beside a syllable fixture: every syllable's start and, for m/b/p/f/v, its consonant onset. */
export interface SyllableTimings {
  syllables: Array<{ syllable: string; consonant: string; place: string; start: number; end: number; consonantTime?: number }>;
}

export function fixtureTimings(relativePath: string): SyllableTimings {
  return JSON.parse(readFileSync(join(fixturesDir, relativePath), 'utf8')) as SyllableTimings;
}

function decodeMono(path: string): Float32Array {
  const dir = mkdtempSync(join(tmpdir(), 'mouthpiece-speech-'));
  try {
    const raw = join(dir, 'speech.f32');
    execFileSync(ffmpegPath, ['-loglevel', 'error', '-y', '-i', path, '-ac', '1', '-ar', String(RATE), '-f', 'f32le', raw]);
    const bytes = readFileSync(raw);
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Number of video frames that exactly covers `samples` at `fps`. */
export function framesFor(samples: Float32Array, fps: number): number {
  return Math.ceil((samples.length / RATE) * fps);
}
