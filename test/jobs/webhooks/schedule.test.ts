import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_RETRY_SCHEDULE_MS,
  MAX_RETRY_AFTER_MS,
  nextRetryDelay,
  parseRetryAfter,
  proportionalJitter,
} from '../../../src/jobs/webhooks/index.js';

const exact = (ms: number) => ms;
const s = 1000;
const h = 3600 * s;

describe('webhook retry schedule', () => {
  test('is immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h: ten attempts over about 75 hours', () => {
    assert.deepEqual(DEFAULT_RETRY_SCHEDULE_MS, [0, 5 * s, 300 * s, 1800 * s, 2 * h, 5 * h, 10 * h, 14 * h, 20 * h, 24 * h]);
    const total = DEFAULT_RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0);
    assert.ok(total > 24 * h, 'retried for at least 24 h, as the contract asks');
  });

  test('after n failed attempts the next waits the n-th delay; after the tenth there is none', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => nextRetryDelay(n, DEFAULT_RETRY_SCHEDULE_MS, exact, null));
    assert.deepEqual(delays, DEFAULT_RETRY_SCHEDULE_MS.slice(1));
    assert.equal(nextRetryDelay(10, DEFAULT_RETRY_SCHEDULE_MS, exact, null), null);
  });

  test('jitter spreads a delay within ±20 % and leaves "immediately" immediate', () => {
    for (let i = 0; i < 200; i++) {
      const jittered = proportionalJitter(5 * s);
      assert.ok(jittered >= 4 * s && jittered <= 6 * s, String(jittered));
    }
    assert.equal(proportionalJitter(0), 0);
  });

  test('Retry-After is a floor: it lengthens a short delay, never shortens a long one, and is capped at 24 h', () => {
    assert.equal(nextRetryDelay(1, DEFAULT_RETRY_SCHEDULE_MS, exact, 60 * s), 60 * s);
    assert.equal(nextRetryDelay(2, DEFAULT_RETRY_SCHEDULE_MS, exact, 1 * s), 300 * s);
    assert.equal(nextRetryDelay(1, DEFAULT_RETRY_SCHEDULE_MS, exact, 30 * 24 * h), MAX_RETRY_AFTER_MS);
    assert.equal(nextRetryDelay(10, DEFAULT_RETRY_SCHEDULE_MS, exact, 1 * s), null, 'Retry-After does not add attempts');
  });

  test('Retry-After is read as delta-seconds or an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('120', now), 120 * s);
    assert.equal(parseRetryAfter(['7'], now), 7 * s);
    assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:01:30 GMT', now), 90 * s);
    assert.equal(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now), 0, 'a date in the past means now');
    assert.equal(parseRetryAfter('soon', now), null);
    assert.equal(parseRetryAfter(undefined, now), null);
  });
});
