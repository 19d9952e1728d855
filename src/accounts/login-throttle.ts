// Slows password guessing: after a few failed log-ins for one e-mail (or from one address) within
// a window, further attempts are refused until the window passes. Counts failures, not requests,
// which is why this is not @fastify/rate-limit: a person who types well is never throttled.
// In memory: per process, which is enough for one machine; several API machines each keep their
// own count (an attacker gets N× the attempts, still a small number).

export interface LoginThrottleOptions {
  maxFailures: number;
  windowMs: number;
}

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly options: LoginThrottleOptions = { maxFailures: 5, windowMs: 15 * 60_000 }) {}

  /** Seconds until `keys` may try again; 0 when they may now. */
  retryAfterSeconds(keys: string[], now = Date.now()): number {
    let waitMs = 0;
    for (const key of keys) {
      const recent = this.recent(key, now);
      if (recent.length >= this.options.maxFailures) waitMs = Math.max(waitMs, recent[0] + this.options.windowMs - now);
    }
    return Math.ceil(waitMs / 1000);
  }

  recordFailure(keys: string[], now = Date.now()): void {
    for (const key of keys) this.failures.set(key, [...this.recent(key, now), now]);
    if (this.failures.size > 10_000) this.prune(now);
  }

  recordSuccess(keys: string[]): void {
    for (const key of keys) this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.options.windowMs);
  }

  private prune(now: number): void {
    for (const key of [...this.failures.keys()]) {
      if (this.recent(key, now).length === 0) this.failures.delete(key);
    }
  }
}
