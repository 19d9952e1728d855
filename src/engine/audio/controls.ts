// Assembles the per-video-frame mouth controls from the per-hop analysis: smoothing with the
// timing rules (open fast, close slower, anticipate, never trail), clip normalisation, the rest
// pose in pauses, and lip closures held long enough to be seen.

import { articulationTargets } from './articulation.js';
import type { SpeechFeatures } from './features.js';
import { gaussianSmooth, median3, percentile } from './signal.js';
import { asymmetricEnvelope, closuresToFrames, eventsToFrames, resampleToFrames, type FrameGrid } from './smoothing.js';
import type { VoiceActivity } from './voice-activity.js';

export interface MouthControls {
  fps: number;
  frameCount: number;
  /** 0 = closed/rest … 1 = widest opening of this clip; drives the jaw drop and inner-lip gap. */
  jaw: Float32Array;
  /** −1 = rounded/protruded (o, u, w) … 0 neutral … +1 spread (i, e, s). */
  spread: Float32Array;
  /** 0..1: 1 = lips pressed together (m, b, p); the renderer closes the lips fully at 1 regardless of jaw. */
  closure: Float32Array;
  /** 0..1: lower lip tucked under upper teeth (f, v). */
  labiodental: Float32Array;
  /** 0..1 voice activity per frame (after hangover). */
  speech: Float32Array;
}

export interface SpeechAnalysisOptions {
  fps: number;
  frameCount: number;
  /** Mouth leads the audio by this many ms (0..40); default 20. */
  leadMs?: number;
}

export const DEFAULT_LEAD_MS = 20;
const MAX_LEAD_MS = 40;
/** 10–90 % rise ≈ 2.2 τ: τ 15 ms opens in ~33 ms, τ 35 ms closes in ~77 ms. */
const ATTACK_TAU_S = 0.015;
const RELEASE_TAU_S = 0.035;
/**
 * Final zero-phase smoothing of the jaw. With the frame box average it leaves ~2–5 % of the jaw's
 * energy above 8 Hz on real speech (limit 15 %) while a 50 ms vowel between two closures still
 * shows as a peak.
 */
const JAW_SIGMA_S = 0.012;
/** Lip shape changes more slowly than the jaw. */
const SPREAD_SIGMA_S = 0.03;
/** Pressing the lips together lifts the jaw: it drops to this fraction at a bilabial. */
const JAW_AT_CLOSURE = 0.4;
const CLOSURE_SIGMA_S = 0.015;
/** Jaw scale never divides by less than this, so a clip of closed vowels does not gape. */
const MIN_JAW_SCALE = 0.5;
/** Shortest visible closure (Rhubarb uses ~80 ms segments; 2 frames at 25 fps). */
const MIN_HOLD_S = 0.06;
const TWEEN_S = 0.04;

export function mouthControlsFromFeatures(
  features: SpeechFeatures,
  activity: VoiceActivity,
  options: SpeechAnalysisOptions,
): MouthControls {
  const { fps, frameCount } = validated(options);
  const requestedLead = options.leadMs ?? DEFAULT_LEAD_MS;
  const leadMs = Number.isFinite(requestedLead) ? Math.min(MAX_LEAD_MS, Math.max(0, requestedLead)) : DEFAULT_LEAD_MS;
  const hop = features.hopSeconds;
  const grid: FrameGrid = { fps, frameCount, hopSeconds: hop, leadSeconds: leadMs / 1000 };
  const targets = articulationTargets(features, activity);

  const jawHops = asymmetricEnvelope(median3(targets.jaw), ATTACK_TAU_S / hop, RELEASE_TAU_S / hop);
  const jawSmooth = gaussianSmooth(jawHops, JAW_SIGMA_S / hop);
  normaliseJaw(jawSmooth, activity.active);
  raiseJawAtClosures(jawSmooth, targets.bilabials, hop);
  const spreadSmooth = gaussianSmooth(targets.spread, SPREAD_SIGMA_S / hop);
  const speechHops = new Float32Array(features.frameCount);
  const restHops = new Float32Array(features.frameCount);
  for (let i = 0; i < features.frameCount; i++) {
    speechHops[i] = activity.active[i];
    restHops[i] = 1 - activity.active[i];
  }

  const hold = {
    minHoldFrames: Math.max(2, Math.round(MIN_HOLD_S * fps)),
    tweenFrames: Math.max(1, Math.round(TWEEN_S * fps)),
  };
  // Rest pose: lips together wherever no speech is heard (pauses are ≥ MIN_PAUSE_S by construction).
  const closure = resampleToFrames(restHops, grid, 1);
  closuresToFrames(targets.bilabials, grid, hold, closure);
  const labiodental = new Float32Array(frameCount);
  eventsToFrames(targets.labiodentals, grid, hold, labiodental);
  for (let k = 0; k < frameCount; k++) labiodental[k] = Math.min(labiodental[k], 1 - closure[k]);

  return {
    fps,
    frameCount,
    jaw: resampleToFrames(jawSmooth, grid, 0),
    spread: resampleToFrames(spreadSmooth, grid, 0),
    closure,
    labiodental,
    speech: resampleToFrames(speechHops, grid, 0),
  };
}

/** All-rest controls (jaw 0, lips together) for a clip with nothing to say. */
export function restControls(options: SpeechAnalysisOptions): MouthControls {
  const { fps, frameCount } = validated(options);
  return {
    fps,
    frameCount,
    jaw: new Float32Array(frameCount),
    spread: new Float32Array(frameCount),
    closure: new Float32Array(frameCount).fill(1),
    labiodental: new Float32Array(frameCount),
    speech: new Float32Array(frameCount),
  };
}

function validated(options: SpeechAnalysisOptions): { fps: number; frameCount: number } {
  const { fps, frameCount } = options;
  if (!(fps > 0 && Number.isFinite(fps))) throw new RangeError(`fps must be a positive number, got ${fps}`);
  if (!(Number.isInteger(frameCount) && frameCount >= 0)) {
    throw new RangeError(`frameCount must be a non-negative integer, got ${frameCount}`);
  }
  return { fps, frameCount };
}

/** Scales so the clip's widest speech openings reach 1 (98th percentile, robust to one shout). */
function normaliseJaw(jaw: Float32Array, active: Uint8Array): void {
  const high = percentile(jaw, 0.98, active);
  const scale = Math.max(Number.isNaN(high) ? 1 : high, MIN_JAW_SCALE);
  for (let i = 0; i < jaw.length; i++) jaw[i] = Math.min(1, jaw[i] / scale);
}

/**
 * Lowers the jaw through each bilabial closure (smoothly, so it adds no chatter): the release
 * smoothing alone would keep it hanging open through a short m or b.
 */
function raiseJawAtClosures(jaw: Float32Array, closures: ReadonlyArray<{ startHop: number; endHop: number }>, hop: number): void {
  if (closures.length === 0) return;
  const mask = new Float32Array(jaw.length);
  for (const { startHop, endHop } of closures) mask.fill(1, startHop, endHop);
  const weight = gaussianSmooth(mask, CLOSURE_SIGMA_S / hop);
  for (let i = 0; i < jaw.length; i++) jaw[i] *= 1 - (1 - JAW_AT_CLOSURE) * weight[i];
}
