// The source videos of the video rows, made at eval time from fixtures: a slow zoom-and-pan over a
// still portrait (ffmpeg), and a talking head made by the engine's own image mode (so the source
// mouth already moves, to other words). Each comes with a plain re-encode through the engine's
// encoder, nothing changed: M7's codec floor, what a perfect dub could reach.
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { SHORT_SIDE, VIDEO_CRF } from '../src/engine/index.js';
import { decodeVideoFramesYuv420, ffmpegPath, imageOutputSize, openVideoEncoder, probeMedia, workingYuv420Matrix } from '../src/engine/media/index.js';
import { fixturePath, type VideoSource, type VideoSourceRecipe } from './matrix.js';
import { renderCached, type RenderJob, type RenderSettings } from './render-cache.js';
import { imageJob } from './render-jobs.js';

const run = promisify(execFile);
/** Bump when the zoom-pan recipe's output changes meaning. */
const ZOOM_FORMAT = 1;
const SOURCE_FPS = 25;
/** zoompan samples whole pixels: working at 4× the output size keeps its steps to a quarter pixel. */
const ZOOM_OVERSAMPLE = 4;
/** Total zoom over the clip and how far the view drifts right (share of the slack). */
const ZOOM_END = 1.1;
const PAN_SHARE = 0.3;

export interface PreparedSource {
  id: string;
  /** The source video as lipsync-video gets it (already at the eval resolution, so never rescaled). */
  path: string;
  /** The same frames through the engine's encoder with nothing changed. */
  referencePath: string;
  /** Seconds the engine took to make the source (talking heads); 0 for ffmpeg-made ones. */
  renderSeconds: number;
}

export interface SourceOptions { outDir: string; useCache: boolean; signal?: AbortSignal }

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).size > 0;
  } catch {
    return false;
  }
}

/** ffmpeg arguments of a zoom-in with a rightward pan over `portrait`, `seconds` long, at the eval size. */
async function zoomPanArgs(portrait: string, seconds: number, settings: RenderSettings, outPath: string): Promise<string[]> {
  const meta = await sharp(portrait).metadata();
  const { width, height } = imageOutputSize(meta.width!, meta.height!, SHORT_SIDE[settings.resolution]);
  const frames = Math.round(seconds * SOURCE_FPS);
  const progress = `on/${frames - 1}`;
  const zoompan = [
    `z='1+${ZOOM_END - 1}*${progress}'`,
    `x='(iw-iw/zoom)*(0.5+${PAN_SHARE}*${progress})'`,
    `y='(ih-ih/zoom)*0.35'`,
    `d=1`, `s=${width}x${height}`, `fps=${SOURCE_FPS}`,
  ].join(':');
  return [
    '-v', 'error', '-y', '-nostdin', '-loop', '1', '-framerate', String(SOURCE_FPS), '-i', portrait,
    '-frames:v', String(frames),
    '-vf', `scale=${width * ZOOM_OVERSAMPLE}:${height * ZOOM_OVERSAMPLE}:flags=lanczos,zoompan=${zoompan},format=yuv420p`,
    // A well-made source (crf 16), as a phone or camera would hand over; fixed threads for stable bytes.
    '-c:v', 'libx264', '-preset', 'medium', '-crf', '16', '-threads', '2', '-an',
    '-fflags', '+bitexact', '-flags:v', '+bitexact', '-map_metadata', '-1', outPath,
  ];
}

type ZoomPanRecipe = Extract<VideoSourceRecipe, { kind: 'zoom-pan' }>;

async function zoomPanSource(id: string, recipe: ZoomPanRecipe, settings: RenderSettings, opts: SourceOptions): Promise<string> {
  const portrait = fixturePath(recipe.portrait);
  const outPath = join(opts.outDir, 'videos', `source-${id}.mp4`);
  const argsFor = (path: string) => zoomPanArgs(portrait, recipe.seconds, settings, path);
  const key = createHash('sha256')
    .update(JSON.stringify({ format: ZOOM_FORMAT, args: await argsFor('OUT'), ...settings }))
    .update(await readFile(portrait))
    .digest('hex').slice(0, 24);
  const cached = join(opts.outDir, 'cache', 'sources', `zoom-${key}.mp4`);
  if (!opts.useCache || !(await exists(cached))) {
    await mkdir(join(opts.outDir, 'cache', 'sources'), { recursive: true });
    await run(ffmpegPath(), await argsFor(`${cached}.part.mp4`), { signal: opts.signal });
    await rename(`${cached}.part.mp4`, cached);
  }
  await copyFile(cached, outPath);
  return outPath;
}

/**
 * The frames of `sourcePath` through the engine's encoder at lipsync-video's settings, no audio,
 * taking the path lipsync-video takes: decoded as decodeVideoFramesYuv420 gives them (BT.601 or
 * BT.709 kept as stored, anything else converted) and encoded tagged with that matrix. The floor is
 * then what the codec costs the dub.
 */
function reencodeJob(sourcePath: string, description: Record<string, unknown>): RenderJob {
  return {
    inputs: [sourcePath], settings: { mode: 'reencode', path: 'as lipsync-video' }, description,
    async render(outputPath, _workDir, signal) {
      const probe = await probeMedia(sourcePath, { signal });
      const { width, height, fps } = probe.video!;
      const frames: Uint8Array[] = [];
      for await (const frame of decodeVideoFramesYuv420(sourcePath, { width, height, fps, signal })) frames.push(frame.yuv);
      const encoder = openVideoEncoder({
        width, height, fps, frameCount: frames.length, durationSeconds: frames.length / fps, outputPath, signal,
        inputFormat: 'yuv420p', yuvMatrix: workingYuv420Matrix(probe.video!), crf: VIDEO_CRF,
      });
      try {
        for (const frame of frames) await encoder.writeFrame(frame);
        await encoder.finish();
      } catch (err) {
        encoder.abort();
        throw err;
      }
    },
  };
}

/** Makes (or reuses) a video row's source and its plain re-encode under `outDir/videos`. */
export async function prepareVideoSource(source: VideoSource, settings: RenderSettings, opts: SourceOptions): Promise<PreparedSource> {
  const cacheDir = join(opts.outDir, 'cache');
  let path: string;
  let renderSeconds = 0;
  if (source.recipe.kind === 'zoom-pan') {
    path = await zoomPanSource(source.id, source.recipe, settings, opts);
  } else {
    const { portrait, clip } = source.recipe;
    const made = await renderCached(
      imageJob(fixturePath(portrait), fixturePath(clip), settings, { source: source.id }),
      { cacheDir, useCache: opts.useCache, outputPath: join(opts.outDir, 'videos', `source-${source.id}.mp4`), signal: opts.signal },
    );
    path = made.path;
    renderSeconds = made.renderSeconds;
  }
  const reference = await renderCached(reencodeJob(path, { reencodeOf: source.id }), {
    cacheDir, useCache: opts.useCache, outputPath: join(opts.outDir, 'videos', `source-${source.id}.reencoded.mp4`), signal: opts.signal,
  });
  return { id: source.id, path, referencePath: reference.path, renderSeconds };
}
