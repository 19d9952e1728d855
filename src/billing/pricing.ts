// What a job costs, exactly as the contract's Billing section says: credits per second of output
// by resolution, a 5 s minimum, seconds rounded up; the output's length depends on the model.
import type { Resolution } from '../engine/types.js';
import type { JobModel } from '../store/index.js';

export const CREDITS_PER_SECOND: Readonly<Record<Resolution, number>> = { '480p': 2, '720p': 4 };
export const MINIMUM_BILLED_SECONDS = 5;
/**
 * Decoded lengths carry float noise and decoder padding (6.0000625 s for a 6 s file); a second is
 * only started once the output runs a millisecond into it, far below one frame (40 ms).
 */
const ROUNDING_TOLERANCE_SECONDS = 0.001;

export type MultiOrder = 'meanwhile' | 'left_right' | 'right_left';

/** Whole seconds billed for an output of `outputSeconds`: rounded up, at least the minimum. */
export function billedSeconds(outputSeconds: number): number {
  const whole = Math.ceil(Math.max(0, outputSeconds - ROUNDING_TOLERANCE_SECONDS));
  return Math.max(MINIMUM_BILLED_SECONDS, whole);
}

export function creditsFor(resolution: Resolution, outputSeconds: number): number {
  return CREDITS_PER_SECOND[resolution] * billedSeconds(outputSeconds);
}

/** The least any job at `resolution` costs; submit answers 402 below it. */
export function minimumCharge(resolution: Resolution): number {
  return CREDITS_PER_SECOND[resolution] * MINIMUM_BILLED_SECONDS;
}

/** The formState's resolution; the contract's default is 480p. */
export function resolutionOf(formState: Record<string, unknown>): Resolution {
  return formState.resolution === '720p' ? '720p' : '480p';
}

/** Lengths of the speech tracks a job's output is made from, seconds. */
export type TrackSeconds = { audio: number } | { left_audio: number; right_audio: number };

/**
 * The output's length: the audio's for lipsync-image and lipsync-video (a longer video is trimmed
 * to it, a shorter one extended); for lipsync-image-multi the longer track when both play at
 * once (`meanwhile`), their sum when one follows the other.
 */
export function outputSecondsFor(model: JobModel, tracks: TrackSeconds, order: MultiOrder = 'meanwhile'): number {
  if (model !== 'lipsync-image-multi') {
    if (!('audio' in tracks)) throw new TypeError(`${model} is priced on formState.audio`);
    return tracks.audio;
  }
  if (!('left_audio' in tracks)) throw new TypeError('lipsync-image-multi is priced on left_audio and right_audio');
  return order === 'meanwhile' ? Math.max(tracks.left_audio, tracks.right_audio) : tracks.left_audio + tracks.right_audio;
}
