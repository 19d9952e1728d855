// Serves the source frames lipsync-video's timeline asks for, in its order, with bounded memory,
// as yuv420p (decodeVideoFramesYuv420's: the encoder's format). The first forward run takes the frames
// pass one decoded along with its own (a FrameHandoff) where there is one; other forward runs
// stream from one decoder; a jump restarts it; a backward run (bounce) reads chunks of frames
// from a seekable copy and hands them out last to first.
import { decodeVideoFramesYuv420, type DecodedYuv420Frame } from '../media/index.js';

/**
 * Output-size frames pass one decoded together with its analysis frames (decodeVideoFramePairs),
 * held in order until pass two reads them. Pass two runs at most the analysis lookahead behind
 * pass one, so this holds about a second of video; past `capacity` frames the oldest are dropped
 * (pass two then decodes from there itself).
 */
export class FrameHandoff {
  private readonly held = new Map<number, Uint8Array>();
  /** Lowest index that may still be held. */
  private oldest = 0;
  private closed = false;

  constructor(private readonly capacity: number) {}

  put(index: number, yuv: Uint8Array): void {
    if (this.closed || index < this.oldest) return;
    this.held.set(index, yuv);
    while (this.held.size > this.capacity) this.held.delete(this.oldest++);
  }

  /** Frame `index` if it is held, dropping every frame before it; null if it is not. */
  take(index: number): Uint8Array | null {
    while (this.oldest < index) this.held.delete(this.oldest++);
    const frame = this.held.get(index) ?? null;
    this.held.delete(index);
    this.oldest = Math.max(this.oldest, index + 1);
    return frame;
  }

  /** Nothing more is taken: drop what is held and ignore later frames. */
  close(): void {
    this.closed = true;
    this.held.clear();
  }
}

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
  /** Frames 0, 1, 2 … as pass one decoded them; used while the timeline reads them in that order. */
  handoff?: FrameHandoff;
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
  private handoff: FrameHandoff | null;
  private handoffNext = 0;

  constructor(private readonly path: string, private readonly opts: SourceFramesOptions) {
    this.chunkFrames = Math.max(1, opts.chunkFrames ?? 16);
    this.handoff = opts.handoff ?? null;
  }

  /**
   * Source frame `index` as yuv420p; a fresh buffer the caller may overwrite. Each call returns a
   * new buffer, so asking twice for a frame decodes it twice.
   */
  async frame(index: number): Promise<Uint8Array> {
    const stepBack = index === this.lastRequested - 1;
    this.lastRequested = index;
    if (this.handoff) {
      const handed = index === this.handoffNext ? this.handoff.take(index) : null;
      if (handed) {
        this.handoffNext += 1;
        return handed;
      }
      // The timeline left the first forward run (or the frame was dropped): decode from here on.
      this.handoff.close();
      this.handoff = null;
    }
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
    this.handoff?.close();
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
