// Decodes a video's frames through an ffmpeg pipe, one frame in memory at a time: the consumer's
// pace is ffmpeg's pace, because an unread pipe blocks it. Frames come as RGBA (for analysis) or
// as limited-range yuv420p (BT.709, or BT.601 kept from an SD source), the encoder's own format, so
// a pipeline that changes only part of each frame sends the rest through without any colour
// conversion (media/yuv420.ts).
import { AbortedError, InvalidMediaError, ToolError } from '../errors.js';
import { ffmpegPath } from './binaries.js';
import { DEFAULT_FIELD } from './media-file.js';
import { probeMedia, type MediaProbe } from './probe.js';
import { describeExit, startTool, type ToolExit, type ToolProcess } from './tool-process.js';
import { invalidFormatError, throwIfAborted, toolComplaint, untrustedInputArgs } from './untrusted-input.js';
import { yuv420FrameBytes, type YuvMatrix } from './yuv420.js';

export interface DecodedFrame {
  index: number;
  /** RGBA, length === width * height * 4; a fresh buffer per frame, the caller may keep it. */
  rgba: Uint8Array;
  width: number;
  height: number;
}

export interface DecodedYuv420Frame {
  index: number;
  /**
   * yuv420p, limited range, in the matrix workingYuv420 names for the video; length ===
   * yuv420FrameBytes(width, height); a fresh buffer per frame.
   */
  yuv: Uint8Array;
  width: number;
  height: number;
}

export interface DecodeVideoOptions {
  /** Output size; with only one of them the other follows the aspect ratio. Default: the upright source size. */
  width?: number;
  height?: number;
  /** Resample to this constant frame rate (frames dropped or repeated); default: the source's frames. */
  fps?: number;
  /**
   * Start at the first frame shown at or after this time (ffmpeg's accurate input seek: it decodes
   * from the keyframe before and drops what precedes). `index` still counts from 0 here.
   */
  startSeconds?: number;
  signal?: AbortSignal;
  field?: string;
}

export async function* decodeVideoFrames(path: string, opts: DecodeVideoOptions = {}): AsyncGenerator<DecodedFrame> {
  for await (const frame of decodeRawFrames(path, opts, 'rgba')) {
    yield { index: frame.index, rgba: frame.data, width: frame.width, height: frame.height };
  }
}

/**
 * The frames as limited-range yuv420p (an odd size is rounded to even). A source in BT.709 or
 * BT.601 limited range is only scaled and keeps its matrix; any other (full range, BT.2020, RGB)
 * is converted to BT.709 through RGB exactly as an RGBA decode + the encoder would. Which of the
 * two a video's frames are in: workingYuv420.
 */
export async function* decodeVideoFramesYuv420(path: string, opts: DecodeVideoOptions = {}): AsyncGenerator<DecodedYuv420Frame> {
  for await (const frame of decodeRawFrames(path, opts, 'yuv420p')) {
    yield { index: frame.index, yuv: frame.data, width: frame.width, height: frame.height };
  }
}

async function* decodeRawFrames(
  path: string, opts: DecodeVideoOptions, format: 'rgba' | 'yuv420p',
): AsyncGenerator<{ index: number; data: Uint8Array; width: number; height: number }> {
  const field = opts.field ?? DEFAULT_FIELD;
  const probe = await probeMedia(path, { signal: opts.signal, field });
  if (!probe.video || probe.video.width <= 0 || probe.video.height <= 0) throw invalidFormatError(field, 'it has no video track');
  const colour = format === 'yuv420p' ? probe.video.colour : null;
  // ffmpeg applies the rotation metadata itself, so sizes are of the upright picture.
  const turned = probe.video.rotation === 90 || probe.video.rotation === 270;
  const source = turned
    ? { width: probe.video.height, height: probe.video.width }
    : { width: probe.video.width, height: probe.video.height };
  let { width, height } = outputSize(source, opts);
  if (format === 'yuv420p') {
    width = Math.max(2, width & ~1);
    height = Math.max(2, height & ~1);
  }

  const scale = `scale=${width}:${height}:flags=bicubic`;
  const filters = [
    ...(opts.fps ? [`fps=${opts.fps}`] : []),
    ...(colour ? toWorkingYuv420(scale, colour, probe.video.width, probe.video.height).filters : [scale, 'format=rgba']),
  ];
  const args = [
    '-hide_banner', '-nostdin', '-v', 'error',
    ...(opts.startSeconds && opts.startSeconds > 0 ? ['-ss', opts.startSeconds.toFixed(6)] : []),
    ...untrustedInputArgs(path),
    '-map', '0:v:0', '-an', '-sn', '-dn',
    '-vf', filters.join(','),
    '-f', 'rawvideo', '-pix_fmt', format, 'pipe:1',
  ];
  const tool = startTool(ffmpegPath(), args, { signal: opts.signal });
  const frameBytes = format === 'rgba' ? width * height * 4 : yuv420FrameBytes(width, height);
  let index = 0;
  try {
    let frame = new Uint8Array(frameBytes);
    let filled = 0;
    for await (const chunk of tool.child.stdout as AsyncIterable<Buffer>) {
      let offset = 0;
      while (offset < chunk.length) {
        const take = Math.min(frameBytes - filled, chunk.length - offset);
        frame.set(chunk.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === frameBytes) {
          if (opts.signal?.aborted) throw new AbortedError('The job was cancelled', { cause: opts.signal.reason });
          yield { index, data: frame, width, height };
          index += 1;
          frame = new Uint8Array(frameBytes);
          filled = 0;
        }
      }
    }
    throwIfDecodeFailed(tool, await tool.exited, { path, field, frames: index, partialFrame: filled !== 0, signal: opts.signal });
  } finally {
    // Reached early when the consumer stops iterating or throws: ffmpeg must not outlive it.
    tool.kill();
    await tool.exited;
  }
}

/** Once a decoding ffmpeg has exited: the error for how it ended, if it did not end well. */
export function throwIfDecodeFailed(
  tool: ToolProcess, exit: ToolExit,
  decoded: { path: string; field: string; frames: number; partialFrame: boolean; signal?: AbortSignal },
): void {
  const { path, field, frames } = decoded;
  throwIfAborted(exit, decoded.signal);
  if (exit.spawnError) throw new ToolError(describeExit('ffmpeg', exit, tool.stderrTail()));
  if (exit.code !== 0) {
    const reason = toolComplaint(tool.stderrTail(), path) ?? 'unknown error';
    if (frames === 0) throw invalidFormatError(field, reason);
    throw new InvalidMediaError(`The video file is truncated or corrupt: ${field} stopped decoding after ${frames} frames (${reason})`);
  }
  if (decoded.partialFrame) throw new ToolError(`ffmpeg ended ${field} with a partial frame`);
}

function outputSize(source: { width: number; height: number }, opts: DecodeVideoOptions): { width: number; height: number } {
  const { width, height } = opts;
  if (width && height) return { width, height };
  if (width) return { width, height: Math.max(1, Math.round((source.height * width) / source.width)) };
  if (height) return { width: Math.max(1, Math.round((source.width * height) / source.height)), height };
  return source;
}

/** How a video stream's samples encode colour, as MediaProbe reports it. */
type VideoColour = NonNullable<MediaProbe['video']>['colour'];

/** How decodeVideoFramesYuv420 delivers a video's frames: the filters after any fps filter, and the frames' matrix. */
export interface WorkingYuv420 {
  filters: string[];
  matrix: YuvMatrix;
}

/**
 * How decodeVideoFramesYuv420 delivers `path`'s frames at `width` × `height`: for a process that
 * writes them elsewhere (seekable-copy.ts, paired-decode.ts) and for the pipeline that must tag
 * its output with their matrix.
 */
export async function workingYuv420(
  path: string, width: number, height: number, opts: { signal?: AbortSignal; field?: string } = {},
): Promise<WorkingYuv420> {
  const field = opts.field ?? DEFAULT_FIELD;
  const probe = await probeMedia(path, { signal: opts.signal, field });
  if (!probe.video || probe.video.width <= 0 || probe.video.height <= 0) throw invalidFormatError(field, 'it has no video track');
  return toWorkingYuv420(`scale=${width}:${height}:flags=bicubic`, probe.video.colour, probe.video.width, probe.video.height);
}

/** The matrix decodeVideoFramesYuv420 gives the frames of a video with this probe in. */
export function workingYuv420Matrix(video: NonNullable<MediaProbe['video']>): YuvMatrix {
  return toWorkingYuv420('', video.colour, video.width, video.height).matrix;
}

/** ffprobe's colour-space names → the scale filter's colour-matrix names. */
const SCALE_MATRIX: Record<string, string> = {
  bt709: 'bt709', smpte170m: 'bt601', bt470bg: 'bt601', fcc: 'fcc', smpte240m: 'smpte240m', bt2020nc: 'bt2020', bt2020c: 'bt2020',
};

/**
 * Filters from a decoded source frame to limited-range yuv420p at the scale's size. A source in
 * BT.709 or BT.601 limited range keeps its samples (only scaled), so what lipsync-video does not
 * dub reaches the encoder exactly as decoded and the output is tagged with the source's matrix:
 * converting a BT.601 clip to BT.709 through 8-bit RGB alone cost ≈ 3.5 dB of PSNR outside the mouth
 * (eval/README.md). Anything else (full range, BT.2020, RGB) is converted to BT.709.
 * Untagged video is read as players guess (mpv's rule): BT.709 when HD (1280 wide or more than 576
 * lines), else BT.601, so the output looks like the source in the same player. A `yuvj` format
 * means full range. This ffmpeg's scaler mishandles a matrix change from YUV to YUV (it also
 * squeezes the range: ≈ 2 levels darker on a BT.601 clip), so any change of matrix or range goes
 * through RGB.
 */
function toWorkingYuv420(scale: string, colour: VideoColour, codedWidth: number, codedHeight: number): WorkingYuv420 {
  const isYuv = colour.pixelFormat.startsWith('yuv');
  const fullRange = colour.range === 'pc' || (colour.range === 'unknown' && colour.pixelFormat.startsWith('yuvj'));
  const hd = Math.max(codedWidth, codedHeight) >= 1280 || Math.min(codedWidth, codedHeight) > 576;
  const matrix = SCALE_MATRIX[colour.space] ?? (colour.space === 'unknown' && isYuv ? (hd ? 'bt709' : 'bt601') : undefined);
  if (isYuv && !fullRange && (matrix === 'bt709' || matrix === 'bt601')) return { filters: [scale, 'format=yuv420p'], matrix };
  const readAs = isYuv ? `:in_range=${fullRange ? 'pc' : 'tv'}${matrix ? `:in_color_matrix=${matrix}` : ''}` : '';
  // RGBA, not RGB24: the scaler takes another path for RGB24, and its result is ≈ 0.5 levels off.
  return { filters: [`${scale}${readAs}`, 'format=rgba', 'scale=out_color_matrix=bt709:out_range=tv', 'format=yuv420p'], matrix: 'bt709' };
}
