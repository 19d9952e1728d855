// The engine's public surface. Callers (jobs, CLI, bench, eval) import from here only.
export * from './types.js';
export * from './errors.js';
export { prepareEngine, renderLipsyncImage } from './pipelines/image.js';
export { renderLipsyncVideo, VIDEO_CRF } from './pipelines/video.js';
export { renderLipsyncImageMulti } from './pipelines/multi.js';
export { styleFromPrompt, NEUTRAL_STYLE, type SpeakingStyle, type PromptStyle } from './pipelines/prompt.js';
