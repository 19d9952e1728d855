// The render process's side of the IPC protocol: prepare the engine once, say ready, then
// render one job at a time, reporting progress and the outcome to the parent.
import { EngineError } from '../engine/errors.js';
import type { ProgressEvent } from '../engine/types.js';
import type { ChildMessage, ParentMessage, RenderFailure, RenderRequest } from './ipc.js';
import { ModelUnavailableError, type JobRenderer } from './job-renderer.js';

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

  let busy = false;
  process.on('message', (message: ParentMessage) => {
    if (message?.type !== 'render') return;
    if (busy) {
      const failure = unexpected(new Error('render worker received a job while busy'));
      send({ type: 'failed', jobId: message.job.id, failure });
      return;
    }
    busy = true;
    void render(renderer, message).finally(() => {
      busy = false;
    });
  });
  send({ type: 'ready' });
}

async function render(renderer: JobRenderer, request: RenderRequest): Promise<void> {
  const jobId = request.job.id;
  const reportProgress = throttledProgress(jobId);
  try {
    const result = await renderer.render(request.job, {
      outputPath: request.outputPath,
      workDir: request.workDir,
      limits: request.limits,
      onProgress: reportProgress,
    });
    send({ type: 'done', jobId, result });
  } catch (error) {
    send({ type: 'failed', jobId, failure: classify(error) });
  }
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
  if (error instanceof EngineError || error instanceof ModelUnavailableError) {
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
