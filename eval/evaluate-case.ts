// One cell of the matrix: render (or reuse) the video, measure it, judge it, draw its contact
// sheet. A video row is also compared with its source video (M7, M8); a multi render gives one
// row per face.
import { join } from 'node:path';
import { writeContactSheet, type SheetTile } from './contact-sheet.js';
import { caseName, type EvalCase, type ImageCase, type MultiCase, type VideoCase, type VideoSource } from './matrix.js';
import { measureVideo, type MeasuredClip } from './measure-video.js';
import { splitConversation } from './multi-faces.js';
import { renderCached, type RenderedVideo, type RenderJob, type RenderSettings } from './render-cache.js';
import { imageCaseJob, multiJob, videoJob } from './render-jobs.js';
import { judge, type CaseResult } from './report.js';
import { loadSourceVideo, videoFidelity, type SourceVideo, type VideoFidelity } from './video-fidelity.js';
import { prepareVideoSource } from './video-sources.js';

export interface EvaluateOptions {
  outDir: string;
  useCache: boolean;
  signal?: AbortSignal;
}

/** What one measured face becomes: a table row, and the tiles of its contact sheet. */
interface Row {
  mode: CaseResult['mode'];
  subject: string;
  clip: { id: string; note: string };
  measured: MeasuredClip;
  measureSeconds: number;
  fidelity: VideoFidelity | null;
}

/** One source video at a time, decoded: the video rows run source by source. */
let loadedSource: { id: string; ready: Promise<{ path: string; video: SourceVideo }> } | null = null;

export async function evaluateCase(c: EvalCase, settings: RenderSettings, opts: EvaluateOptions): Promise<CaseResult[]> {
  switch (c.mode) {
    case 'image': return [await evaluateImage(c, settings, opts)];
    case 'video': return [await evaluateVideo(c, settings, opts)];
    case 'multi': return evaluateMulti(c, settings, opts);
  }
}

function render(job: RenderJob, name: string, opts: EvaluateOptions): Promise<RenderedVideo> {
  return renderCached(job, {
    cacheDir: join(opts.outDir, 'cache'), useCache: opts.useCache, outputPath: join(opts.outDir, 'videos', `${name}.mp4`), signal: opts.signal,
  });
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - started) / 1000 };
}

async function evaluateImage(c: ImageCase, settings: RenderSettings, opts: EvaluateOptions): Promise<CaseResult> {
  const name = caseName(c);
  const video = await render(imageCaseJob(c, settings), name, opts);
  const { value: measured, seconds } = await timed(() => measureVideo(video.path, { bilabialOnsets: c.bilabialOnsets, signal: opts.signal }));
  const row: Row = { mode: 'image', subject: c.portrait.id, clip: c.clip, measured, measureSeconds: seconds, fidelity: null };
  return finish(row, video, outputTiles(measured).map((t) => t.tile), join(opts.outDir, `${name}.png`));
}

function sourceVideo(source: VideoSource, settings: RenderSettings, opts: EvaluateOptions): Promise<{ path: string; video: SourceVideo }> {
  if (loadedSource?.id !== source.id) {
    const ready = (async () => {
      const prepared = await prepareVideoSource(source, settings, opts);
      return { path: prepared.path, video: await loadSourceVideo(prepared.path, prepared.referencePath, opts.signal) };
    })();
    loadedSource = { id: source.id, ready };
    ready.catch(() => { if (loadedSource?.ready === ready) loadedSource = null; });
  }
  return loadedSource.ready;
}

async function evaluateVideo(c: VideoCase, settings: RenderSettings, opts: EvaluateOptions): Promise<CaseResult> {
  const name = caseName(c);
  const { path: sourcePath, video: source } = await sourceVideo(c.source, settings, opts);
  const video = await render(videoJob(sourcePath, c.clip.path, settings, { source: c.source.id, clip: c.clip.id }), name, opts);
  const { value: { measured, fidelity }, seconds } = await timed(async () => {
    const measured = await measureVideo(video.path, { bilabialOnsets: c.bilabialOnsets, signal: opts.signal });
    return { measured, fidelity: await videoFidelity(video.path, measured.track, source, opts.signal) };
  });
  // Each output tile followed by the source frame it was made from.
  const tiles = outputTiles(measured).flatMap(({ index, tile }): SheetTile[] => {
    const s = fidelity.sourceFrame[index];
    return [tile, { ...tile, frame: source.frames[s], points: source.track.points[s], gap: source.track.gap[s], from: `source frame ${s}` }];
  });
  const row: Row = { mode: 'video', subject: c.source.id, clip: c.clip, measured, measureSeconds: seconds, fidelity };
  return finish(row, video, tiles, join(opts.outDir, `${name}.png`));
}

async function evaluateMulti(c: MultiCase, settings: RenderSettings, opts: EvaluateOptions): Promise<CaseResult[]> {
  const name = caseName(c);
  const video = await render(multiJob(c, settings), name, opts);
  const [left, right] = c.faces;
  const views = await splitConversation(video.path, { left: left.clip.path, right: right.clip.path }, c.scene.order, join(opts.outDir, 'videos', name), opts.signal);
  const results: CaseResult[] = [];
  for (const [i, face] of c.faces.entries()) {
    const { value: measured, seconds } = await timed(() =>
      measureVideo(views[i].videoPath, { audioPath: views[i].audioPath, bilabialOnsets: face.bilabialOnsets, signal: opts.signal }));
    const row: Row = { mode: 'multi', subject: `${c.scene.id}/${face.side}`, clip: face.clip, measured, measureSeconds: seconds, fidelity: null };
    results.push(await finish(row, video, outputTiles(measured).map((t) => t.tile), join(opts.outDir, `${name}-${face.side}.png`)));
  }
  return results;
}

function outputTiles(measured: MeasuredClip): Array<{ index: number; tile: SheetTile }> {
  const { track } = measured;
  return measured.sheetFrames.flatMap(({ index, kind }) => {
    const frame = measured.keptFrames.get(index);
    return frame ? [{ index, tile: { frame, points: track.points[index], kind, time: index / track.fps, gap: track.gap[index] } }] : [];
  });
}

const shown = (value: number, digits: number): string =>
  Number.isFinite(value) ? value.toFixed(digits) : value === Number.POSITIVE_INFINITY ? '∞' : 'n/a';

async function finish(row: Row, video: RenderedVideo, tiles: SheetTile[], contactSheet: string): Promise<CaseResult> {
  const { track, timeline, metrics } = row.measured;
  const verdicts = judge(metrics, row.fidelity);
  const f = row.fidelity;
  const title = [
    `${row.mode === 'image' ? '' : `${row.mode} `}${row.subject} × ${row.clip.id}: ${row.clip.note}`,
    `M1 r ${shown(metrics.m1.r, 2)} (null95 ${shown(metrics.m1.nullP95, 2)}) · M2 ${shown(metrics.m2.ms, 0)} ms · ` +
      `M3 ${shown(metrics.m3.share, 2)} · M4 ${metrics.m4 ? shown(metrics.m4.share, 2) : '-'} · closed ≤ ${metrics.closedBelow.toFixed(3)} IOD`,
    ...(f ? [`M7 ${shown(f.m7Db, 1)} dB (floor ${shown(f.m7FloorDb, 1)}; worst ${shown(f.m7WorstDb, 1)} at frame ${f.m7WorstFrame}) · ` +
      `M8 ${shown(f.m8, 2)} (floor ${shown(f.m8Floor, 2)}) · r with source mouth ${shown(f.sourceMouthR, 2)}`] : []),
  ];
  await writeContactSheet(contactSheet, title, tiles);
  return {
    mode: row.mode,
    subject: row.subject,
    clip: row.clip.id,
    video: video.path,
    contactSheet,
    durationSeconds: timeline.durationSeconds,
    frames: track.frameCount,
    framesWithoutFace: track.gap.reduce((n, g) => n + (Number.isFinite(g) ? 0 : 1), 0),
    detections: track.detections,
    renderSeconds: video.renderSeconds,
    measureSeconds: row.measureSeconds,
    renderCached: video.cached,
    computePerVideoSecond: video.renderSeconds / timeline.durationSeconds,
    metrics,
    fidelity: row.fidelity,
    verdicts,
  };
}
