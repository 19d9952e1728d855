// Entry module of a render process (forked by the worker pool): the real engine behind the
// IPC protocol. Loaded by path, so keep it free of side effects other than serving.
import * as engine from '../engine/index.js';
import { createJobRenderer } from './job-renderer.js';
import { serveRenderRequests } from './render-worker-loop.js';

await serveRenderRequests(createJobRenderer(engine));
