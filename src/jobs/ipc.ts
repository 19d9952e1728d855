// Messages between the server (parent) and a render process (child) over the fork IPC channel.
// A child renders one job at a time; everything it reports names the job it is about.
import type { EngineLimits, RenderPlan, RunResult, Stage } from '../engine/types.js';
import type { JobModel } from '../store/index.js';

/** What a render process needs to know about a job: no account, key or webhook. */
export interface RenderJob {
  id: string;
  model: JobModel;
  input: Record<string, unknown>;
  seed: number;
  /** formState media fields whose URL names one of our own uploads, mapped to its file. */
  localFiles?: Record<string, string>;
}

export interface RenderRequest {
  type: 'render';
  job: RenderJob;
  outputPath: string;
  workDir: string;
  limits: Partial<EngineLimits>;
}

/** Stop the job's render now (the client canceled it); the child answers with `failed`. */
export interface AbortRequest {
  type: 'abort';
  jobId: string;
}

/**
 * The parent's answer to `inputs-probed`: whether the job's credits are held and rendering may
 * go on. The database lives in the parent, so the hold is placed there.
 */
export type HoldAnswer =
  | { ok: true; credits: number }
  | { ok: false; reason: 'insufficient'; needed: number; balance: number }
  /** The job is no longer this render's (canceled, lease lost) or the hold could not be written. */
  | { ok: false; reason: 'stop'; message: string };

export type ParentMessage = RenderRequest | AbortRequest | { type: 'hold-answer'; jobId: string; answer: HoldAnswer };

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
  /** The inputs are decoded and the output's length known: asks the parent to hold the credits. */
  | { type: 'inputs-probed'; jobId: string; plan: RenderPlan }
  | { type: 'done'; jobId: string; result: RunResult }
  | { type: 'failed'; jobId: string; failure: RenderFailure };
