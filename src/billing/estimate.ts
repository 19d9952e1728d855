// POST /api/v1/estimate's work: what a formState would cost, without a job. The output's length
// comes from the speech tracks, so they are downloaded (same SSRF guard and limits as a job) and
// measured: ffprobe's header duration, or a decode when the header only estimates it.
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError, InvalidMediaError, MediaLimitError } from '../engine/errors.js';
import { decodeAudioMono, fetchMedia, probeMedia } from '../engine/media/index.js';
import { DEFAULT_LIMITS, type EngineLimits, type MediaSource, type Resolution } from '../engine/types.js';
import type { JobModel } from '../store/index.js';
import {
  CREDITS_PER_SECOND,
  billedSeconds,
  creditsFor,
  outputSecondsFor,
  resolutionOf,
  type MultiOrder,
  type TrackSeconds,
} from './pricing.js';

export interface CostEstimate {
  model: JobModel;
  resolution: Resolution;
  /** Length of the video the job would produce, seconds. */
  outputSeconds: number;
  billedSeconds: number;
  creditsPerSecond: number;
  credits: number;
}

export interface CostEstimatorOptions {
  /** Downloads go to a fresh directory under this one, removed after each estimate. */
  workRoot: string;
  limits: Partial<EngineLimits>;
  /** Turns a media URL into what to read: our own uploads become local files (resolveUploadSource). Default: fetch the URL. */
  resolveSource?: (url: string) => MediaSource;
}

/** A speech track could not be fetched or measured; `field` names it (formState.audio). */
export class EstimateInputError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'EstimateInputError';
  }
}

/** Decoding only to count samples: a low rate is exact enough and four times less data. */
const MEASURE_SAMPLE_RATE = 8_000;

export class CostEstimator {
  private readonly limits: EngineLimits;

  constructor(private readonly options: CostEstimatorOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
  }

  async estimate(model: JobModel, formState: Record<string, unknown>, signal?: AbortSignal): Promise<CostEstimate> {
    const resolution = resolutionOf(formState);
    const tracks = await this.measureTracks(model, formState, signal);
    const order = (formState.order as MultiOrder | undefined) ?? 'meanwhile';
    const outputSeconds = outputSecondsFor(model, tracks, order);
    return {
      model,
      resolution,
      outputSeconds: Math.round(outputSeconds * 1000) / 1000,
      billedSeconds: billedSeconds(outputSeconds),
      creditsPerSecond: CREDITS_PER_SECOND[resolution],
      credits: creditsFor(resolution, outputSeconds),
    };
  }

  private async measureTracks(model: JobModel, formState: Record<string, unknown>, signal?: AbortSignal): Promise<TrackSeconds> {
    const names = model === 'lipsync-image-multi' ? ['left_audio', 'right_audio'] : ['audio'];
    const dir = join(this.options.workRoot, `estimate-${randomUUID()}`);
    // The first track that fails stops the others, and the scratch dir is removed only once
    // every download has ended (removing it under a running download fails both).
    const stopSiblings = new AbortController();
    const linked = signal ? AbortSignal.any([signal, stopSiblings.signal]) : stopSiblings.signal;
    let firstError: unknown = null;
    try {
      const settled = await Promise.allSettled(
        names.map((name) =>
          this.measure(formState, name, dir, linked).catch((error: unknown) => {
            firstError ??= error;
            stopSiblings.abort();
            throw error;
          }),
        ),
      );
      if (firstError !== null) throw firstError;
      const seconds = settled.map((r) => (r as PromiseFulfilledResult<number>).value);
      return names.length === 2 ? { left_audio: seconds[0], right_audio: seconds[1] } : { audio: seconds[0] };
    } finally {
      await rm(dir, { recursive: true, force: true, maxRetries: 2 });
    }
  }

  private async measure(formState: Record<string, unknown>, name: string, dir: string, signal?: AbortSignal): Promise<number> {
    const field = `formState.${name}`;
    try {
      const url = formState[name];
      if (typeof url !== 'string') throw new InvalidMediaError(`${field} is required`);
      const source = this.options.resolveSource?.(url) ?? { url };
      const path = await fetchMedia(source, { destDir: dir, field, limits: this.limits, signal });
      return await this.trackSeconds(path, field, signal);
    } catch (error) {
      if (error instanceof EngineError && !signal?.aborted) throw new EstimateInputError(error.code, error.message, field);
      throw error;
    }
  }

  private async trackSeconds(path: string, field: string, signal?: AbortSignal): Promise<number> {
    const probe = await probeMedia(path, { signal, field });
    if (!probe.audio) throw new InvalidMediaError(`The file at ${field} has no audio track`);
    const max = this.limits.maxAudioSeconds;
    if (probe.durationSeconds !== null && !probe.durationIsEstimate) {
      if (probe.durationSeconds > max) {
        throw new MediaLimitError(`Audio is ${probe.durationSeconds.toFixed(1)} s long; the limit is ${max} s`);
      }
      return probe.durationSeconds;
    }
    // No trustworthy header (raw ADTS AAC, MP3 without a Xing frame): count the samples, as the
    // job itself will.
    const decoded = await decodeAudioMono(path, { sampleRate: MEASURE_SAMPLE_RATE, maxSeconds: max, signal, field });
    return decoded.durationSeconds;
  }
}
