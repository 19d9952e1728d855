// The engine's public vocabulary: what a pipeline takes and what it reports. Nothing here knows
// about HTTP, accounts or the database (STYLE: engine imports nothing from the rest).

export type Resolution = '480p' | '720p';

/** Shorter side of the output in pixels for each resolution name. */
export const SHORT_SIDE: Record<Resolution, number> = { '480p': 480, '720p': 720 };

export const OUTPUT_FPS = 25;

/** Stages reported through progress callbacks, in the order a pipeline runs them. */
export type Stage = 'queued' | 'fetch' | 'analyse' | 'render' | 'encode' | 'finalize';

export interface ProgressEvent {
  stage: Stage;
  /** 0..1 over the whole job. */
  progress: number;
}

export interface EngineLimits {
  /** Longest accepted audio, seconds. */
  maxAudioSeconds: number;
  /** Largest accepted download, bytes. */
  maxDownloadBytes: number;
  /** Largest accepted image, width × height in pixels (checked from the header, before decoding). */
  maxImagePixels: number;
  /** Whether media URLs may resolve to loopback/private/link-local addresses. */
  allowPrivateUrls: boolean;
  /** Per-download timeout, ms. */
  fetchTimeoutMs: number;
}

export const DEFAULT_LIMITS: EngineLimits = {
  maxAudioSeconds: 300,
  maxDownloadBytes: 200 * 1024 * 1024,
  maxImagePixels: 40_000_000,
  allowPrivateUrls: false,
  fetchTimeoutMs: 60_000,
};

/** A media input: an http(s) URL to fetch, or a local file path (CLI, uploads). */
export type MediaSource = { url: string } | { path: string };

export interface LipsyncImageRequest {
  image: MediaSource;
  audio: MediaSource;
  resolution: Resolution;
  /** 0..2147483647; drives idle motion (blinks, head sway) only, never the sync. */
  seed: number;
  /** White = may be animated: only a face whose mouth lies in the white area moves, nothing outside it changes. */
  mask?: MediaSource;
  /** Style words (pipelines/prompt.ts lists them, English and Italian); unknown words are ignored. */
  prompt?: string;
}

/** What lipsync-video does when the audio and the video differ in length (api-contract `sync_mode`). */
export type SyncMode = 'bounce' | 'loop' | 'cut_off' | 'silence';
/** Frames where the speaker's face is lost: copied unchanged (cross-faded), or the job fails. */
export type OnNoFace = 'passthrough' | 'fail';
/** lipsync-image-multi: both voices from t=0 mixed, or one after the other. */
export type SpeakerOrder = 'meanwhile' | 'left_right' | 'right_left';

export interface LipsyncVideoRequest {
  video: MediaSource;
  audio: MediaSource;
  resolution: Resolution;
  /** A video brings its own motion, so nothing random is added: the output does not depend on it. */
  seed: number;
  syncMode: SyncMode;
  onNoFace: OnNoFace;
  mask?: MediaSource;
  prompt?: string;
}

export interface LipsyncImageMultiRequest {
  image: MediaSource;
  leftAudio: MediaSource;
  rightAudio: MediaSource;
  order: SpeakerOrder;
  resolution: Resolution;
  seed: number;
  mask?: MediaSource;
  prompt?: string;
}

export interface RunOptions {
  /** Where the finished MP4 goes. */
  outputPath: string;
  /** Scratch directory owned by this run; the pipeline may write anything there. */
  workDir: string;
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  /**
   * Called once the inputs are decoded and the output's length is known, before rendering starts
   * (the job layer places its credit hold here). Throwing fails the run with that error.
   */
  onInputsProbed?: (plan: RenderPlan) => Promise<void> | void;
  limits?: Partial<EngineLimits>;
}

/** What a run will produce, known once its inputs are decoded. */
export interface RenderPlan {
  /** Length of the output video, seconds. */
  outputSeconds: number;
  width: number;
  height: number;
}

export interface RunResult {
  /** Output duration in seconds (the input audio's, except where lipsync-video's sync mode says otherwise). */
  durationSeconds: number;
  width: number;
  height: number;
  frames: number;
  /** Per-stage wall milliseconds. */
  timings: Record<string, number>;
  /** The prompt's words that changed the style, as written in the prompt (absent without a prompt). */
  appliedPromptWords?: string[];
}
