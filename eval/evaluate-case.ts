// One cell of the matrix: render (or reuse) the video, measure it, judge it, draw its contact sheet.
import { join } from 'node:path';
import { writeContactSheet, type SheetTile } from './contact-sheet.js';
import type { EvalCase } from './matrix.js';
import { measureVideo } from './measure-video.js';
import { renderCase, type RenderSettings } from './render-cache.js';
import { judge, type CaseResult } from './report.js';

export interface EvaluateOptions {
  outDir: string;
  useCache: boolean;
  signal?: AbortSignal;
}

export async function evaluateCase(c: EvalCase, settings: RenderSettings, opts: EvaluateOptions): Promise<CaseResult> {
  const name = `${c.portrait.id}__${c.clip.id}`;
  const video = await renderCase(c, settings, {
    cacheDir: join(opts.outDir, 'cache'), useCache: opts.useCache, outputPath: join(opts.outDir, 'videos', `${name}.mp4`), signal: opts.signal,
  });
  const started = performance.now();
  const measured = await measureVideo(video.path, { bilabialOnsets: c.bilabialOnsets, signal: opts.signal });
  const measureSeconds = (performance.now() - started) / 1000;
  const { track, timeline, metrics } = measured;

  const tiles: SheetTile[] = measured.sheetFrames.flatMap(({ index, kind }) => {
    const frame = measured.keptFrames.get(index);
    return frame ? [{ frame, points: track.points[index], kind, time: index / track.fps, gap: track.gap[index] }] : [];
  });
  const contactSheet = join(opts.outDir, `${name}.png`);
  const verdicts = judge(metrics);
  const shown = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
  const title = [
    `${c.portrait.id} × ${c.clip.id}: ${c.clip.note}`,
    `M1 r ${shown(metrics.m1.r, 2)} (null95 ${shown(metrics.m1.nullP95, 2)}) · M2 ${shown(metrics.m2.ms, 0)} ms · ` +
      `M3 ${shown(metrics.m3.share, 2)} · M4 ${metrics.m4 ? shown(metrics.m4.share, 2) : '-'} · closed ≤ ${metrics.closedBelow.toFixed(3)} IOD`,
  ];
  await writeContactSheet(contactSheet, title, tiles);

  return {
    portrait: c.portrait.id,
    clip: c.clip.id,
    video: video.path,
    contactSheet,
    durationSeconds: timeline.durationSeconds,
    frames: track.frameCount,
    framesWithoutFace: track.gap.reduce((n, g) => n + (Number.isFinite(g) ? 0 : 1), 0),
    detections: track.detections,
    renderSeconds: video.renderSeconds,
    measureSeconds,
    renderCached: video.cached,
    computePerVideoSecond: video.renderSeconds / timeline.durationSeconds,
    metrics,
    verdicts,
  };
}
