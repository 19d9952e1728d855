// Runs a piece of housekeeping now and then every interval (plan renewals, expired sessions),
// logging failures instead of crashing, never overlapping itself, and awaitable on shutdown.
import type { Logger } from 'pino';

export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.timer) return;
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One run; a call while one is running shares it. */
  runOnce(): Promise<void> {
    this.running ??= this.work()
      .then(
        (result) => {
          if (typeof result === 'number' && result > 0) this.logger.info({ task: this.name, count: result }, `${this.name}: done`);
        },
        (error: unknown) => this.logger.error({ err: error, task: this.name }, `${this.name} failed`),
      )
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }
}
