// The engine renders the harness asks for, as cacheable jobs: one per eval case, plus the
// engine-made source videos of the video rows and their plain re-encodes (video-sources.ts).
import { renderLipsyncImage, renderLipsyncImageMulti, renderLipsyncVideo, type SyncMode } from '../src/engine/index.js';
import type { ImageCase, MultiCase } from './matrix.js';
import type { RenderJob, RenderSettings } from './render-cache.js';

/** What the video rows ask of lipsync-video: the contract's defaults. */
export const VIDEO_SYNC_MODE: SyncMode = 'bounce';

export function imageJob(portraitPath: string, clipPath: string, settings: RenderSettings, description: Record<string, unknown>): RenderJob {
  return {
    // No mode in the settings: image jobs keep the cache keys they had before the other modes.
    inputs: [portraitPath, clipPath], settings: { ...settings }, description,
    render: (outputPath, workDir, signal) => renderLipsyncImage(
      { image: { path: portraitPath }, audio: { path: clipPath }, ...settings },
      { outputPath, workDir, signal },
    ),
  };
}

export function imageCaseJob(c: ImageCase, settings: RenderSettings): RenderJob {
  return imageJob(c.portrait.path, c.clip.path, settings, { portrait: c.portrait.id, clip: c.clip.id });
}

export function videoJob(sourcePath: string, clipPath: string, settings: RenderSettings, description: Record<string, unknown>): RenderJob {
  const options = { syncMode: VIDEO_SYNC_MODE, onNoFace: 'passthrough' as const };
  return {
    inputs: [sourcePath, clipPath], settings: { mode: 'video', ...settings, ...options }, description,
    render: (outputPath, workDir, signal) => renderLipsyncVideo(
      { video: { path: sourcePath }, audio: { path: clipPath }, ...settings, ...options },
      { outputPath, workDir, signal },
    ),
  };
}

export function multiJob(c: MultiCase, settings: RenderSettings): RenderJob {
  const [left, right] = c.faces;
  return {
    inputs: [c.scene.path, left.clip.path, right.clip.path],
    settings: { mode: 'multi', ...settings, order: c.scene.order },
    description: { scene: c.scene.id, left: left.clip.id, right: right.clip.id },
    render: (outputPath, workDir, signal) => renderLipsyncImageMulti(
      { image: { path: c.scene.path }, leftAudio: { path: left.clip.path }, rightAudio: { path: right.clip.path }, order: c.scene.order, ...settings },
      { outputPath, workDir, signal },
    ),
  };
}
