// Serves the source frames lipsync-video's timeline asks for, in its order, with bounded memory,
// as yuv420p (BT.709 limited range: the encoder's format). Forward runs stream from one decoder;
// a jump restarts it; a backward run (bounce) reads chunks of frames from a seekable copy and
// hands them out last to first.
import { decodeVideoFramesYuv420, type DecodedYuv420Frame } from '../media/index.js';

export interface SourceFramesOptions {
  width: number;
  height: number;
  fps: number;
  /**
   * Makes (once) and returns a copy made by writeSeekableVideoCopy (same frames, constant rate,
   * frequent keyframes): backward reads and jumps seek in it; without it they decode again from
   * the start. Reads from frame 0 onwards always use the source itself, so it is only called
   * when the timeline first goes back.
   */
  seekableCopy?: () => Promise<string>;
  /** Frames decoded per backward chunk (memory: this many frames). */
  chunkFrames?: number;
  signal?: AbortSignal;
  field?: string;
}

export class SourceFrames {
  private decoder: AsyncGenerator<DecodedYuv420Frame> | null = null;
  /** Index of the frame the decoder yields next. */
  private next = 0;
  private chunk: { start: number; frames: Array<Uint8Array | null> } | null = null;
  private lastRequested = -1;
  private readonly chunkFrames: number;

  constructor(private readonly path: string, private readonly opts: SourceFramesOptions) {
    this.chunkFrames = Math.max(1, opts.chunkFrames ?? 16);
  }

  /**
   * Source frame `index` as yuv420p; a fresh buffer the caller may overwrite. Each call returns a
   * new buffer, so asking twice for a frame decodes it twice.
   */
  async frame(index: number): Promise<Uint8Array> {
    const stepBack = index === this.lastRequested - 1;
    this.lastRequested = index;
    const cached = this.fromChunk(index);
    if (cached) return cached;
    if (index >= this.next && this.decoder) return this.forwardTo(index);
    if (stepBack) {
      await this.loadChunkEndingAt(index);
      return this.fromChunk(index)!;
    }
    await this.restartAt(index);
    return this.forwardTo(index);
  }

  async close(): Promise<void> {
    await this.decoder?.return(undefined);
    this.decoder = null;
    this.chunk = null;
  }

  private fromChunk(index: number): Uint8Array | null {
    if (!this.chunk) return null;
    const k = index - this.chunk.start;
    if (k < 0 || k >= this.chunk.frames.length) return null;
    const frame = this.chunk.frames[k];
    // Handed out once: the caller draws on it.
    this.chunk.frames[k] = null;
    return frame;
  }

  private async forwardTo(index: number): Promise<Uint8Array> {
    for (;;) {
      const { value, done } = await this.decoder!.next();
      if (done) throw new RangeError(`source frame ${index} is past the end of the video (${this.next} frames)`);
      this.next += 1;
      if (this.next - 1 === index) return value.yuv;
    }
  }

  private async openDecoder(start: number): Promise<AsyncGenerator<DecodedYuv420Frame>> {
    const { width, height, fps, signal, field } = this.opts;
    if (start > 0 && this.opts.seekableCopy) {
      const copy = await this.opts.seekableCopy();
      // Half a frame early: the seek keeps frames at or after the time, and rounding must not lose this one.
      const startSeconds = (start - 0.5) / fps;
      return decodeVideoFramesYuv420(copy, { width, height, startSeconds, signal, field });
    }
    return decodeVideoFramesYuv420(this.path, { width, height, fps, signal, field });
  }

  private async restartAt(index: number): Promise<void> {
    await this.decoder?.return(undefined);
    this.decoder = null;
    const start = this.opts.seekableCopy ? index : 0;
    this.decoder = await this.openDecoder(start);
    this.next = start;
  }

  private async loadChunkEndingAt(index: number): Promise<void> {
    const start = Math.max(0, index - this.chunkFrames + 1);
    await this.restartAt(start);
    const frames: Array<Uint8Array | null> = [];
    for (let i = start; i <= index; i++) frames.push(await this.forwardTo(i));
    this.chunk = { start, frames };
    // The decoder sits just past the chunk; the next backward step loads the chunk before it.
  }
}
