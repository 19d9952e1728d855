// The engine's public surface. Callers (jobs, CLI, bench, eval) import from here only.
export * from './types.js';
export * from './errors.js';
export { prepareEngine, renderLipsyncImage } from './pipelines/image.js';
