// One decode of a video giving every frame twice: at the output size as yuv420p (what
// decodeVideoFramesYuv420 gives) and at an analysis size as RGBA (what decodeVideoFrames gives).
// lipsync-video reads each source frame in both forms, the small one a little earlier than the
// big one; decoding once with ffmpeg's split filter instead of twice saves a whole decode's CPU
// (≈ 0.85 s of 2.3 s on 10 s of 720p). The frames are the same bytes the two decoders give.
import { AbortedError } from '../errors.js';
import { ffmpegPath } from './binaries.js';
import { DEFAULT_FIELD } from './media-file.js';
import { startTool } from './tool-process.js';
import { untrustedInputArgs } from './untrusted-input.js';
import { throwIfDecodeFailed, workingYuv420 } from './video-decode.js';
import { yuv420FrameBytes } from './yuv420.js';

export interface DecodedFramePair {
  index: number;
  /** Output size, yuv420p as decodeVideoFramesYuv420 gives it; a fresh buffer per frame. */
  yuv: Uint8Array;
  /** Analysis size, RGBA; a fresh buffer per frame. */
  rgba: Uint8Array;
}

export interface PairedDecodeOptions {
  /** Constant output frame rate (frames dropped or repeated), as decodeVideoFrames' `fps`. */
  fps: number;
  /** Size of the yuv420p frames (even). */
  full: { width: number; height: number };
  /** Size of the RGBA frames. */
  analysis: { width: number; height: number };
  signal?: AbortSignal;
  field?: string;
}

/**
 * Complete pairs read ahead before both pipes pause. The two outputs are not written in strict
 * alternation (a frame repeated by the fps filter goes to one output twice before the other),
 * so a pipe is only paused while whole pairs are waiting: pausing one the consumer still needs
 * a frame from would block ffmpeg on the other one for ever.
 */
const PAIRS_AHEAD = 2;

export async function* decodeVideoFramePairs(path: string, opts: PairedDecodeOptions): AsyncGenerator<DecodedFramePair> {
  const field = opts.field ?? DEFAULT_FIELD;
  const full = { width: Math.max(2, opts.full.width & ~1), height: Math.max(2, opts.full.height & ~1) };
  const toYuv = await workingYuv420(path, full.width, full.height, { signal: opts.signal, field });
  // sws_flags: the scalers a simple -vf graph gets use bicubic; a complex graph's default is bilinear.
  const graph = 'sws_flags=bicubic;' + [
    `[0:v]fps=${opts.fps},split=2[full_in][analysis_in]`,
    `[full_in]${toYuv.filters.join(',')}[full]`,
    `[analysis_in]scale=${opts.analysis.width}:${opts.analysis.height}:flags=bicubic,format=rgba[analysis]`,
  ].join(';');
  const args = [
    '-hide_banner', '-nostdin', '-v', 'error',
    ...untrustedInputArgs(path),
    '-an', '-sn', '-dn', '-filter_complex', graph,
    '-map', '[full]', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1',
    '-map', '[analysis]', '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:3',
  ];
  const tool = startTool(ffmpegPath(), args, { signal: opts.signal, extraOutputPipes: 1 });
  const yuvFrames = new FrameQueue(tool.child.stdout!, yuv420FrameBytes(full.width, full.height));
  const rgbaFrames = new FrameQueue(tool.child.stdio[3] as NodeJS.ReadableStream, opts.analysis.width * opts.analysis.height * 4);
  const pace = (): void => {
    const paused = Math.min(yuvFrames.length, rgbaFrames.length) >= PAIRS_AHEAD;
    yuvFrames.setPaused(paused);
    rgbaFrames.setPaused(paused);
  };
  let index = 0;
  try {
    for (;;) {
      pace();
      const [yuv, rgba] = await Promise.all([yuvFrames.next(), rgbaFrames.next()]);
      if (!yuv || !rgba) break;
      if (opts.signal?.aborted) throw new AbortedError('The job was cancelled', { cause: opts.signal.reason });
      yield { index, yuv, rgba };
      index += 1;
    }
    throwIfDecodeFailed(tool, await tool.exited, { path, field, frames: index, partialFrame: yuvFrames.partial || rgbaFrames.partial, signal: opts.signal });
  } finally {
    // Reached early when the consumer stops iterating or throws: ffmpeg must not outlive it.
    tool.kill();
    yuvFrames.setPaused(false);
    rgbaFrames.setPaused(false);
    await tool.exited;
  }
}

/** Whole frames cut from one of ffmpeg's output pipes, in order. */
class FrameQueue {
  private readonly frames: Uint8Array[] = [];
  private current: Uint8Array;
  private filled = 0;
  private ended = false;
  private paused = false;
  private waiter: (() => void) | null = null;

  constructor(private readonly stream: NodeJS.ReadableStream, private readonly frameBytes: number) {
    this.current = new Uint8Array(frameBytes);
    stream.on('data', (chunk: Buffer) => this.take(chunk));
    // An 'error' on the pipe ends it here; the exit code says what went wrong.
    const end = (): void => {
      this.ended = true;
      this.wake();
    };
    stream.on('end', end);
    stream.on('error', end);
  }

  get length(): number {
    return this.frames.length;
  }

  /** Bytes of an unfinished frame left when the pipe ended. */
  get partial(): boolean {
    return this.filled !== 0;
  }

  setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    if (paused) this.stream.pause();
    else this.stream.resume();
  }

  /** The next frame, or null once the pipe has ended. */
  async next(): Promise<Uint8Array | null> {
    while (this.frames.length === 0 && !this.ended) {
      this.setPaused(false);
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    return this.frames.shift() ?? null;
  }

  private take(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(this.frameBytes - this.filled, chunk.length - offset);
      this.current.set(chunk.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === this.frameBytes) {
        this.frames.push(this.current);
        this.current = new Uint8Array(this.frameBytes);
        this.filled = 0;
      }
    }
    this.wake();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }
}
