// Messages between the server (parent) and a render process (child) over the fork IPC channel.
// A child renders one job at a time; everything it reports names the job it is about.
import type { EngineLimits, RunResult, Stage } from '../engine/types.js';
import type { JobModel } from '../store/index.js';

/** What a render process needs to know about a job: no account, key or webhook. */
export interface RenderJob {
  id: string;
  model: JobModel;
  input: Record<string, unknown>;
  seed: number;
}

export interface RenderRequest {
  type: 'render';
  job: RenderJob;
  outputPath: string;
  workDir: string;
  limits: Partial<EngineLimits>;
}

export type ParentMessage = RenderRequest;

/**
 * Why a render ended without output. `user` failures carry a message written for the end user
 * (engine errors, unavailable models); `unexpected` ones are bugs or environment faults whose
 * message stays in the log.
 */
export interface RenderFailure {
  kind: 'user' | 'unexpected';
  code: string;
  message: string;
  stack?: string;
}

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'progress'; jobId: string; stage: Stage; progress: number }
  | { type: 'done'; jobId: string; result: RunResult }
  | { type: 'failed'; jobId: string; failure: RenderFailure };
