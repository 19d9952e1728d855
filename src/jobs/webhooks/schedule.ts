// When a webhook is tried again: the schedule of the issue (the one Svix and the Standard
// Webhooks guidance use), spread with jitter so that receivers coming back after an outage are
// not hit by every retry in the same second, and never earlier than the receiver's Retry-After.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Delay before each attempt, counted from the previous one: the first is immediate, the tenth
 * comes about 75 hours after the job finished. Ten attempts, then the delivery fails.
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [
  0,
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  14 * HOUR,
  20 * HOUR,
  24 * HOUR,
];

/** A Retry-After longer than this is taken as this: a receiver cannot park a delivery for weeks. */
export const MAX_RETRY_AFTER_MS = 24 * HOUR;

/** Spreads a delay; the default draws uniformly from ±20 %. Tests inject the identity. */
export type Jitter = (delayMs: number) => number;

export const proportionalJitter: Jitter = (delayMs) => delayMs * (0.8 + 0.4 * Math.random());

/**
 * Milliseconds until the next attempt after `attemptsInSequence` attempts have failed, or null
 * when the schedule is used up. A Retry-After is a floor: the receiver asked us not to come
 * sooner, and the schedule's own backoff still applies when it is longer.
 */
export function nextRetryDelay(
  attemptsInSequence: number,
  schedule: readonly number[],
  jitter: Jitter,
  retryAfterMs: number | null,
): number | null {
  if (attemptsInSequence >= schedule.length) return null;
  const scheduled = Math.max(0, Math.round(jitter(schedule[attemptsInSequence])));
  if (retryAfterMs === null) return scheduled;
  return Math.max(scheduled, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}

/**
 * A Retry-After header in milliseconds from `now`: delta-seconds ("120") or an HTTP date. Null
 * when absent or unreadable (then the schedule alone decides).
 */
export function parseRetryAfter(header: string | string[] | undefined, now: number): number | null {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * SECOND;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}
