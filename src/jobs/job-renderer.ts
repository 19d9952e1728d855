// Turns a job into an engine call, by model. Runs inside a render process. Models whose engine
// does not exist yet fail with an honest message instead of producing anything.
import type {
  LipsyncImageRequest,
  MediaSource,
  Resolution,
  RunOptions,
  RunResult,
} from '../engine/types.js';
import type { JobModel } from '../store/index.js';
import type { RenderJob } from './ipc.js';

/** The part of the engine a render process uses (src/engine/index.ts). */
export interface EngineApi {
  prepareEngine(): Promise<void>;
  renderLipsyncImage(request: LipsyncImageRequest, options: RunOptions): Promise<RunResult>;
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
        case 'lipsync-image-multi':
          throw new ModelUnavailableError(job.model);
      }
    },
  };
}

/** The formState was validated by the API; this only maps it onto the engine's request. */
export function lipsyncImageRequest(job: RenderJob): LipsyncImageRequest {
  return {
    image: urlSource(job.input.image),
    audio: urlSource(job.input.audio),
    resolution: (job.input.resolution as Resolution | undefined) ?? '480p',
    seed: job.seed,
  };
}

function urlSource(value: unknown): MediaSource {
  if (typeof value !== 'string') throw new TypeError('job input is missing a media URL');
  return { url: value };
}
