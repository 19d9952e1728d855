// Turns a job into an engine call, by model. Runs inside a render process. A model the engine
// given here does not implement fails with an honest message instead of producing anything.
import type {
  LipsyncImageMultiRequest,
  LipsyncImageRequest,
  LipsyncVideoRequest,
  MediaSource,
  OnNoFace,
  Resolution,
  RunOptions,
  RunResult,
  SpeakerOrder,
  SyncMode,
} from '../engine/types.js';
import type { JobModel } from '../store/index.js';
import type { RenderJob } from './ipc.js';

/** The part of the engine a render process uses (src/engine/index.ts). */
export interface EngineApi {
  prepareEngine(): Promise<void>;
  renderLipsyncImage(request: LipsyncImageRequest, options: RunOptions): Promise<RunResult>;
  renderLipsyncVideo?(request: LipsyncVideoRequest, options: RunOptions): Promise<RunResult>;
  renderLipsyncImageMulti?(request: LipsyncImageMultiRequest, options: RunOptions): Promise<RunResult>;
}

export interface JobRenderer {
  prepare(): Promise<void>;
  render(job: RenderJob, options: RunOptions): Promise<RunResult>;
}

/** The job asks for a model this server cannot render; the message is for the end user. */
export class ModelUnavailableError extends Error {
  readonly code = 'model_unavailable';
  constructor(model: JobModel) {
    super(`${model} is not available on this server yet`);
    this.name = 'ModelUnavailableError';
  }
}

export function createJobRenderer(engine: EngineApi): JobRenderer {
  return {
    prepare: () => engine.prepareEngine(),
    render(job, options) {
      switch (job.model) {
        case 'lipsync-image':
          return engine.renderLipsyncImage(lipsyncImageRequest(job), options);
        case 'lipsync-video':
          if (!engine.renderLipsyncVideo) throw new ModelUnavailableError(job.model);
          return engine.renderLipsyncVideo(lipsyncVideoRequest(job), options);
        case 'lipsync-image-multi':
          if (!engine.renderLipsyncImageMulti) throw new ModelUnavailableError(job.model);
          return engine.renderLipsyncImageMulti(lipsyncImageMultiRequest(job), options);
      }
    },
  };
}

/** The formState was validated by the API; this only maps it onto the engine's request. */
export function lipsyncImageRequest(job: RenderJob): LipsyncImageRequest {
  return {
    image: mediaSource(job, 'image'),
    audio: mediaSource(job, 'audio'),
    resolution: (job.input.resolution as Resolution | undefined) ?? '480p',
    seed: job.seed,
    ...styleFields(job),
  };
}

export function lipsyncVideoRequest(job: RenderJob): LipsyncVideoRequest {
  return {
    video: mediaSource(job, 'video'),
    audio: mediaSource(job, 'audio'),
    resolution: (job.input.resolution as Resolution | undefined) ?? '480p',
    seed: job.seed,
    syncMode: (job.input.sync_mode as SyncMode | undefined) ?? 'bounce',
    onNoFace: (job.input.on_no_face as OnNoFace | undefined) ?? 'passthrough',
    ...styleFields(job),
  };
}

export function lipsyncImageMultiRequest(job: RenderJob): LipsyncImageMultiRequest {
  return {
    image: mediaSource(job, 'image'),
    leftAudio: mediaSource(job, 'left_audio'),
    rightAudio: mediaSource(job, 'right_audio'),
    order: (job.input.order as SpeakerOrder | undefined) ?? 'meanwhile',
    resolution: (job.input.resolution as Resolution | undefined) ?? '480p',
    seed: job.seed,
    ...styleFields(job),
  };
}

/** The optional fields all three models share. */
function styleFields(job: RenderJob): { mask?: MediaSource; prompt?: string } {
  return {
    ...(typeof job.input.mask_image === 'string' ? { mask: mediaSource(job, 'mask_image') } : {}),
    ...(typeof job.input.prompt === 'string' ? { prompt: job.input.prompt } : {}),
  };
}

/** A URL of one of our own uploads is read from disk (the parent found it, see localFiles); anything else is fetched. */
function mediaSource(job: RenderJob, field: string): MediaSource {
  const path = job.localFiles?.[field];
  if (path !== undefined) return { path };
  const value = job.input[field];
  if (typeof value !== 'string') throw new TypeError('job input is missing a media URL');
  return { url: value };
}
