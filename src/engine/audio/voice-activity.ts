// Voice activity per 10 ms hop: per-clip level normalisation, dual-threshold hysteresis, a voicing
// check per segment, bridging of short pauses and a hangover. Thresholds are relative to the clip's
// own floor and peak so a quiet recording and a loud one give the same segmentation.

import { SILENCE_DB, type SpeechFeatures } from './features.js';
import { movingAverage, percentile, runsOf } from './signal.js';

/** A clip whose loudest 50 ms stays below this (dBFS) is treated as silence or faint hiss. */
const MIN_PEAK_DB = -60;
/** Speech starts this far above the noise floor … */
const ON_ABOVE_FLOOR_DB = 12;
/** … but never more than this far below the clip's peak (quiet consonants must still count). */
const ON_BELOW_PEAK_DB = 40;
/** Hysteresis: once in speech, stay until the level falls this far under the entry threshold. */
const HYSTERESIS_DB = 8;
const VOICED = 0.5;
/** A segment needs this many voiced hops (30 ms) to be speech rather than a click or hiss. */
const MIN_VOICED_HOPS = 3;
/** Pauses shorter than this are bridged: the mouth must not snap to rest inside a phrase. */
export const MIN_PAUSE_S = 0.15;
const HANGOVER_S = 0.04;
/** assertHasSpeech needs this much detected speech. */
export const MIN_SPEECH_S = 0.2;

export interface ClipLevels {
  /** 10th percentile of the 30 ms-smoothed log-RMS: the background. */
  floorDb: number;
  /** Loudest 50 ms of the clip. */
  peakDb: number;
  onDb: number;
  offDb: number;
}

export interface VoiceActivity {
  levels: ClipLevels;
  /** Hops detected as speech by level + voicing, before pause bridging and hangover. */
  core: Uint8Array;
  /** `core` with pauses < MIN_PAUSE_S bridged and a hangover added: what the mouth follows. */
  active: Uint8Array;
  /** Number of core hops. */
  speechHops: number;
}

export function detectVoiceActivity(features: SpeechFeatures): VoiceActivity {
  const n = features.frameCount;
  const level = movingAverage(features.logRms, 1);
  const levels = clipLevels(features.logRms, level);
  const core = new Uint8Array(n);
  if (n === 0 || levels.peakDb < MIN_PEAK_DB) return { levels, core, active: new Uint8Array(n), speechHops: 0 };

  // Dual threshold: seeds above onDb grow in both directions while the level stays above offDb.
  for (const [start, end] of runsOf(thresholdMask(level, levels.onDb))) {
    let s = start;
    let e = end;
    while (s > 0 && level[s - 1] >= levels.offDb) s--;
    while (e < n && level[e] >= levels.offDb) e++;
    core.fill(1, s, e);
  }
  dropUnvoicedSegments(core, features.voicing);

  const hop = features.hopSeconds;
  const active = Uint8Array.from(core);
  bridgeShortPauses(active, Math.round(MIN_PAUSE_S / hop));
  addHangover(active, Math.round(HANGOVER_S / hop));
  let speechHops = 0;
  for (let i = 0; i < n; i++) speechHops += core[i];
  return { levels, core, active, speechHops };
}

function clipLevels(logRms: Float32Array, level: Float32Array): ClipLevels {
  if (logRms.length === 0) return { floorDb: SILENCE_DB, peakDb: SILENCE_DB, onDb: 0, offDb: 0 };
  const floorDb = percentile(level, 0.1);
  let peakDb = -Infinity;
  const wide = movingAverage(logRms, 2);
  for (let i = 0; i < wide.length; i++) if (wide[i] > peakDb) peakDb = wide[i];
  // min(): a clip with no pauses has floor ≈ peak; speech must still register below its peak.
  const onDb = Math.max(Math.min(floorDb + ON_ABOVE_FLOOR_DB, peakDb - 6), peakDb - ON_BELOW_PEAK_DB);
  const offDb = Math.max(onDb - HYSTERESIS_DB, Math.min(floorDb + 4, onDb - 1));
  return { floorDb, peakDb, onDb, offDb };
}

function thresholdMask(level: Float32Array, threshold: number): Uint8Array {
  const mask = new Uint8Array(level.length);
  for (let i = 0; i < level.length; i++) mask[i] = level[i] >= threshold ? 1 : 0;
  return mask;
}

function dropUnvoicedSegments(mask: Uint8Array, voicing: Float32Array): void {
  for (const [start, end] of runsOf(mask)) {
    let voiced = 0;
    for (let i = start; i < end; i++) if (voicing[i] >= VOICED) voiced++;
    if (voiced < MIN_VOICED_HOPS) mask.fill(0, start, end);
  }
}

function bridgeShortPauses(mask: Uint8Array, maxGap: number): void {
  const runs = runsOf(mask);
  for (let r = 1; r < runs.length; r++) {
    const gapStart = runs[r - 1][1];
    const gapEnd = runs[r][0];
    if (gapEnd - gapStart < maxGap) mask.fill(1, gapStart, gapEnd);
  }
}

function addHangover(mask: Uint8Array, hops: number): void {
  for (const [, end] of runsOf(mask)) mask.fill(1, end, Math.min(mask.length, end + hops));
}
