// Small numeric helpers shared by the audio modules: robust statistics and simple filters on
// per-hop feature tracks. All take and return typed arrays; none allocate inside their loops.

/** q-quantile (0..1) of the values selected by `mask` (all values when omitted); NaN if none. */
export function percentile(values: Float32Array, q: number, mask?: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (!mask || mask[i]) count++;
  if (count === 0) return Number.NaN;
  const picked = new Float32Array(count);
  for (let i = 0, j = 0; i < values.length; i++) if (!mask || mask[i]) picked[j++] = values[i];
  picked.sort();
  const position = Math.min(count - 1, Math.max(0, q * (count - 1)));
  const below = Math.floor(position);
  const above = Math.min(count - 1, below + 1);
  return picked[below] + (picked[above] - picked[below]) * (position - below);
}

/** Centred moving average over 2·radius+1 hops (shrinking at the ends). */
export function movingAverage(values: Float32Array, radius: number): Float32Array {
  const out = new Float32Array(values.length);
  const prefix = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i++) prefix[i + 1] = prefix[i] + values[i];
  for (let i = 0; i < values.length; i++) {
    const lo = Math.max(0, i - radius);
    const hi = Math.min(values.length, i + radius + 1);
    out[i] = (prefix[hi] - prefix[lo]) / (hi - lo);
  }
  return out;
}

/** Centred running maximum over 2·radius+1 hops. O(n·radius); radius stays ≤ ~30 here. */
export function movingMaximum(values: Float32Array, radius: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let best = -Infinity;
    const hi = Math.min(values.length - 1, i + radius);
    for (let j = Math.max(0, i - radius); j <= hi; j++) if (values[j] > best) best = values[j];
    out[i] = best;
  }
  return out;
}

/** Median of three neighbours: removes single-hop spikes (formant mis-picks, clicks). */
export function median3(values: Float32Array): Float32Array {
  const out = Float32Array.from(values);
  for (let i = 1; i < values.length - 1; i++) {
    const a = values[i - 1];
    const b = values[i];
    const c = values[i + 1];
    out[i] = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }
  return out;
}

/** Zero-phase Gaussian smoothing with standard deviation `sigma` hops; edges are held. */
export function gaussianSmooth(values: Float32Array, sigma: number): Float32Array {
  if (sigma <= 0) return Float32Array.from(values);
  const radius = Math.ceil(3 * sigma);
  const kernel = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) {
    kernel[k + radius] = Math.exp((-0.5 * k * k) / (sigma * sigma));
    sum += kernel[k + radius];
  }
  for (let k = 0; k < kernel.length; k++) kernel[k] /= sum;
  const out = new Float32Array(values.length);
  const last = values.length - 1;
  for (let i = 0; i < values.length; i++) {
    let acc = 0;
    for (let k = -radius; k <= radius; k++) {
      const j = i + k < 0 ? 0 : i + k > last ? last : i + k;
      acc += kernel[k + radius] * values[j];
    }
    out[i] = acc;
  }
  return out;
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** Half-open index runs [start, end) where mask is set. */
export function runsOf(mask: Uint8Array): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let start = -1;
  for (let i = 0; i <= mask.length; i++) {
    const on = i < mask.length && mask[i] !== 0;
    if (on && start < 0) start = i;
    else if (!on && start >= 0) {
      runs.push([start, i]);
      start = -1;
    }
  }
  return runs;
}
