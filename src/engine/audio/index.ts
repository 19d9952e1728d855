// Audio analysis for lip sync: a mono speech waveform in, per-video-frame mouth controls out.
// Pipeline: 10 ms features → per-clip voice activity → articulation targets → frame-grid controls.

import { InvalidMediaError, NoSpeechError } from '../errors.js';
import { mouthControlsFromFeatures, restControls, type MouthControls, type SpeechAnalysisOptions } from './controls.js';
import { speechFeatures, type SpeechFeatures } from './features.js';
import { detectVoiceActivity, MIN_SPEECH_S, type VoiceActivity } from './voice-activity.js';

export type { MouthControls, SpeechAnalysisOptions } from './controls.js';
export { DEFAULT_LEAD_MS } from './controls.js';
export { speechFeatures, HOP_SECONDS, SILENCE_DB, type SpeechFeatures } from './features.js';
export { detectVoiceActivity, type VoiceActivity, type ClipLevels } from './voice-activity.js';
export { analyseSpeechOffThread } from './analysis-thread.js';

export interface SpeechAnalysis {
  features: SpeechFeatures;
  activity: VoiceActivity;
  /** Seconds of detected speech (before pause bridging). */
  speechSeconds: number;
}

/** Features and voice activity of a clip; what both public entry points start from. */
export function analyseSpeech(samples: Float32Array, sampleRate: number): SpeechAnalysis {
  checkInput(samples, sampleRate);
  const features = speechFeatures(samples, sampleRate);
  const activity = detectVoiceActivity(features);
  return { features, activity, speechSeconds: activity.speechHops * features.hopSeconds };
}

export function mouthControlsFromAudio(
  samples: Float32Array,
  sampleRate: number,
  opts: SpeechAnalysisOptions,
): MouthControls {
  return mouthControlsFromAnalysis(analyseSpeech(samples, sampleRate), opts);
}

/** Mouth controls from an analysis already made (the pipelines analyse once, check, then animate). */
export function mouthControlsFromAnalysis(analysis: SpeechAnalysis, opts: SpeechAnalysisOptions): MouthControls {
  const { features, activity } = analysis;
  if (activity.speechHops === 0) return restControls(opts);
  return mouthControlsFromFeatures(features, activity, opts);
}

/**
 * Throws NoSpeechError when the clip contains no speech: digital silence, very low level noise,
 * unvoiced hiss, or less than ~0.2 s of speech-like sound.
 */
export function assertHasSpeech(samples: Float32Array, sampleRate: number): void {
  assertAnalysisHasSpeech(analyseSpeech(samples, sampleRate));
}

export function assertAnalysisHasSpeech({ activity, speechSeconds }: SpeechAnalysis): void {
  if (activity.speechHops === 0) {
    throw new NoSpeechError('No speech found in audio: the track is silent or contains only faint noise');
  }
  if (speechSeconds < MIN_SPEECH_S) {
    throw new NoSpeechError(
      `No speech found in audio: only ${speechSeconds.toFixed(2)} s of speech-like sound (at least ${MIN_SPEECH_S} s is needed)`,
    );
  }
}

function checkInput(samples: Float32Array, sampleRate: number): void {
  if (!(samples instanceof Float32Array)) throw new TypeError('samples must be a Float32Array of mono PCM');
  if (!(Number.isFinite(sampleRate) && sampleRate >= 4000)) {
    throw new InvalidMediaError(`Audio sample rate ${sampleRate} Hz is not usable for speech analysis`);
  }
  for (let i = 0; i < samples.length; i++) {
    if (!Number.isFinite(samples[i])) throw new InvalidMediaError('Audio contains invalid (non-finite) samples');
  }
}
