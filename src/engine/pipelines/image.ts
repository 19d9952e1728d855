// lipsync-image: one portrait + one voice track → an MP4 of that face speaking the audio.
// fetch → analyse (decode audio, find the face, audio → mouth controls) → render + encode
// (streamed: frame i+1 is drawn while ffmpeg takes frame i).
import { mkdir } from 'node:fs/promises';
import { analyseSpeech, assertAnalysisHasSpeech, mouthControlsFromAnalysis } from '../audio/index.js';
import { InvalidMediaError, NoFaceError } from '../errors.js';
import { detectFaces, faceMeshTriangles, loadFaceDetector, type DetectedFace } from '../face/index.js';
import { decodeAudioMono, fetchMedia, loadImageRgba, openVideoEncoder } from '../media/index.js';
import { FaceRenderer, idleMotion, type FacePose } from '../render/index.js';
import {
  DEFAULT_LIMITS, OUTPUT_FPS, SHORT_SIDE,
  type EngineLimits, type LipsyncImageRequest, type RunOptions, type RunResult,
} from '../types.js';
import { StageClock } from './stage-clock.js';

/** Below this combined detector/mesh score a "face" is more often a false find than a face. */
const MIN_FACE_SCORE = 0.7;
const ANALYSIS_SAMPLE_RATE = 16_000;

/**
 * Load models and run one detection now, so the first job does not pay for it (call once per
 * worker process; ≈ 0.7 s).
 */
export async function prepareEngine(): Promise<void> {
  await loadFaceDetector();
  await faceMeshTriangles();
  const blank = { data: new Uint8Array(256 * 256 * 4).fill(128), width: 256, height: 256 };
  await detectFaces(blank);
}

/** The face lipsync-image animates: the largest one the detector is confident about. */
export function chooseSpeakerFace(faces: DetectedFace[]): DetectedFace {
  const face = faces.find((f) => f.score >= MIN_FACE_SCORE);
  if (!face) throw new NoFaceError();
  return face;
}

export async function renderLipsyncImage(req: LipsyncImageRequest, opts: RunOptions): Promise<RunResult> {
  const limits: EngineLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const clock = new StageClock(opts.onProgress, opts.signal);
  await mkdir(opts.workDir, { recursive: true });

  clock.enter('fetch');
  const [imagePath, audioPath] = await Promise.all([
    fetchMedia(req.image, { destDir: opts.workDir, field: 'formState.image', limits, signal: opts.signal }),
    fetchMedia(req.audio, { destDir: opts.workDir, field: 'formState.audio', limits, signal: opts.signal }),
  ]);

  clock.enter('analyse');
  // The audio (ffmpeg decode, then analysis) and the image (decode, then face detection) are
  // independent: start both, so ffmpeg and sharp work while the other side computes.
  const speechReady = (async () => {
    const audio = await decodeAudioMono(audioPath, {
      sampleRate: ANALYSIS_SAMPLE_RATE, maxSeconds: limits.maxAudioSeconds, signal: opts.signal, field: 'formState.audio',
    });
    if (audio.durationSeconds <= 0) throw new InvalidMediaError('The audio at formState.audio contains no samples');
    const analysis = analyseSpeech(audio.samples, audio.sampleRate);
    assertAnalysisHasSpeech(analysis);
    return { audio, analysis };
  })();
  const faceReady = (async () => {
    const image = await loadImageRgba(imagePath, {
      shortSide: SHORT_SIDE[req.resolution], maxPixels: limits.maxImagePixels, field: 'formState.image',
    });
    clock.checkAborted();
    return { image, face: chooseSpeakerFace(await detectFaces(image)) };
  })();
  // Report the audio's problem first when both fail: it is the one users most often get wrong.
  const [speech, faceResult] = await Promise.allSettled([speechReady, faceReady]);
  if (speech.status === 'rejected') throw speech.reason;
  if (faceResult.status === 'rejected') throw faceResult.reason;
  const { audio, analysis } = speech.value;
  const { image, face } = faceResult.value;
  await opts.onInputsProbed?.({ outputSeconds: audio.durationSeconds, width: image.width, height: image.height });
  clock.checkAborted();
  const frameCount = Math.max(1, Math.round(audio.durationSeconds * OUTPUT_FPS));
  const controls = mouthControlsFromAnalysis(analysis, { fps: OUTPUT_FPS, frameCount });
  const renderer = new FaceRenderer(image, face.points, await faceMeshTriangles());
  const idle = idleMotion(req.seed, frameCount, OUTPUT_FPS, renderer.rig.interOcular);

  clock.enter('render');
  const encoder = openVideoEncoder({
    width: image.width, height: image.height, fps: OUTPUT_FPS, frameCount,
    durationSeconds: audio.durationSeconds, audioPath, outputPath: opts.outputPath, signal: opts.signal,
  });
  try {
    // Two frame buffers: one being drawn while ffmpeg reads the other.
    const buffers = [new Uint8Array(image.data.length), new Uint8Array(image.data.length)];
    let pendingWrite: Promise<void> = Promise.resolve();
    const pose: FacePose = { jaw: 0, spread: 0, closure: 0, labiodental: 0, blinkRight: 0, blinkLeft: 0, headRoll: 0, headX: 0, headY: 0 };
    for (let i = 0; i < frameCount; i++) {
      pose.jaw = controls.jaw[i];
      pose.spread = controls.spread[i];
      pose.closure = controls.closure[i];
      pose.labiodental = controls.labiodental[i];
      pose.blinkRight = idle.blinkRight[i];
      pose.blinkLeft = idle.blinkLeft[i];
      pose.headRoll = idle.headRoll[i];
      pose.headX = idle.headX[i];
      pose.headY = idle.headY[i];
      const frame = buffers[i & 1];
      renderer.render(pose, frame);
      await pendingWrite;
      pendingWrite = encoder.writeFrame(frame);
      if ((i & 7) === 0) clock.report(i / frameCount);
      clock.checkAborted();
    }
    await pendingWrite;
    clock.enter('encode');
    await encoder.finish();
  } catch (err) {
    encoder.abort();
    throw err;
  }
  clock.enter('finalize');
  const timings = clock.finish();
  return {
    durationSeconds: audio.durationSeconds, width: image.width, height: image.height, frames: frameCount, timings,
  };
}
