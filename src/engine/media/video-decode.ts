// Decodes a video's frames as RGBA through an ffmpeg pipe, one frame in memory at a time: the
// consumer's pace is ffmpeg's pace, because an unread pipe blocks it.
import { AbortedError, InvalidMediaError, ToolError } from '../errors.js';
import { ffmpegPath } from './binaries.js';
import { DEFAULT_FIELD } from './media-file.js';
import { probeMedia } from './probe.js';
import { describeExit, startTool } from './tool-process.js';
import { invalidFormatError, throwIfAborted, toolComplaint, untrustedInputArgs } from './untrusted-input.js';

export interface DecodedFrame {
  index: number;
  /** RGBA, length === width * height * 4; a fresh buffer per frame, the caller may keep it. */
  rgba: Uint8Array;
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
  const field = opts.field ?? DEFAULT_FIELD;
  const probe = await probeMedia(path, { signal: opts.signal, field });
  if (!probe.video || probe.video.width <= 0 || probe.video.height <= 0) throw invalidFormatError(field, 'it has no video track');
  // ffmpeg applies the rotation metadata itself, so sizes are of the upright picture.
  const turned = probe.video.rotation === 90 || probe.video.rotation === 270;
  const source = turned
    ? { width: probe.video.height, height: probe.video.width }
    : { width: probe.video.width, height: probe.video.height };
  const { width, height } = outputSize(source, opts);

  const filters = [
    ...(opts.fps ? [`fps=${opts.fps}`] : []),
    `scale=${width}:${height}:flags=bicubic`,
    'format=rgba',
  ];
  const args = [
    '-hide_banner', '-nostdin', '-v', 'error',
    ...(opts.startSeconds && opts.startSeconds > 0 ? ['-ss', opts.startSeconds.toFixed(6)] : []),
    ...untrustedInputArgs(path),
    '-map', '0:v:0', '-an', '-sn', '-dn',
    '-vf', filters.join(','),
    '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1',
  ];
  const tool = startTool(ffmpegPath(), args, { signal: opts.signal });
  const frameBytes = width * height * 4;
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
          yield { index, rgba: frame, width, height };
          index += 1;
          frame = new Uint8Array(frameBytes);
          filled = 0;
        }
      }
    }
    const exit = await tool.exited;
    throwIfAborted(exit, opts.signal);
    if (exit.spawnError) throw new ToolError(describeExit('ffmpeg', exit, tool.stderrTail()));
    if (exit.code !== 0) {
      const reason = toolComplaint(tool.stderrTail(), path) ?? 'unknown error';
      if (index === 0) throw invalidFormatError(field, reason);
      throw new InvalidMediaError(`The video file is truncated or corrupt: ${field} stopped decoding after ${index} frames (${reason})`);
    }
    if (filled !== 0) throw new ToolError(`ffmpeg ended ${field} with a partial frame`);
  } finally {
    // Reached early when the consumer stops iterating or throws: ffmpeg must not outlive it.
    tool.kill();
    await tool.exited;
  }
}

function outputSize(source: { width: number; height: number }, opts: DecodeVideoOptions): { width: number; height: number } {
  const { width, height } = opts;
  if (width && height) return { width, height };
  if (width) return { width, height: Math.max(1, Math.round((source.height * width) / source.width)) };
  if (height) return { width: Math.max(1, Math.round((source.width * height) / source.height)), height };
  return source;
}
