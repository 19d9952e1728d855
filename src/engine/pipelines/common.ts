// Steps every pipeline shares: decoding and checking a voice track, choosing faces, turning audio
// controls and idle motion into a pose per frame, and the render → encode loop.
import { analyseSpeechOffThread, assertAnalysisHasSpeech, type MouthControls, type SpeechAnalysis } from '../audio/index.js';
import { InvalidMediaError, NoFaceError, NoSpeechError } from '../errors.js';
import type { DetectedFace } from '../face/index.js';
import {
  decodeAudioMono, openVideoEncoder, rgbaToYuv420, yuv420FrameBytes,
  type DecodedAudio, type FrameRegion, type VideoEncoderOptions,
} from '../media/index.js';
import type { FacePose, IdleTrack } from '../render/index.js';
import type { EngineLimits } from '../types.js';
import { mouthInMask, type AnimationMask } from './mask.js';
import type { SpeakingStyle } from './prompt.js';
import type { StageClock } from './stage-clock.js';

/** Below this combined detector/mesh score a "face" is more often a false find than a face. */
export const MIN_FACE_SCORE = 0.7;
export const ANALYSIS_SAMPLE_RATE = 16_000;

export interface Speech {
  audio: DecodedAudio;
  analysis: SpeechAnalysis;
}

/** A decoded voice track whose analysis is still being computed (on the analysis thread). */
export interface PendingSpeech {
  audio: DecodedAudio;
  /** Rejects as loadSpeech would (no speech, named after `field`). */
  analysis: Promise<SpeechAnalysis>;
}

/**
 * Decode a voice track for analysis; the analysis, checked to hold speech, goes on meanwhile on
 * another thread (audio/analysis-thread.ts). Errors name `field`.
 */
export async function decodeSpeech(path: string, field: string, limits: EngineLimits, signal?: AbortSignal): Promise<PendingSpeech> {
  const audio = await decodeAudioMono(path, { sampleRate: ANALYSIS_SAMPLE_RATE, maxSeconds: limits.maxAudioSeconds, signal, field });
  if (audio.durationSeconds <= 0) throw new InvalidMediaError(`The audio at ${field} contains no samples`);
  const analysis = analyseSpeechOffThread(audio.samples, audio.sampleRate).then((result) => {
    assertSpeechIn(result, field);
    return result;
  });
  analysis.catch(() => {}); // awaited by the caller; a failure must not count as unhandled meanwhile
  return { audio, analysis };
}

/** Decode a voice track for analysis and check it holds speech; errors name `field`. */
export async function loadSpeech(path: string, field: string, limits: EngineLimits, signal?: AbortSignal): Promise<Speech> {
  const { audio, analysis } = await decodeSpeech(path, field, limits, signal);
  return { audio, analysis: await analysis };
}

function assertSpeechIn(analysis: SpeechAnalysis, field: string): void {
  try {
    assertAnalysisHasSpeech(analysis);
  } catch (error) {
    // The single-voice modes keep the established wording; the others say which track is silent.
    if (error instanceof NoSpeechError && field !== 'formState.audio') {
      throw new NoSpeechError(error.message.replace('No speech found in audio', `No speech found in ${field}`));
    }
    throw error;
  }
}

/** The faces the detector is confident about and whose mouth lies in the mask, largest first. */
export function eligibleFaces(faces: DetectedFace[], mask: AnimationMask | null): DetectedFace[] {
  return faces.filter((f) => f.score >= MIN_FACE_SCORE && mouthInMask(mask, f.points));
}

/** The face lipsync-image animates: the largest confident one (inside the mask, if any). */
export function chooseSpeakerFace(faces: DetectedFace[], mask: AnimationMask | null = null): DetectedFace {
  const face = eligibleFaces(faces, mask)[0];
  if (face) return face;
  if (mask && faces.some((f) => f.score >= MIN_FACE_SCORE)) {
    throw new NoFaceError("No face found in the white area of mask_image");
  }
  throw new NoFaceError();
}

/** Scale the opening and spreading by the style's articulation, in place (closures stay closures). */
export function applyArticulation(controls: MouthControls, style: SpeakingStyle): MouthControls {
  const a = style.articulation;
  if (a === 1) return controls;
  for (let i = 0; i < controls.frameCount; i++) {
    controls.jaw[i] = Math.min(1, controls.jaw[i] * a);
    controls.spread[i] = Math.max(-1, Math.min(1, controls.spread[i] * a));
  }
  return controls;
}

export function restPose(): FacePose {
  return { jaw: 0, spread: 0, closure: 0, labiodental: 0, blinkRight: 0, blinkLeft: 0, headRoll: 0, headX: 0, headY: 0, cornerLift: 0 };
}

/** Fill `pose` for frame `i` from the mouth controls and (when given) the idle track. */
export function setFramePose(pose: FacePose, i: number, controls: MouthControls, idle: IdleTrack | null, style: SpeakingStyle): FacePose {
  pose.jaw = controls.jaw[i];
  pose.spread = controls.spread[i];
  pose.closure = controls.closure[i];
  pose.labiodental = controls.labiodental[i];
  pose.cornerLift = style.cornerLift;
  if (idle) {
    pose.blinkRight = idle.blinkRight[i];
    pose.blinkLeft = idle.blinkLeft[i];
    pose.headRoll = idle.headRoll[i];
    pose.headX = idle.headX[i];
    pose.headY = idle.headY[i];
  }
  return pose;
}

/** Idle pose only (a listener): mouth closed and at rest, blinks and head sway from `idle`. */
export function setIdlePose(pose: FacePose, i: number, idle: IdleTrack, style: SpeakingStyle): FacePose {
  pose.jaw = 0;
  pose.spread = 0;
  pose.closure = 1;
  pose.labiodental = 0;
  pose.cornerLift = style.cornerLift;
  pose.blinkRight = idle.blinkRight[i];
  pose.blinkLeft = idle.blinkLeft[i];
  pose.headRoll = idle.headRoll[i];
  pose.headX = idle.headX[i];
  pose.headY = idle.headY[i];
  return pose;
}

/**
 * Produce and encode `options.frameCount` frames. `produce(i)` returns frame i's RGBA; it is called
 * while ffmpeg still takes frame i − 1, so (without `changingRegion`) it must not return that
 * frame's buffer again. With `changingRegion` the RGBA is converted before the next call, so one
 * buffer is enough. With `options.inputFormat` 'yuv420p', `produce` returns yuv420p frames
 * (limited range, in `options.yuvMatrix`; media/yuv420.ts) that go to ffmpeg as they are.
 *
 * `changingRegion`: when only that part of the frames ever differs from frame to frame (a face
 * in a still portrait), frames are converted to yuv420p here, the whole frame once per buffer and
 * then only the region — measured on a 720p portrait this takes ffmpeg's RGBA conversion and
 * 60 % of the pipe traffic off the render (bench/render.ts).
 */
export async function encodeFrames(
  options: VideoEncoderOptions,
  clock: StageClock,
  produce: (i: number) => Promise<Uint8Array> | Uint8Array,
  changingRegion?: FrameRegion,
): Promise<void> {
  const { width, height } = options;
  const toYuv = changingRegion !== undefined;
  const encoder = openVideoEncoder({ ...options, inputFormat: toYuv ? 'yuv420p' : (options.inputFormat ?? 'rgba') });
  // Two buffers: one converted while ffmpeg reads the other. Each is converted whole the first
  // time; afterwards the pixels outside the region are already right.
  const yuvBuffers = toYuv ? [new Uint8Array(yuv420FrameBytes(width, height)), new Uint8Array(yuv420FrameBytes(width, height))] : [];
  try {
    let pendingWrite: Promise<void> = Promise.resolve();
    for (let i = 0; i < options.frameCount; i++) {
      const rgba = await produce(i);
      let frame = rgba;
      if (toYuv) {
        // Not the buffer ffmpeg is reading (that is frame i − 1's); frame i − 2's write is done.
        frame = yuvBuffers[i & 1];
        rgbaToYuv420(rgba, width, height, frame, i < 2 ? undefined : changingRegion);
      }
      await pendingWrite;
      pendingWrite = encoder.writeFrame(frame);
      // Awaited on the next turn; until then a failure must not count as unhandled.
      pendingWrite.catch(() => {});
      if ((i & 7) === 0) clock.report(i / options.frameCount);
      clock.checkAborted();
    }
    await pendingWrite;
    clock.enter('encode');
    await encoder.finish();
  } catch (err) {
    encoder.abort();
    throw err;
  }
}
