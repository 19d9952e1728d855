// lipsync-video: a source video + a new voice track → the same video, the speaker's mouth now
// following the new audio. fetch → analyse (decode the audio; pass one: follow the faces through
// the video at a reduced size, choose the speaker) → render + encode (pass two: decode again at
// the output size as yuv420p, re-pose the mouth frame by frame in the sync mode's order, stream
// to ffmpeg). Pass two never converts a whole frame: frames go from decoder to encoder in the
// encoder's own format, and only the face is converted to RGBA and back (video-dub.ts).
// Memory stays bounded: frames stream through both passes; only landmarks are kept per frame.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { mouthControlsFromAnalysis } from '../audio/index.js';
import { InvalidMediaError, NoFaceError } from '../errors.js';
import { fetchMedia, imageOutputSize, probeMedia, workingYuv420Matrix, writeSeekableVideoCopy } from '../media/index.js';
import {
  DEFAULT_LIMITS, SHORT_SIDE,
  type EngineLimits, type LipsyncVideoRequest, type RunOptions, type RunResult,
} from '../types.js';
import { applyArticulation, decodeSpeech, encodeFrames, restPose, setFramePose } from './common.js';
import { loadAnimationMask } from './mask.js';
import { styleFromPrompt } from './prompt.js';
import { FrameHandoff, SourceFrames } from './source-frames.js';
import { StageClock } from './stage-clock.js';
import { VideoFrameDubber } from './video-dub.js';
import { analysisSize, faceLostError, lostFaceRanges, VideoFaceAnalysis } from './video-faces.js';
import { planTimeline, sourceFramesToRead } from './video-timeline.js';

/**
 * x264's constant rate factor for lipsync-video (the image modes keep the encoder's 20). The
 * output is a second generation of someone's video, and all of it but the mouth should look as
 * the source did: at 20 the re-encode alone left a zooming 480p clip at 37 dB PSNR against its
 * source outside the mouth, at 16 at ≈ 40 (eval/README.md). It costs ≈ 2× the bytes and ≈ 20 %
 * more encoding time than 20.
 */
export const VIDEO_CRF = 16;
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
 * Every third frame would save ~1 s more per 10 s of 720p, but the eval's mouth sharpness against
 * the source (M8) fell from 0.80–0.94 to 0.66–0.78 on the talking-tilted rows: not taken.
 */
const MESH_EVERY = 2;
/**
 * Most frames pass one may hold for pass two: it runs the analysis lookahead (≈ 1.1 s) ahead, so
 * ≈ 35 frames at 30 fps (48 MB at 720p); beyond this pass two decodes the dropped ones itself.
 */
const HANDOFF_FRAMES = 64;

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
  // The frames keep the source's matrix where it is BT.601 or BT.709, and the output says which.
  const matrix = workingYuv420Matrix(video);
  // Sizing the analysis (the first frame decoded, its faces found) needs no audio: its ffmpeg
  // runs while the voice is decoded. Awaited when the analysis opens; errors surface there.
  const sizing = analysisSize(videoPath, { width, height, fps, signal, field: 'formState.video' });
  sizing.catch(() => {});
  // The voice's analysis runs on the analysis thread from here while this thread finds the faces.
  const [voice, mask] = await Promise.all([
    decodeSpeech(audioPath, 'formState.audio', limits, signal),
    loadAnimationMask(req.mask, { width, height, limits, workDir: opts.workDir, signal }),
  ]);
  const audioFrames = Math.max(1, Math.round(voice.audio.durationSeconds * fps));
  const maxFrames = sourceFramesToRead(req.syncMode, audioFrames);
  const videoSeconds = video.frameCount && video.fps > 0 ? video.frameCount / video.fps : probe.durationSeconds ?? 0;
  const estimate = planTimeline(req.syncMode, Math.min(maxFrames, Math.max(1, Math.round(videoSeconds * fps))), audioFrames);
  await opts.onInputsProbed?.({ outputSeconds: estimate.outputFrames / fps, width, height });
  clock.checkAborted();

  // Bounce plays a video shorter than the audio backwards, from a copy that seeks cheaply. Made
  // while the rest goes on when the header does not say the video is longer than the audio;
  // otherwise only if the video turns out shorter (the rendering then waits for it at the turn).
  const copyPath = join(opts.workDir, 'bounce-source.mp4');
  const stopCopy = new AbortController();
  let copying: Promise<string> | null = null;
  const seekableCopy = (): Promise<string> => (copying ??= writeSeekableVideoCopy(videoPath, copyPath, {
    width, height, fps, keyframeInterval: BOUNCE_CHUNK_FRAMES, maxFrames: Number.isFinite(maxFrames) ? maxFrames : undefined,
    signal: signal ? AbortSignal.any([signal, stopCopy.signal]) : stopCopy.signal, field: 'formState.video',
  }).then(() => copyPath));
  if (req.syncMode === 'bounce' && Math.round(videoSeconds * fps) <= audioFrames) {
    seekableCopy().catch(() => {}); // awaited when first needed; a failure must not count as unhandled meanwhile
  }
  // The output's length must be known before encoding starts; where it depends on the video's
  // (silence, or cut_off with a video shorter than the audio) and for on_no_face "fail", pass
  // one runs to the end first. Otherwise it runs just ahead of the rendering.
  const wholeVideoFirst = req.syncMode === 'silence' || req.onNoFace === 'fail'
    || (req.syncMode === 'cut_off' && estimate.outputFrames < audioFrames);
  // Running just ahead, pass one can decode pass two's frames too (one decode instead of two).
  // Only at the source's own constant rate: resampled, ffmpeg's split graph may pick a frame
  // next to the one a plain decode picks (at rate ratios like 10 → 25), and pass two's other
  // decoders (bounce, loop) must show the frames pass one analysed.
  const handoff = !wholeVideoFirst && video.constantFrameRate && video.fps === fps ? new FrameHandoff(HANDOFF_FRAMES) : undefined;
  let rendering = false;
  const analysis = await VideoFaceAnalysis.open(videoPath, {
    fps, width, height, maxFrames, mask, meshEvery: MESH_EVERY, signal, field: 'formState.video', handoff,
    onFrame: (done) => { if (!rendering && (done & 7) === 0) clock.report(done / Math.min(maxFrames, estimate.sourceFrames || 1)); },
  }, sizing);
  const frames = new SourceFrames(videoPath, {
    width, height, fps, chunkFrames: BOUNCE_CHUNK_FRAMES, signal, field: 'formState.video', handoff,
    ...(req.syncMode === 'bounce' ? { seekableCopy } : {}),
  });
  try {
    const [speechAnalysis] = await Promise.all([voice.analysis, wholeVideoFirst ? analysis.analyseAll() : analysis.readyFor(0)]);
    const failIfNoSpeaker = () => {
      if (analysis.ended && analysis.frames === 0) throw new InvalidMediaError('Invalid video format: formState.video has no frames');
      if (analysis.ended && !analysis.hasSpeaker) {
        throw new NoFaceError(mask && analysis.facesSeen ? 'No face found in the white area of mask_image' : 'No face found in video');
      }
    };
    failIfNoSpeaker();
    const outputFrames = wholeVideoFirst ? planTimeline(req.syncMode, analysis.frames, audioFrames).outputFrames : estimate.outputFrames;
    if (req.onNoFace === 'fail') {
      const lost = lostFaceRanges(analysis.speaker, planTimeline(req.syncMode, analysis.frames, audioFrames).sourceFrames, fps);
      if (lost.length > 0) throw faceLostError(lost);
    }
    const { style, appliedWords } = styleFromPrompt(req.prompt, ['articulation', 'cornerLift']);
    const controls = applyArticulation(mouthControlsFromAnalysis(speechAnalysis, { fps, frameCount: outputFrames }), style);
    /** Which source frame output frame k shows: frame k while the video is still being read forwards. */
    const sourceIndex = (k: number): number => {
      if (!analysis.ended) return k;
      const timeline = planTimeline(req.syncMode, analysis.frames, audioFrames);
      // A video found shorter than its header said, past its end: hold its last frame.
      return Math.min(analysis.frames - 1, k < timeline.outputFrames ? timeline.sourceIndex(k) : analysis.frames - 1);
    };

    clock.enter('render');
    rendering = true;
    let dubber: VideoFrameDubber | null = null;
    const pose = restPose();
    const durationSeconds = outputFrames / fps;
    await encodeFrames(
      {
        width, height, fps, frameCount: outputFrames, durationSeconds, audioPath, outputPath: opts.outputPath, signal,
        inputFormat: 'yuv420p', yuvMatrix: matrix, crf: VIDEO_CRF,
      },
      clock,
      async (k) => {
        await analysis.readyFor(k);
        failIfNoSpeaker();
        const s = sourceIndex(k);
        await analysis.readyFor(s);
        dubber ??= await VideoFrameDubber.create(width, height, analysis.speaker, mask, analysis.openMouth(), matrix);
        const frame = await frames.frame(s);
        dubber.dub(frame, s, setFramePose(pose, k, controls, null, style));
        return frame;
      },
    );
    clock.enter('finalize');
    return {
      durationSeconds, width, height, frames: outputFrames, timings: clock.finish(),
      ...(req.prompt !== undefined ? { appliedPromptWords: appliedWords } : {}),
    };
  } finally {
    stopCopy.abort(); // done or failed: the copy's ffmpeg must not outlive the job
    await Promise.all([frames.close(), analysis.close()]);
  }
}
