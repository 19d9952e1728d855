// Streams raw RGBA (or already converted yuv420p) frames into ffmpeg and muxes them with the voice track into an H.264/AAC MP4.
// Same frames + same audio + same options → the same bytes (bitexact flags, fixed thread count).
import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { AbortedError, ToolError } from '../errors.js';
import { ffmpegPath } from './binaries.js';
import { describeExit, startTool, type ToolExit, type ToolProcess } from './tool-process.js';
import { untrustedInputArgs } from './untrusted-input.js';
import { yuv420FrameBytes, type YuvMatrix } from './yuv420.js';

const AUDIO_SAMPLE_RATE = 48_000;

export interface VideoEncoderOptions {
  width: number;
  height: number;
  fps: number;
  /** Exactly this many frames must be written before finish(). */
  frameCount: number;
  /** The audio track is trimmed or padded with silence to exactly this length. */
  durationSeconds: number;
  /** Source of the audio track; without it the MP4 has no audio. */
  audioPath?: string;
  outputPath: string;
  /** libx264 preset; default veryfast. */
  preset?: string;
  /** libx264 constant rate factor; default 20. */
  crf?: number;
  /** Encoder threads; fixed because x264's output depends on the thread count. Default 2. */
  threads?: number;
  /**
   * What writeFrame() takes: 'rgba' (default; ffmpeg converts to BT.709 yuv420p) or limited-range
   * 'yuv420p' frames (media/yuv420.ts) in `yuvMatrix`.
   */
  inputFormat?: 'rgba' | 'yuv420p';
  /** The matrix of 'yuv420p' input, which the output is tagged with; default BT.709. */
  yuvMatrix?: YuvMatrix;
  signal?: AbortSignal;
}

export interface VideoEncoder {
  /** The ffmpeg process id (for logs and for tests that check it is gone). */
  readonly pid: number | undefined;
  /** Resolves once ffmpeg has taken the frame, so the caller may reuse the buffer. */
  writeFrame(frame: Uint8Array): Promise<void>;
  /** Closes the input, waits for ffmpeg and moves the finished MP4 to `outputPath`. */
  finish(): Promise<void>;
  /** Kills ffmpeg and removes the partial output. Safe to call at any time, also after finish(). */
  abort(): void;
}

/** ffmpeg's output options that tag limited-range video in `matrix` (with that standard's primaries and transfer). */
export function colourTags(matrix: YuvMatrix): string[] {
  const name = matrix === 'bt601' ? 'smpte170m' : 'bt709';
  return ['-colorspace', name, '-color_primaries', name, '-color_trc', name, '-color_range', 'tv'];
}

export function encoderArgs(opts: VideoEncoderOptions, partPath: string): string[] {
  const args = [
    '-hide_banner', '-nostdin', '-v', 'error', '-y',
    '-f', 'rawvideo', '-pix_fmt', opts.inputFormat ?? 'rgba', '-video_size', `${opts.width}x${opts.height}`,
    '-framerate', String(opts.fps), '-i', 'pipe:0',
  ];
  if (opts.audioPath) args.push(...untrustedInputArgs(opts.audioPath));
  args.push(
    // No -frames:v: this ffmpeg closes every stream of the file when one reaches its frame
    // limit, which would cut the audio. The video ends when stdin does, after frameCount frames.
    '-map', '0:v:0',
  );
  // Untagged video is shown with BT.601 or BT.709 depending on the player's guess; convert RGBA
  // with BT.709 and say so, so colours match everywhere. yuv420p input is tagged with its matrix.
  const rgba = (opts.inputFormat ?? 'rgba') === 'rgba';
  if (rgba) args.push('-vf', 'scale=out_color_matrix=bt709:out_range=tv,format=yuv420p');
  args.push(
    ...colourTags(rgba ? 'bt709' : opts.yuvMatrix ?? 'bt709'),
    '-c:v', 'libx264', '-preset', opts.preset ?? 'veryfast', '-crf', String(opts.crf ?? 20),
    '-pix_fmt', 'yuv420p', '-threads', String(opts.threads ?? 2),
  );
  if (opts.audioPath) {
    const samples = Math.round(opts.durationSeconds * AUDIO_SAMPLE_RATE);
    args.push(
      '-map', '1:a:0',
      '-af', `aresample=${AUDIO_SAMPLE_RATE},apad=whole_len=${samples},atrim=end_sample=${samples}`,
      '-c:a', 'aac', '-b:a', '128k', '-ar', String(AUDIO_SAMPLE_RATE), '-ac', '2',
    );
  }
  args.push(
    '-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact',
    '-map_metadata', '-1', '-map_chapters', '-1',
    '-movflags', '+faststart',
    '-f', 'mp4', partPath,
  );
  return args;
}

export function openVideoEncoder(opts: VideoEncoderOptions): VideoEncoder {
  validate(opts);
  const format = opts.inputFormat ?? 'rgba';
  const frameBytes = format === 'rgba' ? opts.width * opts.height * 4 : yuv420FrameBytes(opts.width, opts.height);
  const partPath = `${opts.outputPath}.${randomBytes(4).toString('hex')}.part`;
  const tool = startTool(ffmpegPath(), encoderArgs(opts, partPath), { stdin: 'pipe', stdout: 'ignore', signal: opts.signal });
  const stdin = tool.child.stdin!;
  let framesWritten = 0;
  let state: 'open' | 'finishing' | 'done' | 'aborted' = 'open';
  let cleanup: Promise<void> | undefined;
  // A function, because abort() may change `state` while finish() awaits.
  const isAborted = (): boolean => state === 'aborted';

  const discard = (): Promise<void> => {
    cleanup ??= tool.exited.then(() => rm(partPath, { force: true })).catch(() => {});
    return cleanup;
  };
  const abort = (): void => {
    if (state === 'done') return;
    state = 'aborted';
    stdin.destroy();
    tool.kill();
    void discard();
  };
  opts.signal?.addEventListener('abort', abort, { once: true });
  // If ffmpeg dies on its own (bad audio file, disk full) nothing else would remove its output.
  void tool.exited.then((exit) => {
    opts.signal?.removeEventListener('abort', abort);
    if (state === 'open' && exit.code !== 0) void discard();
  });

  const failure = async (): Promise<Error> => {
    if (opts.signal?.aborted || isAborted()) return new AbortedError('The job was cancelled');
    tool.kill();
    const exit = await tool.exited;
    await discard();
    return encodeError(exit, tool);
  };

  return {
    pid: tool.child.pid,

    async writeFrame(frame) {
      if (state !== 'open') throw state === 'aborted' ? new AbortedError('The job was cancelled') : new Error('The encoder is finished');
      if (frame.length !== frameBytes) throw new RangeError(`A frame must be ${frameBytes} bytes (${opts.width}×${opts.height} ${format}), got ${frame.length}`);
      if (framesWritten >= opts.frameCount) throw new RangeError(`The encoder takes ${opts.frameCount} frames`);
      framesWritten += 1;
      // Waiting for the write callback rather than only 'drain' keeps at most one frame queued and
      // guarantees ffmpeg has the bytes before the caller overwrites its buffer.
      const error = await new Promise<Error | null | undefined>((resolve) => stdin.write(frame, resolve));
      if (error || state !== 'open') throw await failure();
    },

    async finish() {
      if (state !== 'open') throw state === 'aborted' ? new AbortedError('The job was cancelled') : new Error('The encoder is already finished');
      if (framesWritten !== opts.frameCount) {
        abort();
        throw new RangeError(`The encoder got ${framesWritten} of ${opts.frameCount} frames`);
      }
      state = 'finishing';
      stdin.end();
      const exit = await tool.exited;
      if (exit.aborted || opts.signal?.aborted || isAborted()) {
        state = 'aborted';
        await discard();
        throw new AbortedError('The job was cancelled');
      }
      if (exit.code !== 0) {
        state = 'aborted';
        await discard();
        throw encodeError(exit, tool);
      }
      await rename(partPath, opts.outputPath);
      state = 'done';
    },

    abort,
  };
}

/**
 * Runs `produce` against a fresh encoder and finishes it; if `produce` throws, ffmpeg is killed
 * and the partial file removed before the error propagates.
 */
export async function withVideoEncoder(opts: VideoEncoderOptions, produce: (encoder: VideoEncoder) => Promise<void>): Promise<void> {
  const encoder = openVideoEncoder(opts);
  try {
    await produce(encoder);
    await encoder.finish();
  } catch (error) {
    encoder.abort();
    throw error;
  }
}

function encodeError(exit: ToolExit, tool: ToolProcess): ToolError {
  return new ToolError(`Encoding the video failed: ${describeExit('ffmpeg', exit, tool.stderrTail())}`);
}

function validate(opts: VideoEncoderOptions): void {
  const { width, height, fps, frameCount, durationSeconds } = opts;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 2 || height < 2 || width % 2 || height % 2) {
    throw new RangeError(`Video size must be even and at least 2×2, got ${width}×${height}`);
  }
  if (!(fps > 0) || !Number.isInteger(frameCount) || frameCount < 1 || !(durationSeconds > 0)) {
    throw new RangeError(`Invalid timing: ${frameCount} frames at ${fps} fps for ${durationSeconds} s`);
  }
}
