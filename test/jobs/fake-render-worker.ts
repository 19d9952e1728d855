// A render process with a scripted engine, for worker pool tests: what it does is chosen by the
// job's image URL, so tests can make renders succeed, fail, crash, or hang. Like the real engine
// it announces the output's length (`?seconds=`, default 1) through onInputsProbed before it
// renders, except for the `no-probe` behaviour.
import { existsSync, writeFileSync } from 'node:fs';
import { AbortedError, NoFaceError } from '../../src/engine/errors.js';
import type { LipsyncImageRequest, RunOptions, RunResult } from '../../src/engine/types.js';
import { createJobRenderer } from '../../src/jobs/job-renderer.js';
import { serveRenderRequests } from '../../src/jobs/render-worker-loop.js';

async function renderLipsyncImage(request: LipsyncImageRequest, options: RunOptions): Promise<RunResult> {
  const url = new URL('url' in request.image ? request.image.url : 'file:///');
  const behaviour = url.pathname.slice(1);
  const pidFile = url.searchParams.get('pidfile');
  if (pidFile) writeFileSync(pidFile, String(process.pid));
  const argvFile = url.searchParams.get('argvfile');
  if (argvFile) writeFileSync(argvFile, JSON.stringify(process.execArgv));
  options.onProgress?.({ stage: 'fetch', progress: 0.1 });
  if (behaviour !== 'no-probe') {
    const outputSeconds = Number(url.searchParams.get('seconds') ?? 1);
    await options.onInputsProbed?.({ outputSeconds, width: 480, height: 640 });
  }
  switch (behaviour) {
    case 'no-face':
      throw new NoFaceError();
    case 'bug':
      throw new TypeError("Cannot read properties of undefined (reading 'landmarks')");
    case 'crash':
      process.exit(70);
    case 'crash-once': {
      // The marker survives the process, so the second attempt renders.
      const marker = url.searchParams.get('marker')!;
      if (!existsSync(marker)) {
        writeFileSync(marker, '');
        process.exit(70);
      }
      break;
    }
    case 'hang':
      // Renders until aborted, as the real engine does between frames.
      options.onProgress?.({ stage: 'render', progress: 0.5 });
      await new Promise((_, reject) => {
        const aborted = () => reject(new AbortedError('The job was cancelled'));
        if (options.signal?.aborted) aborted();
        options.signal?.addEventListener('abort', aborted, { once: true });
      });
      break;
    case 'deaf':
      // A render stuck where it never looks at its signal: only a kill ends it.
      options.onProgress?.({ stage: 'render', progress: 0.5 });
      await new Promise(() => {}); // the IPC channel keeps the process alive
  }
  options.onProgress?.({ stage: 'encode', progress: 0.9 });
  writeFileSync(options.outputPath, `fake mp4 for seed ${request.seed}`);
  return { durationSeconds: 1, width: 480, height: 640, frames: 25, timings: { fetch: 1.4, render: 3.6 } };
}

await serveRenderRequests(createJobRenderer({ prepareEngine: async () => {}, renderLipsyncImage }));
