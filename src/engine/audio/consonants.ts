// Finds the consonants the lips must show: bilabial closures (m, b, p) and labiodentals (f, v).
// Each speech hop is classified against the loudest nearby vowel, then runs of hops become events.
// Place of articulation is only vetoed on strong evidence (a high-band t/d burst): a missed lip
// closure looks worse than an extra one on k or n, and formant transitions at releases proved too
// unreliable to tell them apart.

import type { SpeechFeatures } from './features.js';
import { phraseOnsetClosures, releaseOf } from './lip-release.js';
import { movingMaximum, runsOf } from './signal.js';
import type { VoiceActivity } from './voice-activity.js';

/** Consonant contrast is measured against the loudest nearby vowel within ± this window. */
const CONTEXT_S = 0.25;
/** A consonant drops the 800–2500 Hz band at least this far below the nearby vowel. */
const CONSONANT_MID_DROP_DB = 15;
/**
 * Stop gaps are near-silent: the level falls to the clip's noise floor (within GAP_ABOVE_FLOOR_DB),
 * or everything above the voice bar vanishes (mid band ≥ GAP_MID_DROP_DB under the vowel), or the
 * hop is a deep, brief valley (≥ VALLEY_DB under the sound both just before and just after it);
 * the level drops at least MIN_GAP_DROP_DB in any case (for clips without pauses, whose "floor" is
 * their quietest speech). Aspiration after a release is quieter than the vowel but keeps a mid band
 * and follows the burst, so it does not extend the closure.
 */
const GAP_ABOVE_FLOOR_DB = 6;
const GAP_MID_DROP_DB = 45;
const MIN_GAP_DROP_DB = 20;
/** A gap hop is not frication: less than this share of its energy above 4 kHz. */
const GAP_MAX_HIGH_RATIO = 0.3;
const VALLEY_DB = 25;
const VALLEY_BEFORE_S = 0.06;
const VALLEY_AFTER_S = 0.08;
/**
 * Murmurs (m, the voice bar of b) keep the low band of the nearby vowels (within
 * MURMUR_LOW_KEPT_DB) while the mid band collapses at least MURMUR_COLLAPSE_DB more than the low
 * band, low − mid ≥ MURMUR_NASAL_DB, and the level drops ≥ MURMUR_DROP_DB (measured 12–20 dB on
 * m and b). Close back vowels and glides (o→u, ee→eye) look alike spectrally but keep more level
 * or lose the low band along with the rest.
 */
const MURMUR_LOW_KEPT_DB = 12;
const MURMUR_COLLAPSE_DB = 12;
const MURMUR_NASAL_DB = 3;
const MURMUR_DROP_DB = 11;
/**
 * Oral releases are abrupt: when the lips part after a murmur the band above 800 Hz jumps at least
 * RELEASE_JUMP_DB within one 10 ms hop or RELEASE_JUMP_2_DB within two (slow speech). A murmur-like
 * stretch that fades back slowly (a close back vowel, a glide) is no lip closure.
 */
const RELEASE_JUMP_DB = 6;
const RELEASE_JUMP_2_DB = 9;
/** Frication: an audible high band (> 4 kHz, within FRICATION_AUDIBLE_DB of the vowel's level) near or above the mid band. */
const FRICATION_HIGH_MINUS_MID_DB = -5;
const FRICATION_AUDIBLE_DB = 45;
/** f/v are weak and spectrally flat; s/sh are loud, high-band dominated or peaked above 4.5 kHz. */
const WEAK_FRICATIVE_DROP_DB = 15;
export const SIBILANT_HIGH_RATIO = 0.8;
const SIBILANT_CENTROID_HZ = 4500;
/** A release burst this high-band heavy belongs to t/d (tongue tip), not to the lips. */
const ALVEOLAR_BURST_HIGH_RATIO = 0.45;
const BURST_HOPS = 4;
/** The lips part into a vowel: something within this many dB of the nearby peak, this soon. */
const RESUME_WITHIN_DB = 15;
const RESUME_S = 0.12;
/**
 * A closure lasts ≥ 20 ms with a silent gap in it (one hop will do when it is ≥ DEEP_GAP_DB under
 * the vowel: fast speech), ≥ 30 ms when it is all murmur (m and b run 40–100 ms). Shorter or
 * shallower dips are flaps (American "tata") and vowel glides.
 */
const MIN_GAP_CLOSURE_HOPS = 2;
const DEEP_GAP_DB = 40;
const MIN_MURMUR_HOPS = 3;
const MAX_SPLIT_HOPS = 2;
const MIN_LABIODENTAL_HOPS = 3;
/** Flat noise right after a stop gap is the release burst and aspiration, not an f. */
const ASPIRATION_HOPS = 5;

export const HopClass = {
  Other: 0,
  Gap: 1,
  Murmur: 2,
  Labiodental: 3,
  Sibilant: 4,
} as const;

export interface ConsonantEvent {
  /** Half-open hop range [startHop, endHop). */
  startHop: number;
  endHop: number;
  /**
   * Bilabials: when the lips part (s), placed more finely than the hops. The closure is shown on
   * every frame before it, without the lead: opening early is what makes a p look wrong.
   */
  releaseSeconds?: number;
}

export interface Consonants {
  /** HopClass per hop; Other outside speech. */
  classes: Uint8Array;
  bilabials: ConsonantEvent[];
  labiodentals: ConsonantEvent[];
}

/** Loudest level of each band within ± CONTEXT_S: the neighbouring vowel a consonant is measured against. */
interface VowelContext {
  rms: Float32Array;
  mid: Float32Array;
  low: Float32Array;
}

export function findConsonants(features: SpeechFeatures, activity: VoiceActivity): Consonants {
  const radius = Math.round(CONTEXT_S / features.hopSeconds);
  const nearby: VowelContext = {
    rms: movingMaximum(features.logRms, radius),
    mid: movingMaximum(features.midBandDb, radius),
    low: movingMaximum(features.lowBandDb, radius),
  };
  const classes = classifyHops(features, activity, nearby);
  const isOcclusion = new Uint8Array(classes.length);
  const isLabiodental = new Uint8Array(classes.length);
  for (let i = 0; i < classes.length; i++) {
    const c = classes[i];
    isOcclusion[i] = c === HopClass.Gap || c === HopClass.Murmur ? 1 : 0;
    isLabiodental[i] = c === HopClass.Labiodental ? 1 : 0;
  }
  // m + p, b after a murmur: one closure even when a transitional hop splits the runs.
  bridgeGaps(isOcclusion, MAX_SPLIT_HOPS);
  const bilabials = runsOf(isOcclusion)
    .filter(([s, e]) => isBilabialClosure(features, activity, classes, nearby.rms, s, e))
    .map(([startHop, endHop]) => releaseOf(features, { startHop, endHop }, classes[endHop - 1] === HopClass.Gap));
  bilabials.push(...phraseOnsetClosures(features, activity));
  bilabials.sort((a, b) => a.startHop - b.startHop);
  const labiodentals = runsOf(isLabiodental)
    .filter(([s, e]) => e - s >= MIN_LABIODENTAL_HOPS && !followsGap(classes, s))
    .map(([startHop, endHop]) => ({ startHop, endHop }));
  return { classes, bilabials, labiodentals };
}

function classifyHops(features: SpeechFeatures, activity: VoiceActivity, nearby: VowelContext): Uint8Array {
  const n = features.frameCount;
  const valleyBefore = Math.round(VALLEY_BEFORE_S / features.hopSeconds);
  const valleyAfter = Math.round(VALLEY_AFTER_S / features.hopSeconds);
  const classes = new Uint8Array(n);
  // Stop gaps only exist inside a phrase: before its first core hop a "gap" is the onset from rest.
  let phraseStarted = false;
  for (let i = 0; i < n; i++) {
    if (!activity.active[i]) {
      phraseStarted = false;
      continue;
    }
    const inPhrase = phraseStarted;
    if (activity.core[i]) phraseStarted = true;
    const midDrop = nearby.mid[i] - features.midBandDb[i];
    if (midDrop < CONSONANT_MID_DROP_DB) continue;
    const rmsDrop = nearby.rms[i] - features.logRms[i];
    const lowDrop = nearby.low[i] - features.lowBandDb[i];
    const highMinusMid = features.highBandDb[i] - features.midBandDb[i];
    const ratio = features.highBandRatio[i];
    const nearFloor = features.logRms[i] <= activity.levels.floorDb + GAP_ABOVE_FLOOR_DB;
    const silent = nearFloor || midDrop >= GAP_MID_DROP_DB || isValley(features.logRms, i, valleyBefore, valleyAfter);
    const audibleHigh = features.highBandDb[i] >= nearby.rms[i] - FRICATION_AUDIBLE_DB;
    if (inPhrase && rmsDrop >= MIN_GAP_DROP_DB && silent) {
      if (ratio < GAP_MAX_HIGH_RATIO) classes[i] = HopClass.Gap;
    } else if (audibleHigh && highMinusMid >= FRICATION_HIGH_MINUS_MID_DB) {
      const loud = rmsDrop < WEAK_FRICATIVE_DROP_DB;
      const sibilant = loud || ratio >= SIBILANT_HIGH_RATIO || features.centroidHz[i] >= SIBILANT_CENTROID_HZ;
      classes[i] = sibilant ? HopClass.Sibilant : HopClass.Labiodental;
    } else if (
      activity.core[i] &&
      features.nasalRatioDb[i] >= MURMUR_NASAL_DB &&
      lowDrop <= MURMUR_LOW_KEPT_DB &&
      midDrop - lowDrop >= MURMUR_COLLAPSE_DB &&
      rmsDrop >= MURMUR_DROP_DB
    ) {
      classes[i] = HopClass.Murmur;
    }
  }
  return classes;
}

/**
 * An occlusion run is a lip closure when it is long enough, a vowel follows it inside the phrase
 * (a fade into a pause is the rest pose's business), the release is abrupt (a silent gap, or a
 * sudden return of the upper bands after a murmur), and the burst is not the high-frequency hiss
 * of a tongue-tip release.
 */
function isBilabialClosure(
  features: SpeechFeatures,
  activity: VoiceActivity,
  classes: Uint8Array,
  nearbyRms: Float32Array,
  start: number,
  end: number,
): boolean {
  let gaps = 0;
  let deepest = 0;
  for (let i = start; i < end; i++) {
    if (classes[i] === HopClass.Gap) gaps++;
    deepest = Math.max(deepest, nearbyRms[i] - features.logRms[i]);
  }
  const minHops = gaps === 0 ? MIN_MURMUR_HOPS : deepest >= DEEP_GAP_DB ? 1 : MIN_GAP_CLOSURE_HOPS;
  if (end - start < minHops) return false;
  if (!speechResumes(features, activity, nearbyRms, end)) return false;
  if (gaps === 0 && !hasAbruptRelease(features, start, end)) return false;
  const last = Math.min(features.frameCount, end + BURST_HOPS);
  for (let i = end; i < last; i++) {
    if (features.highBandRatio[i] >= ALVEOLAR_BURST_HIGH_RATIO) return false;
  }
  return true;
}

function isValley(level: Float32Array, i: number, before: number, after: number): boolean {
  let left = -Infinity;
  let right = -Infinity;
  for (let j = Math.max(0, i - before); j < i; j++) left = Math.max(left, level[j]);
  for (let j = i + 1; j <= Math.min(level.length - 1, i + after); j++) right = Math.max(right, level[j]);
  return left - level[i] >= VALLEY_DB && right - level[i] >= VALLEY_DB;
}

function followsGap(classes: Uint8Array, start: number): boolean {
  for (let i = Math.max(0, start - ASPIRATION_HOPS); i < start; i++) if (classes[i] === HopClass.Gap) return true;
  return false;
}

/** A vowel (core speech within RESUME_WITHIN_DB of the nearby peak) follows within RESUME_S. */
function speechResumes(features: SpeechFeatures, activity: VoiceActivity, nearbyRms: Float32Array, end: number): boolean {
  const last = Math.min(features.frameCount, end + Math.round(RESUME_S / features.hopSeconds));
  for (let i = end; i < last && activity.active[i]; i++) {
    if (activity.core[i] && features.logRms[i] >= nearbyRms[i] - RESUME_WITHIN_DB) return true;
  }
  return false;
}

/**
 * Whether the sound above the murmur (mid and high bands together) comes back abruptly inside a
 * run or just after it, as it does when the lips part.
 */
function hasAbruptRelease(features: SpeechFeatures, start: number, end: number): boolean {
  const upper = (i: number): number =>
    10 * Math.log10(Math.pow(10, features.midBandDb[i] / 10) + Math.pow(10, features.highBandDb[i] / 10));
  const last = Math.min(features.frameCount - 1, end + 2);
  for (let i = start + 1; i <= last; i++) {
    if (upper(i) - upper(i - 1) >= RELEASE_JUMP_DB) return true;
    if (i >= start + 2 && upper(i) - upper(i - 2) >= RELEASE_JUMP_2_DB) return true;
  }
  return false;
}

function bridgeGaps(mask: Uint8Array, maxGap: number): void {
  const runs = runsOf(mask);
  for (let r = 1; r < runs.length; r++) {
    if (runs[r][0] - runs[r - 1][1] <= maxGap) mask.fill(1, runs[r - 1][1], runs[r][0]);
  }
}
