// lipsync-image: one portrait + one voice track → an MP4 of that face speaking the audio.
// fetch → analyse (decode audio, find the face, audio → mouth controls) → render + encode
// (streamed: frame i+1 is drawn while ffmpeg takes frame i).
import { mkdir } from 'node:fs/promises';
import { analyseSpeechOffThread, mouthControlsFromAnalysis } from '../audio/index.js';
import { detectFaces, faceMeshTriangles, loadFaceDetector } from '../face/index.js';
import { fetchMedia, loadImageRgba } from '../media/index.js';
import { FaceRenderer, idleMotion } from '../render/index.js';
import {
  DEFAULT_LIMITS, OUTPUT_FPS, SHORT_SIDE,
  type EngineLimits, type LipsyncImageRequest, type RunOptions, type RunResult,
} from '../types.js';
import { ANALYSIS_SAMPLE_RATE, applyArticulation, chooseSpeakerFace, encodeFrames, loadSpeech, restPose, setFramePose } from './common.js';
import { blendTowardSource, loadAnimationMask } from './mask.js';
import { styleFromPrompt } from './prompt.js';
import { StageClock } from './stage-clock.js';

export { chooseSpeakerFace } from './common.js';

/**
 * Load models and run one detection now, so the first job does not pay for it (call once per
 * worker process; ≈ 0.7 s).
 */
export async function prepareEngine(): Promise<void> {
  // The voice analysis thread starts meanwhile, so a process's first job does not wait for it.
  const analysisThread = analyseSpeechOffThread(new Float32Array(ANALYSIS_SAMPLE_RATE / 10), ANALYSIS_SAMPLE_RATE);
  await loadFaceDetector();
  await faceMeshTriangles();
  const blank = { data: new Uint8Array(256 * 256 * 4).fill(128), width: 256, height: 256 };
  await detectFaces(blank);
  await analysisThread;
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
  const speechReady = loadSpeech(audioPath, 'formState.audio', limits, opts.signal);
  const faceReady = (async () => {
    const image = await loadImageRgba(imagePath, {
      shortSide: SHORT_SIDE[req.resolution], maxPixels: limits.maxImagePixels, field: 'formState.image',
    });
    const mask = await loadAnimationMask(req.mask, { width: image.width, height: image.height, limits, workDir: opts.workDir, signal: opts.signal });
    clock.checkAborted();
    return { image, mask, face: chooseSpeakerFace(await detectFaces(image), mask) };
  })();
  // Report the audio's problem first when both fail: it is the one users most often get wrong.
  const [speech, faceResult] = await Promise.allSettled([speechReady, faceReady]);
  if (speech.status === 'rejected') throw speech.reason;
  if (faceResult.status === 'rejected') throw faceResult.reason;
  const { audio, analysis } = speech.value;
  const { image, mask, face } = faceResult.value;
  await opts.onInputsProbed?.({ outputSeconds: audio.durationSeconds, width: image.width, height: image.height });
  clock.checkAborted();
  const { style, appliedWords } = styleFromPrompt(req.prompt);
  const frameCount = Math.max(1, Math.round(audio.durationSeconds * OUTPUT_FPS));
  const controls = applyArticulation(mouthControlsFromAnalysis(analysis, { fps: OUTPUT_FPS, frameCount }), style);
  const renderer = new FaceRenderer(image, face.points, await faceMeshTriangles());
  const idle = idleMotion(req.seed, frameCount, OUTPUT_FPS, renderer.rig.interOcular, style);

  clock.enter('render');
  // Only the face changes: frames are the source outside the renderer's bounds, so the buffer is
  // filled once and each frame redraws (and the encoder converts) just that region.
  const frame = Uint8Array.from(image.data);
  const region = renderer.bounds;
  const pose = restPose();
  await encodeFrames(
    {
      width: image.width, height: image.height, fps: OUTPUT_FPS, frameCount,
      durationSeconds: audio.durationSeconds, audioPath, outputPath: opts.outputPath, signal: opts.signal,
    },
    clock,
    (i) => {
      renderer.render(setFramePose(pose, i, controls, idle, style), frame, true);
      if (mask) blendTowardSource(frame, image.data, image.width, region, 1, mask);
      return frame;
    },
    region,
  );
  clock.enter('finalize');
  const timings = clock.finish();
  return {
    durationSeconds: audio.durationSeconds, width: image.width, height: image.height, frames: frameCount, timings,
    ...(req.prompt !== undefined ? { appliedPromptWords: appliedWords } : {}),
  };
}
