// lipsync-image-multi: one picture of two people + one voice track each → an MP4 of their
// conversation. Left and right are the faces' centres from left to right. Each face is driven by
// its own track placed on the output timeline (silence where the other speaks), so it moves only
// with its own voice; while silent it listens: lips closed at rest, blinking, swaying a little.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { analyseSpeech, mouthControlsFromAnalysis, type MouthControls } from '../audio/index.js';
import { NoFaceError } from '../errors.js';
import { detectFaces, faceMeshTriangles, type DetectedFace } from '../face/index.js';
import { decodeAudioMono, fetchMedia, loadImageRgba, writeWavMono, type FrameRegion } from '../media/index.js';
import { FaceRenderer, copyRegion, idleMotion } from '../render/index.js';
import {
  DEFAULT_LIMITS, OUTPUT_FPS, SHORT_SIDE,
  type EngineLimits, type LipsyncImageMultiRequest, type RunOptions, type RunResult, type SpeakerOrder,
} from '../types.js';
import { ANALYSIS_SAMPLE_RATE, applyArticulation, eligibleFaces, encodeFrames, loadSpeech, restPose, setFramePose } from './common.js';
import { blendTowardSource, loadAnimationMask, type AnimationMask } from './mask.js';
import { ringScalesApart } from './multi-layout.js';
import { styleFromPrompt } from './prompt.js';
import { StageClock } from './stage-clock.js';
import { faceRegion } from './video-dub.js';

/** Sample rate of the voice track written for the encoder. */
const OUTPUT_SAMPLE_RATE = 48_000;
/** The right face's idle motion is seeded apart from the left's, so the two never blink in step. */
const RIGHT_SEED_SALT = 0x5bd1e995;

/** Where each voice starts on the output timeline, and how long the output lasts (seconds). */
export function placeVoices(order: SpeakerOrder, leftSeconds: number, rightSeconds: number): { left: number; right: number; total: number } {
  switch (order) {
    case 'meanwhile': return { left: 0, right: 0, total: Math.max(leftSeconds, rightSeconds) };
    case 'left_right': return { left: 0, right: leftSeconds, total: leftSeconds + rightSeconds };
    case 'right_left': return { left: rightSeconds, right: 0, total: leftSeconds + rightSeconds };
  }
}

/** The two faces to animate, [left, right] by face centre; fails clearly with fewer than two. */
export function chooseConversationFaces(faces: DetectedFace[], mask: AnimationMask | null): [DetectedFace, DetectedFace] {
  const eligible = eligibleFaces(faces, mask);
  if (eligible.length < 2) {
    const where = mask ? ' in the white area of mask_image' : '';
    throw new NoFaceError(`Found ${eligible.length} face${eligible.length === 1 ? '' : 's'}${where}; lipsync-image-multi needs two`);
  }
  // Largest first: with more than two people, the two largest speak.
  const centre = (f: DetectedFace) => f.box.x + f.box.width / 2;
  const [a, b] = eligible;
  return centre(a) <= centre(b) ? [a, b] : [b, a];
}

/** `samples` placed at `offsetSeconds` in silence lasting `totalSeconds`. */
function placed(samples: Float32Array, rate: number, offsetSeconds: number, totalSeconds: number): Float32Array {
  const out = new Float32Array(Math.max(1, Math.round(totalSeconds * rate)));
  const offset = Math.round(offsetSeconds * rate);
  out.set(samples.subarray(0, Math.max(0, out.length - offset)), offset);
  return out;
}

export async function renderLipsyncImageMulti(req: LipsyncImageMultiRequest, opts: RunOptions): Promise<RunResult> {
  const limits: EngineLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const clock = new StageClock(opts.onProgress, opts.signal);
  const signal = opts.signal;
  await mkdir(opts.workDir, { recursive: true });

  clock.enter('fetch');
  const [imagePath, leftPath, rightPath] = await Promise.all([
    fetchMedia(req.image, { destDir: opts.workDir, field: 'formState.image', limits, signal }),
    fetchMedia(req.leftAudio, { destDir: opts.workDir, field: 'formState.left_audio', limits, signal }),
    fetchMedia(req.rightAudio, { destDir: opts.workDir, field: 'formState.right_audio', limits, signal }),
  ]);

  clock.enter('analyse');
  const voicesReady = Promise.all([
    loadSpeech(leftPath, 'formState.left_audio', limits, signal),
    loadSpeech(rightPath, 'formState.right_audio', limits, signal),
  ]);
  const facesReady = (async () => {
    const image = await loadImageRgba(imagePath, { shortSide: SHORT_SIDE[req.resolution], maxPixels: limits.maxImagePixels, field: 'formState.image' });
    const mask = await loadAnimationMask(req.mask, { width: image.width, height: image.height, limits, workDir: opts.workDir, signal });
    clock.checkAborted();
    return { image, mask, faces: chooseConversationFaces(await detectFaces(image), mask) };
  })();
  // The audio's problem first when both fail, as in lipsync-image.
  const [voicesResult, facesResult] = await Promise.allSettled([voicesReady, facesReady]);
  if (voicesResult.status === 'rejected') throw voicesResult.reason;
  if (facesResult.status === 'rejected') throw facesResult.reason;
  const [leftVoice, rightVoice] = voicesResult.value;
  const { image, mask, faces } = facesResult.value;
  const at = placeVoices(req.order, leftVoice.audio.durationSeconds, rightVoice.audio.durationSeconds);
  await opts.onInputsProbed?.({ outputSeconds: at.total, width: image.width, height: image.height });
  clock.checkAborted();

  const frameCount = Math.max(1, Math.round(at.total * OUTPUT_FPS));
  const { style, appliedWords } = styleFromPrompt(req.prompt);
  const controlsOf = (samples: Float32Array, offset: number): MouthControls =>
    applyArticulation(mouthControlsFromAnalysis(
      analyseSpeech(placed(samples, ANALYSIS_SAMPLE_RATE, offset, at.total), ANALYSIS_SAMPLE_RATE), { fps: OUTPUT_FPS, frameCount },
    ), style);
  const controls = [controlsOf(leftVoice.audio.samples, at.left), controlsOf(rightVoice.audio.samples, at.right)];
  const audioPath = join(opts.workDir, 'conversation.wav');
  await writeConversationAudio(audioPath, leftPath, rightPath, at, limits, signal);

  const triangles = await faceMeshTriangles();
  const ringScales = ringScalesApart(faces[0].points, faces[1].points);
  const renderers = faces.map((f) => new FaceRenderer(image, f.points, triangles, ringScales ? { ringScales } : {}));
  const seeds = [req.seed >>> 0, (req.seed ^ RIGHT_SEED_SALT) >>> 0];
  const idles = renderers.map((r, k) => idleMotion(seeds[k], frameCount, OUTPUT_FPS, r.rig.interOcular, style));
  const regions = faces.map((f) => faceRegion(f.points, image.width, image.height));

  clock.enter('render');
  // Only the two faces change: the frame is filled once and each frame redraws the box around
  // both (see the image pipeline).
  const frame = Uint8Array.from(image.data);
  const changing = unionOf(renderers.map((r) => r.bounds));
  const pose = restPose();
  await encodeFrames(
    { width: image.width, height: image.height, fps: OUTPUT_FPS, frameCount, durationSeconds: at.total, audioPath, outputPath: opts.outputPath, signal },
    clock,
    (i) => {
      copyRegion(image.data, frame, image.width, changing);
      renderers.forEach((renderer, k) => renderer.renderOver(setFramePose(pose, i, controls[k], idles[k], style), frame));
      if (mask) for (const region of regions) blendTowardSource(frame, image.data, image.width, region, 1, mask);
      return frame;
    },
    changing,
  );
  clock.enter('finalize');
  return {
    durationSeconds: at.total, width: image.width, height: image.height, frames: frameCount, timings: clock.finish(),
    ...(req.prompt !== undefined ? { appliedPromptWords: appliedWords } : {}),
  };
}

/** The output's voice track: both voices mixed (meanwhile) or one after the other, at 48 kHz. */
async function writeConversationAudio(
  path: string, leftPath: string, rightPath: string, at: { left: number; right: number; total: number },
  limits: EngineLimits, signal?: AbortSignal,
): Promise<void> {
  const decode = (file: string, field: string) =>
    decodeAudioMono(file, { sampleRate: OUTPUT_SAMPLE_RATE, maxSeconds: limits.maxAudioSeconds, signal, field });
  const [left, right] = await Promise.all([decode(leftPath, 'formState.left_audio'), decode(rightPath, 'formState.right_audio')]);
  const mix = placed(left.samples, OUTPUT_SAMPLE_RATE, at.left, at.total);
  const other = placed(right.samples, OUTPUT_SAMPLE_RATE, at.right, at.total);
  let peak = 0;
  for (let i = 0; i < mix.length; i++) {
    mix[i] += other[i];
    peak = Math.max(peak, Math.abs(mix[i]));
  }
  // Two loud voices at once can sum past full scale: scale the whole mix down rather than clip it.
  if (peak > 1) for (let i = 0; i < mix.length; i++) mix[i] /= peak;
  await writeWavMono(path, mix, OUTPUT_SAMPLE_RATE);
}

function unionOf(regions: FrameRegion[]): FrameRegion {
  return {
    x0: Math.min(...regions.map((r) => r.x0)),
    y0: Math.min(...regions.map((r) => r.y0)),
    x1: Math.max(...regions.map((r) => r.x1)),
    y1: Math.max(...regions.map((r) => r.y1)),
  };
}
