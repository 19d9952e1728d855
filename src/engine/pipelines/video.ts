// lipsync-video: a source video + a new voice track → the same video, the speaker's mouth now
// following the new audio. fetch → analyse (decode the audio; pass one: follow the faces through
// the video at a reduced size, choose the speaker) → render + encode (pass two: decode again at
// the output size, re-pose the mouth frame by frame in the sync mode's order, stream to ffmpeg).
// Memory stays bounded: frames stream through both passes; only landmarks are kept per frame.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { mouthControlsFromAnalysis } from '../audio/index.js';
import { InvalidMediaError, NoFaceError } from '../errors.js';
import { fetchMedia, imageOutputSize, probeMedia, writeSeekableVideoCopy } from '../media/index.js';
import {
  DEFAULT_LIMITS, SHORT_SIDE,
  type EngineLimits, type LipsyncVideoRequest, type RunOptions, type RunResult,
} from '../types.js';
import { applyArticulation, encodeFrames, loadSpeech, restPose, setFramePose } from './common.js';
import { loadAnimationMask } from './mask.js';
import { styleFromPrompt } from './prompt.js';
import { SourceFrames } from './source-frames.js';
import { StageClock } from './stage-clock.js';
import { VideoFrameDubber } from './video-dub.js';
import { analyseVideoFaces, faceLostError, lostFaceRanges, type SpeakerTrack } from './video-faces.js';
import { planTimeline, sourceFramesToRead, type VideoTimeline } from './video-timeline.js';

/** Output frame rate: the source's, capped here (contract). */
const MAX_FPS = 30;
/** When the source reports no usable rate. */
const FALLBACK_FPS = 25;
/** Keyframe spacing of the bounce copy = frames per backward chunk. */
const BOUNCE_CHUNK_FRAMES = 16;
/**
 * The landmark model runs on every n-th source frame; the frames between get landmarks
 * interpolated, then their inner lips refined on their own pixels. The model is most of pass
 * one's cost (bench/video.ts); every second frame halves it, and the re-dub test's correlation
 * of the mouth with the new voice moved only from 0.58 to 0.55 (with the old voice 0.23 → 0.26).
 */
const MESH_EVERY = 2;

export async function renderLipsyncVideo(req: LipsyncVideoRequest, opts: RunOptions): Promise<RunResult> {
  const limits: EngineLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const clock = new StageClock(opts.onProgress, opts.signal);
  const signal = opts.signal;
  await mkdir(opts.workDir, { recursive: true });

  clock.enter('fetch');
  const [videoPath, audioPath] = await Promise.all([
    fetchMedia(req.video, { destDir: opts.workDir, field: 'formState.video', limits, signal }),
    fetchMedia(req.audio, { destDir: opts.workDir, field: 'formState.audio', limits, signal }),
  ]);

  clock.enter('analyse');
  const probe = await probeMedia(videoPath, { signal, field: 'formState.video' });
  const video = probe.video;
  if (!video || video.width <= 0 || video.height <= 0) {
    throw new InvalidMediaError('Invalid video format: formState.video could not be decoded (it has no video track)');
  }
  const turned = video.rotation === 90 || video.rotation === 270;
  const { width, height } = imageOutputSize(turned ? video.height : video.width, turned ? video.width : video.height, SHORT_SIDE[req.resolution]);
  const fps = Math.min(MAX_FPS, video.fps > 0 ? video.fps : FALLBACK_FPS);
  const [speech, mask] = await Promise.all([
    loadSpeech(audioPath, 'formState.audio', limits, signal),
    loadAnimationMask(req.mask, { width, height, limits, workDir: opts.workDir, signal }),
  ]);
  const audioFrames = Math.max(1, Math.round(speech.audio.durationSeconds * fps));
  const maxFrames = sourceFramesToRead(req.syncMode, audioFrames);
  const videoSeconds = video.frameCount && video.fps > 0 ? video.frameCount / video.fps : probe.durationSeconds ?? 0;
  const estimate = planTimeline(req.syncMode, Math.min(maxFrames, Math.max(1, Math.round(videoSeconds * fps))), audioFrames);
  await opts.onInputsProbed?.({ outputSeconds: estimate.outputFrames / fps, width, height });
  clock.checkAborted();

  // Bounce plays the video backwards: make a copy that seeks cheaply, while pass one runs.
  const copyPath = join(opts.workDir, 'bounce-source.mp4');
  const stopCopy = new AbortController();
  const copying = estimate.readsBackwards
    ? writeSeekableVideoCopy(videoPath, copyPath, {
        width, height, fps, keyframeInterval: BOUNCE_CHUNK_FRAMES, maxFrames: Number.isFinite(maxFrames) ? maxFrames : undefined,
        signal: signal ? AbortSignal.any([signal, stopCopy.signal]) : stopCopy.signal, field: 'formState.video',
      })
    : null;
  copying?.catch(() => {}); // awaited below; a failure must not count as unhandled meanwhile
  let speaker: SpeakerTrack, timeline: VideoTimeline;
  try {
    const faces = await analyseVideoFaces(videoPath, {
      fps, width, height, maxFrames, mask, meshEvery: MESH_EVERY, signal, field: 'formState.video',
      onFrame: (done) => { if ((done & 7) === 0) clock.report(done / Math.min(maxFrames, estimate.sourceFrames || 1)); },
    });
    if (faces.frameCount === 0) throw new InvalidMediaError('Invalid video format: formState.video has no frames');
    if (!faces.speaker) {
      throw new NoFaceError(mask && faces.facesSeen ? 'No face found in the white area of mask_image' : 'No face found in video');
    }
    speaker = faces.speaker;
    timeline = planTimeline(req.syncMode, faces.frameCount, audioFrames);
    if (req.onNoFace === 'fail') {
      const lost = lostFaceRanges(speaker.strength, timeline.sourceFrames, fps);
      if (lost.length > 0) throw faceLostError(lost);
    }
    if (copying) await copying;
  } catch (error) {
    stopCopy.abort(); // the job ends here: its ffmpeg must not keep writing the copy
    throw error;
  }
  const { style, appliedWords } = styleFromPrompt(req.prompt, ['articulation', 'cornerLift']);
  const controls = applyArticulation(mouthControlsFromAnalysis(speech.analysis, { fps, frameCount: timeline.outputFrames }), style);

  clock.enter('render');
  const frames = new SourceFrames(videoPath, {
    width, height, fps, seekablePath: copying ? copyPath : undefined, chunkFrames: BOUNCE_CHUNK_FRAMES, signal, field: 'formState.video',
  });
  const dubber = await VideoFrameDubber.create(width, height, speaker, mask);
  const pose = restPose();
  const durationSeconds = timeline.outputFrames / fps;
  try {
    await encodeFrames(
      { width, height, fps, frameCount: timeline.outputFrames, durationSeconds, audioPath, outputPath: opts.outputPath, signal },
      clock,
      async (k) => {
        const s = timeline.sourceIndex(k);
        const frame = await frames.frame(s);
        dubber.dub(frame, s, setFramePose(pose, k, controls, null, style));
        return frame;
      },
    );
  } finally {
    await frames.close();
  }
  clock.enter('finalize');
  return {
    durationSeconds, width, height, frames: timeline.outputFrames, timings: clock.finish(),
    ...(req.prompt !== undefined ? { appliedPromptWords: appliedWords } : {}),
  };
}
