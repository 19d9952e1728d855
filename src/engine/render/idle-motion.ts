// Idle motion driven by the seed: blinks and a slow, small head sway, so a still photo does not
// look frozen. Only this track depends on the seed; the mouth never does.

export interface IdleTrack {
  blinkRight: Float32Array;
  blinkLeft: Float32Array;
  headRoll: Float32Array;
  headX: Float32Array;
  headY: Float32Array;
}

/** mulberry32: a tiny, well-distributed 32-bit PRNG; reproducible across platforms. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lid closure over a blink: quick close (~80 ms), a brief hold, slower open (~150 ms). */
function blinkShape(tMs: number): number {
  if (tMs < 0) return 0;
  if (tMs < 80) return Math.sin((tMs / 80) * (Math.PI / 2)) ** 2;
  if (tMs < 110) return 1;
  if (tMs < 260) return Math.cos(((tMs - 110) / 150) * (Math.PI / 2)) ** 2;
  return 0;
}

/** Style of the idle motion (from the prompt); 1 = the natural defaults. */
export interface IdleOptions {
  /** Blinks per second relative to the default (2–6 s apart). */
  blinkRate?: number;
  /** Head sway amplitude relative to the default. */
  headMotion?: number;
}

/**
 * @param faceScale inter-ocular distance in pixels; head shift is relative to it.
 */
export function idleMotion(seed: number, frameCount: number, fps: number, faceScale: number, options: IdleOptions = {}): IdleTrack {
  const blinkRate = Math.max(0.05, options.blinkRate ?? 1);
  const headMotion = Math.max(0, options.headMotion ?? 1);
  const random = seededRandom(seed);
  const track: IdleTrack = {
    blinkRight: new Float32Array(frameCount), blinkLeft: new Float32Array(frameCount),
    headRoll: new Float32Array(frameCount), headX: new Float32Array(frameCount), headY: new Float32Array(frameCount),
  };
  // Blinks: people blink every 2–6 s; the first one comes after a moment, never on frame 0.
  const durationMs = (frameCount / fps) * 1000;
  for (let at = 700 + random() * 1800; at < durationMs; at += (2200 + random() * 3800) / blinkRate) {
    const doubleBlink = random() < 0.12;
    for (let i = 0; i < frameCount; i++) {
      const tMs = (i / fps) * 1000 - at;
      let b = blinkShape(tMs);
      if (doubleBlink) b = Math.max(b, blinkShape(tMs - 300));
      track.blinkRight[i] = Math.max(track.blinkRight[i], b);
      track.blinkLeft[i] = Math.max(track.blinkLeft[i], b);
    }
  }
  // Head sway: a sum of slow sines (0.05–0.4 Hz) with seeded phases; roll within ~±1.2°,
  // shift within ~±2 % of the eye distance.
  const components = 3;
  const sway = (amplitude: number, out: Float32Array) => {
    const freq: number[] = [], phase: number[] = [], amp: number[] = [];
    for (let c = 0; c < components; c++) {
      freq.push(0.05 + random() * 0.35);
      phase.push(random() * Math.PI * 2);
      amp.push((amplitude / components) * (0.6 + 0.8 * random()));
    }
    for (let i = 0; i < frameCount; i++) {
      const t = i / fps;
      let v = 0;
      for (let c = 0; c < components; c++) v += amp[c] * Math.sin(2 * Math.PI * freq[c] * t + phase[c]);
      out[i] = v;
    }
  };
  sway(((1.2 * Math.PI) / 180) * headMotion, track.headRoll);
  sway(0.02 * faceScale * headMotion, track.headX);
  sway(0.015 * faceScale * headMotion, track.headY);
  return track;
}
