// Per-stage wall time as seen from the progress a render reports. Used for the `timings` of a
// job that failed (the engine's own timings only arrive with a successful result).
export class StageClock {
  private readonly spent = new Map<string, number>();
  private currentStage: string | null = null;
  private currentSince = 0;
  private lastProgress = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Records a progress report; answers whether the stage changed. */
  report(stage: string, progress: number): boolean {
    this.lastProgress = progress;
    if (stage === this.currentStage) return false;
    this.closeCurrent();
    this.currentStage = stage;
    this.currentSince = this.now();
    return true;
  }

  get stage(): string | null {
    return this.currentStage;
  }

  get progress(): number {
    return this.lastProgress;
  }

  /** Milliseconds per stage so far, the running stage included. */
  timings(): Record<string, number> {
    const result: Record<string, number> = {};
    for (const [stage, ms] of this.spent) result[stage] = Math.round(ms);
    if (this.currentStage !== null) {
      const running = (this.spent.get(this.currentStage) ?? 0) + this.now() - this.currentSince;
      result[this.currentStage] = Math.round(running);
    }
    return result;
  }

  private closeCurrent(): void {
    if (this.currentStage === null) return;
    const before = this.spent.get(this.currentStage) ?? 0;
    this.spent.set(this.currentStage, before + this.now() - this.currentSince);
  }
}
