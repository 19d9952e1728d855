// The render process's side of the IPC protocol: prepare the engine once, say ready, then
// render one job at a time, reporting progress and the outcome to the parent.
import { InsufficientCreditsError } from '../billing/errors.js';
import { AbortedError, EngineError } from '../engine/errors.js';
import type { ProgressEvent, RenderPlan } from '../engine/types.js';
import type { ChildMessage, HoldAnswer, ParentMessage, RenderFailure, RenderRequest } from './ipc.js';
import { ModelUnavailableError, type JobRenderer } from './job-renderer.js';

/** The job being rendered: how to abort it and who waits for the parent's hold answer. */
interface CurrentRender {
  jobId: string;
  controller: AbortController;
  awaitingHold: ((answer: HoldAnswer) => void) | null;
}

const PROGRESS_INTERVAL_MS = 250;

export async function serveRenderRequests(renderer: JobRenderer): Promise<void> {
  if (!process.send) throw new Error('a render worker must be started by the server (child_process.fork)');
  // The parent went away (exit or SIGKILL): take our ffmpeg children down with us. We lead our
  // own process group (the parent forks us detached), so the negative pid names all of it.
  process.on('disconnect', killOwnProcessGroup);

  try {
    await renderer.prepare();
  } catch (error) {
    // Exit only once the message is out, or the parent would see a bare exit.
    process.send({ type: 'fatal', message: describe(error) } satisfies ChildMessage, () => process.exit(1));
    return;
  }

  let current: CurrentRender | null = null;
  process.on('message', (message: ParentMessage) => {
    switch (message?.type) {
      case 'render': {
        if (current) {
          const failure = unexpected(new Error('render worker received a job while busy'));
          send({ type: 'failed', jobId: message.job.id, failure });
          return;
        }
        const render: CurrentRender = { jobId: message.job.id, controller: new AbortController(), awaitingHold: null };
        current = render;
        void renderJob(renderer, message, render).finally(() => {
          current = null;
        });
        return;
      }
      case 'abort':
        if (current?.jobId === message.jobId) current.controller.abort();
        return;
      case 'hold-answer':
        if (current?.jobId === message.jobId) current.awaitingHold?.(message.answer);
        return;
    }
  });
  send({ type: 'ready' });
}

async function renderJob(renderer: JobRenderer, request: RenderRequest, render: CurrentRender): Promise<void> {
  const jobId = request.job.id;
  const reportProgress = throttledProgress(jobId);
  try {
    const result = await renderer.render(request.job, {
      outputPath: request.outputPath,
      workDir: request.workDir,
      limits: request.limits,
      signal: render.controller.signal,
      onProgress: reportProgress,
      onInputsProbed: (plan) => holdCredits(render, plan),
    });
    send({ type: 'done', jobId, result });
  } catch (error) {
    const aborted = render.controller.signal.aborted && !(error instanceof EngineError);
    send({ type: 'failed', jobId, failure: classify(aborted ? new AbortedError('The job was cancelled', { cause: error }) : error) });
  }
}

/**
 * The engine knows the output's length: ask the parent (which has the database) to hold the
 * job's credits, and render only once it says so. Not enough credits fails the job here.
 */
function holdCredits(render: CurrentRender, plan: RenderPlan): Promise<void> {
  const { signal } = render.controller;
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      render.awaitingHold = null;
      reject(new AbortedError('The job was cancelled'));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    render.awaitingHold = (answer) => {
      signal.removeEventListener('abort', onAbort);
      render.awaitingHold = null;
      if (answer.ok) resolve();
      else if (answer.reason === 'insufficient') reject(new InsufficientCreditsError(answer.needed, answer.balance));
      else reject(new AbortedError(answer.message));
    };
    send({ type: 'inputs-probed', jobId: render.jobId, plan });
  });
}

/**
 * Engines may report per frame; the parent only needs a stage change at once and otherwise a
 * few updates a second, so IPC traffic stays independent of the frame rate.
 */
function throttledProgress(jobId: string): (event: ProgressEvent) => void {
  let lastStage = '';
  let lastSentAt = 0;
  return ({ stage, progress }) => {
    const now = Date.now();
    if (stage === lastStage && now - lastSentAt < PROGRESS_INTERVAL_MS) return;
    lastStage = stage;
    lastSentAt = now;
    send({ type: 'progress', jobId, stage, progress });
  };
}

function classify(error: unknown): RenderFailure {
  if (error instanceof EngineError || error instanceof ModelUnavailableError || error instanceof InsufficientCreditsError) {
    return { kind: 'user', code: error.code, message: error.message };
  }
  return unexpected(error);
}

function unexpected(error: unknown): RenderFailure {
  const err = error instanceof Error ? error : new Error(String(error));
  return { kind: 'unexpected', code: 'internal', message: err.message, stack: err.stack };
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function killOwnProcessGroup(): void {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    process.exit(1);
  }
}
