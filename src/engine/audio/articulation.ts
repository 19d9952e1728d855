// Per-hop articulation targets: how open the jaw should be, how spread or rounded the lips are,
// and where the lips meet (m, b, p) or the lower lip tucks under the teeth (f, v). Works on the
// 10 ms feature tracks; timing, smoothing and the video frame grid are the caller's business.

import { findConsonants, HopClass, SIBILANT_HIGH_RATIO, type ConsonantEvent } from './consonants.js';
import type { SpeechFeatures } from './features.js';
import { clamp01, median3, percentile, runsOf } from './signal.js';
import type { VoiceActivity } from './voice-activity.js';

const VOICED = 0.5;
/** F1 of the most closed (i, u) and most open (a) vowels, Hz, for the openness scale. */
const F1_CLOSED_HZ = 280;
const F1_OPEN_HZ = 750;
/**
 * Share of the opening a closed vowel (i, u) still gets at full loudness; the rest comes from F1.
 * Vowel quality sets how the mouth is shaped more than how far it opens: at 0.35 a loud 'u' hardly
 * parted the lips as a detector sees them (the lab harness read it as closed on a tilted face)
 * while the sound was as loud as an 'a'.
 */
const CLOSED_VOWEL_OPENING = 0.6;
/** The opening follows the level in dB linearly (1); > 1 would open quiet stretches less than proportionally. */
const LOUDNESS_EXPONENT = 1;
/** The loudness scale spans at least this many dB, so one steady vowel still opens fully. */
const MIN_LOUDNESS_RANGE_DB = 20;
/** f/v keep the jaw nearly closed: the lower lip tucks under the teeth. */
const LABIODENTAL_OPENING = 0.25;
/** F2 from which lips start to spread (e) and at which they are fully spread (i), Hz. */
const SPREAD_F2_FROM_HZ = 1500;
const SPREAD_F2_FULL_HZ = 2100;
/** F2 below which lips start to round (o) and are fully rounded (u), Hz … */
const ROUND_F2_FROM_HZ = 1350;
const ROUND_F2_FULL_HZ = 900;
/** … scaled down as F1 rises, since a low F2 with an open jaw is 'a', not a rounded vowel. */
const ROUND_F1_FULL_HZ = 370;
const ROUND_F1_NONE_HZ = 620;
const SIBILANT_SPREAD = 0.3;

export interface ArticulationTargets {
  /** Unsmoothed jaw opening per hop, 0..1 (not yet normalised to the clip's widest). */
  jaw: Float32Array;
  /** −1 rounded … +1 spread per hop. */
  spread: Float32Array;
  bilabials: ConsonantEvent[];
  labiodentals: ConsonantEvent[];
}

export function articulationTargets(features: SpeechFeatures, activity: VoiceActivity): ArticulationTargets {
  const consonants = findConsonants(features, activity);
  const f1 = median3(features.f1Hz);
  const f2 = median3(features.f2Hz);
  return {
    jaw: jawTargets(features, activity, f1, consonants.classes),
    spread: spreadTargets(features, activity, f1, f2, consonants.classes),
    bilabials: consonants.bilabials,
    labiodentals: consonants.labiodentals,
  };
}

/**
 * Loudness (normalised on this clip's speech hops: 10th–95th percentile) times vowel openness from
 * F1: 'a' opens most, 'i'/'u' least. Unvoiced hops have no F1 and get the closed-vowel weight;
 * closures get nothing (the smoothing decides how far the jaw actually travels).
 */
function jawTargets(
  features: SpeechFeatures,
  activity: VoiceActivity,
  f1: Float32Array,
  classes: Uint8Array,
): Float32Array {
  const n = features.frameCount;
  const jaw = new Float32Array(n);
  if (activity.speechHops === 0) return jaw;
  const highDb = percentile(features.logRms, 0.95, activity.core);
  const lowDb = Math.min(percentile(features.logRms, 0.1, activity.core), highDb - MIN_LOUDNESS_RANGE_DB);
  for (let i = 0; i < n; i++) {
    const kind = classes[i];
    if (!activity.active[i] || kind === HopClass.Gap || kind === HopClass.Murmur) continue;
    const loudness = clamp01((features.logRms[i] - lowDb) / (highDb - lowDb));
    const voiced = features.voicing[i] >= VOICED && f1[i] > 0;
    const openness = voiced ? clamp01((f1[i] - F1_CLOSED_HZ) / (F1_OPEN_HZ - F1_CLOSED_HZ)) : 0;
    const target = Math.pow(loudness, LOUDNESS_EXPONENT) * (CLOSED_VOWEL_OPENING + (1 - CLOSED_VOWEL_OPENING) * openness);
    jaw[i] = kind === HopClass.Labiodental ? LABIODENTAL_OPENING * target : target;
  }
  return jaw;
}

/**
 * Spread from F2 (front vowels i/e → high F2), rounding from low F2 together with low F1 (o/u);
 * open 'a' (low F2 but high F1) stays neutral. Consonants inherit the neighbouring vowels' shape
 * (coarticulation): closures, murmurs and frication carry no usable formants. s spreads a little.
 */
function spreadTargets(
  features: SpeechFeatures,
  activity: VoiceActivity,
  f1: Float32Array,
  f2: Float32Array,
  classes: Uint8Array,
): Float32Array {
  const n = features.frameCount;
  const spread = new Float32Array(n);
  const known = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!activity.active[i]) continue;
    if (classes[i] === HopClass.Other && features.voicing[i] >= VOICED && f1[i] > 0 && f2[i] > 0) {
      const spreading = clamp01((f2[i] - SPREAD_F2_FROM_HZ) / (SPREAD_F2_FULL_HZ - SPREAD_F2_FROM_HZ));
      const rounding =
        clamp01((ROUND_F2_FROM_HZ - f2[i]) / (ROUND_F2_FROM_HZ - ROUND_F2_FULL_HZ)) *
        clamp01((ROUND_F1_NONE_HZ - f1[i]) / (ROUND_F1_NONE_HZ - ROUND_F1_FULL_HZ));
      spread[i] = spreading - rounding;
      known[i] = 1;
    } else if (classes[i] === HopClass.Sibilant && features.highBandRatio[i] >= SIBILANT_HIGH_RATIO) {
      spread[i] = SIBILANT_SPREAD;
      known[i] = 1;
    }
  }
  fillFromNeighbours(spread, known, activity.active);
  return spread;
}

/** Linear interpolation across unknown hops inside each active run; rest stays neutral (0). */
function fillFromNeighbours(values: Float32Array, known: Uint8Array, active: Uint8Array): void {
  for (const [start, end] of runsOf(active)) {
    let previous = -1;
    for (let i = start; i < end; i++) {
      if (!known[i]) continue;
      if (previous < 0) values.fill(values[i], start, i);
      else for (let j = previous + 1; j < i; j++) values[j] = values[previous] + ((values[i] - values[previous]) * (j - previous)) / (i - previous);
      previous = i;
    }
    if (previous >= 0) values.fill(values[previous], previous + 1, end);
  }
}
