// Per-stage wall-clock timings and progress reporting shared by the pipelines.
import { AbortedError } from '../errors.js';
import type { ProgressEvent, Stage } from '../types.js';

/** Progress share of each stage, so progress moves evenly over a typical job. */
const STAGE_SPAN: Record<Stage, [number, number]> = {
  queued: [0, 0], fetch: [0, 0.1], analyse: [0.1, 0.2], render: [0.2, 0.95], encode: [0.95, 0.99], finalize: [0.99, 1],
};

export class StageClock {
  readonly timings: Record<string, number> = {};
  private current: Stage | null = null;
  private startedAt = 0;
  private lastReport = -1;

  constructor(private readonly onProgress?: (e: ProgressEvent) => void, private readonly signal?: AbortSignal) {}

  enter(stage: Stage): void {
    this.checkAborted();
    this.close();
    this.current = stage;
    this.startedAt = performance.now();
    this.report(0);
  }

  /** Report progress within the current stage (0..1); throttled to 1 % steps. */
  report(withinStage: number): void {
    if (!this.current || !this.onProgress) return;
    const [a, b] = STAGE_SPAN[this.current];
    const progress = Math.round((a + (b - a) * Math.min(1, Math.max(0, withinStage))) * 100) / 100;
    if (progress === this.lastReport) return;
    this.lastReport = progress;
    this.onProgress({ stage: this.current, progress });
  }

  checkAborted(): void {
    if (this.signal?.aborted) throw new AbortedError('The job was cancelled');
  }

  /** Close the running stage and return the timings. */
  finish(): Record<string, number> {
    this.close();
    return this.timings;
  }

  private close(): void {
    if (!this.current) return;
    this.timings[this.current] = Math.round((this.timings[this.current] ?? 0) + performance.now() - this.startedAt);
    this.current = null;
  }
}
