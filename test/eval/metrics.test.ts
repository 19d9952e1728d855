// The sync metrics on synthetic series whose answers are known by construction.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  bilabialClosure, chatterShare, circularShift, closedThreshold, closureInSilence, CLOSED_GAP_MAX_IOD, CLOSED_GAP_MIN_IOD,
  CLOSED_MARGIN_IOD, pearson, syncCorrelation, syncLag,
} from '../../eval/metrics.js';

const FPS = 25;

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A speech-like loudness envelope in dB: syllables at ~4 Hz with random heights, smoothed. */
function syllableEnvelope(frames: number, seed: number): Float32Array {
  const rand = random(seed);
  const raw = new Float32Array(frames);
  for (let k = 0; k < frames; k++) raw[k] = -40 + 30 * rand();
  const out = new Float32Array(frames);
  for (let k = 0; k < frames; k++) {
    let sum = 0, n = 0;
    for (let j = Math.max(0, k - 2); j <= Math.min(frames - 1, k + 2); j++) { sum += raw[j]; n++; }
    out[k] = sum / n;
  }
  return out;
}

/** A mouth that opens with the envelope: 0.02 IOD closed … ~0.32 open. */
function gapFollowing(envelope: Float32Array): Float32Array {
  return envelope.map((db) => 0.02 + 0.01 * (db + 40));
}

const allSpeech = (n: number): Uint8Array => new Uint8Array(n).fill(1);

describe('pearson', () => {
  test('is 1 for proportional series, −1 for opposite ones, and skips masked or missing frames', () => {
    assert.equal(pearson([1, 2, 3, 4], [2, 4, 6, 8]), 1);
    assert.equal(pearson([1, 2, 3, 4], [8, 6, 4, 2]), -1);
    assert.ok(Math.abs(pearson([1, 2, 3, 4, 100], [1, 2, 3, 4, -50], [1, 1, 1, 1, 0]) - 1) < 1e-12);
    assert.ok(Math.abs(pearson([1, 2, NaN, 3, 4], [1, 2, 99, 3, 4]) - 1) < 1e-12);
  });

  test('calls a still mouth unrelated (0), not undefined', () => {
    assert.equal(pearson([0.03, 0.03, 0.03, 0.03], [-20, -10, -30, -15]), 0);
  });
});

describe('M2 lag', () => {
  const envelope = syllableEnvelope(200, 1);

  test('a mouth that moves 3 frames before the sound reads −120 ms (negative = mouth leads)', () => {
    const gap = circularShift(gapFollowing(envelope), 3);
    const lag = syncLag(gap, envelope, allSpeech(200), FPS);
    assert.ok(Math.abs(lag.ms + 120) < 8, `lag ${lag.ms} ms`);
    assert.ok(lag.peakR > 0.95);
  });

  test('a mouth that trails the sound by 5 frames reads +200 ms', () => {
    const gap = circularShift(gapFollowing(envelope), -5);
    assert.ok(Math.abs(syncLag(gap, envelope, allSpeech(200), FPS).ms - 200) < 8);
  });

  test('refines a lag between two frames', () => {
    const gap = circularShift(gapFollowing(envelope), 1.5);
    const { frames } = syncLag(gap, envelope, allSpeech(200), FPS);
    assert.ok(frames < -1.2 && frames > -1.8, `lag ${frames} frames`);
  });

  test('reports no lag for a mouth that never moves', () => {
    const lag = syncLag(new Float32Array(200).fill(0.03), envelope, allSpeech(200), FPS);
    assert.ok(Number.isNaN(lag.ms));
    assert.equal(lag.peakR, 0);
  });
});

describe('M1 correlation and its null', () => {
  test('a mouth driven by the envelope is far above the circular-shift null', () => {
    const envelope = syllableEnvelope(160, 2);
    const m1 = syncCorrelation(gapFollowing(envelope), envelope, allSpeech(160), FPS);
    assert.ok(m1.r > 0.99);
    assert.ok(m1.r > m1.nullP95 + 0.2, `r ${m1.r} null ${m1.nullP95}`);
  });

  test('a mouth moving on its own rhythm stays below the null', () => {
    const envelope = syllableEnvelope(160, 3);
    const m1 = syncCorrelation(gapFollowing(syllableEnvelope(160, 4)), envelope, allSpeech(160), FPS);
    assert.ok(m1.r < m1.nullP95, `r ${m1.r} null ${m1.nullP95}`);
  });

  test('uses at least 200 shifts of at least 1 s, and gives no null for a clip too short for them', () => {
    const envelope = syllableEnvelope(160, 5);
    assert.ok(syncCorrelation(gapFollowing(envelope), envelope, allSpeech(160), FPS).shifts >= 200);
    const short = syllableEnvelope(36, 5);
    const m1 = syncCorrelation(gapFollowing(short), short, allSpeech(36), FPS);
    assert.ok(Number.isNaN(m1.nullP95));
    assert.equal(m1.shifts, 0);
  });

  test('counts speech frames only', () => {
    const envelope = syllableEnvelope(160, 6);
    const gap = gapFollowing(envelope);
    const speech = allSpeech(160);
    // The "silence" frames disagree wildly, but they are not speech.
    for (let k = 60; k < 80; k++) { speech[k] = 0; gap[k] = 5; }
    assert.ok(syncCorrelation(gap, envelope, speech, FPS).r > 0.99);
  });
});

describe('M3 closure in silence', () => {
  // 4 s clip: speech 0–1 s, silence 1–2 s, speech 2–3.5 s, silence 3.5–4 s (to the end).
  const gap = new Float32Array(100).fill(0.25);
  const spans = [{ start: 1, end: 2 }, { start: 3.5, end: 4 }];

  test('a mouth closed through the silences scores 1, one left open scores 0', () => {
    const closed = Float32Array.from(gap);
    for (let k = 25; k < 50; k++) closed[k] = 0.03;
    for (let k = 87; k < 100; k++) closed[k] = 0.03;
    assert.equal(closureInSilence(closed, FPS, spans, 4).share, 1);
    assert.equal(closureInSilence(gap, FPS, spans, 4).share, 0);
  });

  test('forgives the mouth closing late and opening early next to speech, but counts it unguarded', () => {
    const g = Float32Array.from(gap);
    // Closed from 1.12 s to 1.88 s: the first and last 3 frames of the 1–2 s silence are open.
    for (let k = 28; k < 47; k++) g[k] = 0.03;
    for (let k = 87; k < 100; k++) g[k] = 0.03;
    const m3 = closureInSilence(g, FPS, spans, 4);
    assert.equal(m3.share, 1);
    assert.ok(m3.unguardedShare < 0.85);
  });

  test('is not applicable to a clip without silences', () => {
    assert.ok(Number.isNaN(closureInSilence(gap, FPS, [], 4).share));
  });
});

describe('M4 bilabial closure', () => {
  test('a closure in [−40 ms, +20 ms] of the onset counts; one 80 ms early does not', () => {
    const gap = new Float32Array(50).fill(0.2);
    gap[19] = 0.02; // 0.76 s: 40 ms before the 0.80 s onset
    gap[28] = 0.02; // 1.12 s: 80 ms before the 1.20 s onset
    const m4 = bilabialClosure(gap, FPS, [0.8, 1.2]);
    assert.deepEqual(m4.onsets.map((o) => o.closed), [true, false]);
    assert.equal(m4.share, 0.5);
    assert.deepEqual(m4.onsets[0].frames, [19, 20]);
  });

  test('takes the threshold it is given: at or under counts as closed', () => {
    const gap = new Float32Array(50).fill(0.06);
    assert.equal(bilabialClosure(gap, FPS, [1], 0.05).share, 0);
    assert.equal(bilabialClosure(gap, FPS, [1], 0.06).share, 1);
  });
});

describe('the closed threshold', () => {
  /** A clip resting at `rest` for 30 % of its frames and open at 0.25 the rest of the time. */
  const clip = (rest: number): Float32Array => new Float32Array(100).map((_, k) => (k % 10 < 3 ? rest : 0.25));

  test('sits a margin above the face\'s own closed reading', () => {
    assert.ok(Math.abs(closedThreshold(clip(0.015)) - (0.015 + CLOSED_MARGIN_IOD)) < 1e-6);
  });

  test('never exceeds 0.08 IOD, so a mouth that never closes cannot pass as closed', () => {
    assert.equal(closedThreshold(clip(0.06)), CLOSED_GAP_MAX_IOD);
    assert.equal(closedThreshold(clip(0.2)), CLOSED_GAP_MAX_IOD);
    assert.equal(bilabialClosure(clip(0.2), FPS, [0.4, 1.2, 2]).share, 0);
  });

  test('never drops under 0.03 IOD when the detector crosses the lips at rest', () => {
    assert.equal(closedThreshold(clip(-0.04)), CLOSED_GAP_MIN_IOD);
  });
});

describe('M6 chatter', () => {
  const frames = 200;
  const slow = new Float32Array(frames).map((_, k) => 0.15 + 0.1 * Math.sin((2 * Math.PI * 2 * k) / FPS));
  const fast = new Float32Array(frames).map((_, k) => 0.1 * Math.sin((2 * Math.PI * 10 * k) / FPS));

  test('a 2 Hz opening has no energy above 8 Hz', () => {
    assert.ok(chatterShare(slow, FPS) < 0.01);
  });

  test('adding 10 Hz flapping of the same size puts half the energy above 8 Hz', () => {
    const chattering = slow.map((v, k) => v + fast[k]);
    assert.ok(Math.abs(chatterShare(chattering, FPS) - 0.5) < 0.02);
  });

  test('a still mouth does not chatter, and missing frames are bridged', () => {
    assert.equal(chatterShare(new Float32Array(100).fill(0.04), FPS), 0);
    const holed = Float32Array.from(slow);
    holed[50] = NaN;
    assert.ok(chatterShare(holed, FPS) < 0.01);
  });
});
