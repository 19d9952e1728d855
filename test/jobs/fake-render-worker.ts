// A render process with a scripted engine, for worker pool tests: what it does is chosen by the
// job's image URL, so tests can make renders succeed, fail, crash, or hang.
import { existsSync, writeFileSync } from 'node:fs';
import { NoFaceError } from '../../src/engine/errors.js';
import type { LipsyncImageRequest, RunOptions, RunResult } from '../../src/engine/types.js';
import { createJobRenderer } from '../../src/jobs/job-renderer.js';
import { serveRenderRequests } from '../../src/jobs/render-worker-loop.js';

async function renderLipsyncImage(request: LipsyncImageRequest, options: RunOptions): Promise<RunResult> {
  const url = new URL('url' in request.image ? request.image.url : 'file:///');
  const behaviour = url.pathname.slice(1);
  options.onProgress?.({ stage: 'fetch', progress: 0.1 });
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
      options.onProgress?.({ stage: 'render', progress: 0.5 });
      await new Promise(() => {}); // the IPC channel keeps the process alive
  }
  options.onProgress?.({ stage: 'encode', progress: 0.9 });
  writeFileSync(options.outputPath, `fake mp4 for seed ${request.seed}`);
  return { durationSeconds: 1, width: 480, height: 640, frames: 25, timings: { fetch: 1.4, render: 3.6 } };
}

await serveRenderRequests(createJobRenderer({ prepareEngine: async () => {}, renderLipsyncImage }));
