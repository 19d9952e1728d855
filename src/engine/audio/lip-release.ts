// When exactly the lips part. A bilabial's closure must last until its release: the burst of a p
// or b, or the end of an m's hum. At 25 fps one frame spans 40 ms, so the release is placed with
// the fine (2 ms) level track rather than the 10 ms hops, and the closure is held on every frame
// shown before it (see closuresToFrames). Phrase onsets get the same treatment: after a pause the
// lips are already together, and a p, b or m must keep them so until its release.

import type { ConsonantEvent } from './consonants.js';
import type { SpeechFeatures } from './features.js';
import { runsOf } from './signal.js';
import type { VoiceActivity } from './voice-activity.js';

const VOICED = 0.5;
/** A burst is found within this much of where the hops put the end of a silent gap. */
const BURST_SEARCH_BEFORE_S = 0.015;
const BURST_SEARCH_AFTER_S = 0.03;
/** The burst starts where the fine level first crosses the midpoint (dB) between the gap and the sound after it. */
const BURST_PEAK_SPAN_S = 0.03;
const BURST_MIN_RISE_DB = 12;
/**
 * A tongue-tip burst (t, d) or a sibilant (s, z) puts this share of its energy above 4 kHz; a lip
 * burst is diffuse and weak up there (measured ≤ 0.05 on p and b, 0.14–0.3 on k, ≥ 0.45 on t).
 */
const TONGUE_TIP_HIGH_RATIO = 0.45;
const ONSET_HOPS = 4;
/** The hold reaches this far back into the pause, over the rest pose's own ramp (hops). */
const PAUSE_HOLD_HOPS = 8;
/** A phrase that starts on a vowel is a vowel from its first full hops on: the lips open early. */
const VOWEL_ONSET_HOPS = 2;
/**
 * An m's hum (or a long voice bar) after a gap or a pause: voiced, low-passed (low band ≥
 * MURMUR_NASAL_DB over the 800–2500 Hz band, almost nothing above 4 kHz), steady within
 * MURMUR_STEADY_DB, quieter than what follows, and ended by an abrupt rise of the upper bands
 * (the lips part). At most MAX_MURMUR_S long; needs MIN_MURMUR_HOPS.
 */
const MURMUR_NASAL_DB = 3;
const MURMUR_MAX_HIGH_RATIO = 0.05;
const MURMUR_STEADY_DB = 6;
const MURMUR_BELOW_VOWEL_DB = 3;
const MURMUR_HIGH_BELOW_DB = 8;
const MAX_MURMUR_S = 0.16;
const MIN_MURMUR_HOPS = 3;
const UPPER_JUMP_DB = 6;
const UPPER_JUMP_2_DB = 9;
/**
 * … or the band above 4 kHz alone jumps, by HIGH_JUMP_DB within one or two hops or HIGH_JUMP_3_DB
 * within three (into a back vowel, whose F2 lies under 800 Hz, the release shows up there only).
 */
const HIGH_JUMP_DB = 8;
const HIGH_JUMP_3_DB = 10;
const HIGH_JUMP_MID_SLACK_DB = 3;
const AFTER_RELEASE_HOPS = 8;

/**
 * Time (s) at which the sound jumps out of a quiet stretch near `approxS` (a burst after a stop gap,
 * any first sound after a pause), or null when the level does not jump there.
 */
export function burstOnset(features: SpeechFeatures, approxS: number): number | null {
  const fine = features.fineLogRms;
  const step = features.fineHopSeconds;
  const from = Math.max(0, Math.floor((approxS - BURST_SEARCH_BEFORE_S) / step));
  const to = Math.min(fine.length - 1, Math.ceil((approxS + BURST_SEARCH_AFTER_S) / step));
  if (to <= from) return null;
  let quiet = Infinity;
  for (let j = Math.max(0, from - Math.round(0.02 / step)); j <= from; j++) quiet = Math.min(quiet, fine[j]);
  let loud = -Infinity;
  const peakTo = Math.min(fine.length - 1, to + Math.round(BURST_PEAK_SPAN_S / step));
  for (let j = from; j <= peakTo; j++) loud = Math.max(loud, fine[j]);
  if (loud - quiet < BURST_MIN_RISE_DB) return null;
  const midpoint = (quiet + loud) / 2;
  for (let j = from; j <= to; j++) if (fine[j] >= midpoint) return j * step;
  return null;
}

/**
 * Where the lips part after a bilabial closure [startHop, endHop): at the burst when the closure
 * ends in silence, unless a hum follows the silence (an m after a stop gap or a pause-like gap),
 * which keeps them closed until its own release; a closure that ends in a hum already ends where
 * the hum's release was found.
 */
export function releaseOf(features: SpeechFeatures, event: ConsonantEvent, endsSilent: boolean): ConsonantEvent {
  const hop = features.hopSeconds;
  let endHop = event.endHop;
  let release = (endHop - 0.5) * hop;
  if (endsSilent) release = burstOnset(features, endHop * hop - hop / 2) ?? release;
  const murmurEnd = endsSilent ? murmurRelease(features, endHop) : null;
  if (murmurEnd !== null) {
    endHop = murmurEnd;
    release = (murmurEnd - 0.5) * hop;
  }
  return { startHop: event.startHop, endHop, releaseSeconds: release };
}

/**
 * Lip closures that continue the rest pose into a phrase: every phrase that does not start on a
 * full vowel or a tongue-tip/sibilant sound keeps the lips together until its first release (the
 * burst of a p, the end of an m or b hum), so no frame shows them apart before the sound says so.
 * A k or a vowel-like l held this way only loses the ~40 ms of anticipation, which no one sees;
 * an open mouth before a p is plain to see.
 */
export function phraseOnsetClosures(features: SpeechFeatures, activity: VoiceActivity): ConsonantEvent[] {
  const events: ConsonantEvent[] = [];
  const hop = features.hopSeconds;
  for (const [start, end] of runsOf(activity.active)) {
    const onset = soundOnset(features, start, end);
    if (onset === null) continue;
    const first = Math.max(start, Math.round(onset / hop));
    if (startsOpen(features, first, end)) continue;
    const murmurEnd = murmurRelease(features, first);
    const endHop = murmurEnd ?? first;
    const release = murmurEnd !== null ? (murmurEnd - 0.5) * hop : onset;
    events.push({ startHop: Math.max(0, start - PAUSE_HOLD_HOPS), endHop: Math.max(endHop, start), releaseSeconds: release });
  }
  return events;
}

/** The first sound of an active run [start, end), from the fine level track (s). */
function soundOnset(features: SpeechFeatures, start: number, end: number): number | null {
  const hop = features.hopSeconds;
  let loudest = start;
  for (let i = start; i < Math.min(end, start + ONSET_HOPS); i++) if (features.logRms[i] > features.logRms[loudest]) loudest = i;
  // Search from just before the run (its first hop's window reaches 12.5 ms back) to the loud hop.
  return burstOnset(features, start * hop) ?? burstOnset(features, loudest * hop) ?? null;
}

/**
 * Whether the lips are apart from the first sound on: a t/d/s burst or hiss, or a vowel (voiced, its
 * 800–2500 Hz band not collapsed under the low band as in a hum) on the first two full hops.
 */
function startsOpen(features: SpeechFeatures, first: number, end: number): boolean {
  const last = Math.min(end, first + ONSET_HOPS);
  for (let i = first; i < last; i++) if (features.highBandRatio[i] >= TONGUE_TIP_HIGH_RATIO) return true;
  // The hop at the onset straddles the silence before it.
  for (let i = first + 1; i <= first + VOWEL_ONSET_HOPS; i++) {
    if (i >= end || features.voicing[i] < VOICED || features.nasalRatioDb[i] >= MURMUR_NASAL_DB) return false;
  }
  return true;
}

/**
 * If hops from `from` on are an m hum (or a long voice bar) that ends when the lips part, the hop
 * at which they part; else null. The release is a rise of the bands above 800 Hz that the low band
 * does not share: when a sound merely starts (or grows louder) every band rises together.
 */
export function murmurRelease(features: SpeechFeatures, from: number): number | null {
  const n = features.frameCount;
  const maxHops = Math.round(MAX_MURMUR_S / features.hopSeconds);
  const upper = (i: number): number =>
    10 * Math.log10(Math.pow(10, features.midBandDb[i] / 10) + Math.pow(10, features.highBandDb[i] / 10));
  const opening = (i: number, back: number): number =>
    upper(i) - upper(i - back) - Math.max(0, features.lowBandDb[i] - features.lowBandDb[i - back]);
  // The hop at `from` straddles what came before (silence or the gap); the hum starts after it.
  const begin = from + 1;
  let low = Infinity;
  let high = -Infinity;
  let highSum = 0;
  let counted = 0;
  for (let i = begin; i < Math.min(n, begin + maxHops); i++) {
    const jumped =
      i > begin &&
      (opening(i, 1) >= UPPER_JUMP_DB ||
        (i - 2 >= begin && opening(i, 2) >= UPPER_JUMP_2_DB) ||
        highJump(features, i, 1, HIGH_JUMP_DB) ||
        (i - 2 >= begin && highJump(features, i, 2, HIGH_JUMP_DB)) ||
        (i - 3 >= begin && highJump(features, i, 3, HIGH_JUMP_3_DB)));
    if (jumped) return i - begin >= MIN_MURMUR_HOPS && isHumBefore(features, i, high, highSum / counted) ? i : null;
    const humming =
      features.voicing[i] >= VOICED &&
      features.nasalRatioDb[i] >= MURMUR_NASAL_DB &&
      features.highBandRatio[i] < MURMUR_MAX_HIGH_RATIO;
    if (!humming) return null;
    // Its first hop may still be rising from the silence before it.
    if (i === begin) continue;
    low = Math.min(low, features.logRms[i]);
    high = Math.max(high, features.logRms[i]);
    if (high - low > MURMUR_STEADY_DB) return null;
    highSum += features.highBandDb[i];
    counted++;
  }
  return null;
}

/** The band above 4 kHz rises `minDb` within `back` hops while the 800–2500 Hz band holds. */
function highJump(features: SpeechFeatures, i: number, back: number, minDb: number): boolean {
  const { highBandDb, midBandDb } = features;
  return highBandDb[i] - highBandDb[i - back] >= minDb && midBandDb[i] >= midBandDb[i - back] - HIGH_JUMP_MID_SLACK_DB;
}

/** The hum before `release` was quieter than the vowel after it, above all in the high band. */
function isHumBefore(features: SpeechFeatures, release: number, humLevel: number, humHighDb: number): boolean {
  let after = -Infinity;
  let afterHigh = -Infinity;
  for (let i = release; i < Math.min(features.frameCount, release + AFTER_RELEASE_HOPS); i++) {
    after = Math.max(after, features.logRms[i]);
    afterHigh = Math.max(afterHigh, features.highBandDb[i]);
  }
  return humLevel <= after - MURMUR_BELOW_VOWEL_DB && humHighDb <= afterHigh - MURMUR_HIGH_BELOW_DB;
}
