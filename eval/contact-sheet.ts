// A PNG per eval case for a person to look at the mouths: crops around the mouth at the loudest
// syllables, at known bilabial onsets and in pauses, each labelled with its time and measured gap,
// with face-api's inner-lip points dotted on so detector mistakes are visible too.
import sharp, { type OverlayOptions } from 'sharp';
import type { AudioTimeline } from './audio-timeline.js';
import { interOcularDistance, type Box } from './mouth-geometry.js';
import type { RgbaFrame } from './landmarks.js';

export type SheetFrameKind = 'loud' | 'bilabial' | 'pause';
export interface SheetFrame { index: number; kind: SheetFrameKind }

export interface SheetTile {
  frame: RgbaFrame;
  points: Float32Array | null;
  kind: SheetFrameKind;
  time: number;
  gap: number;
  /** Heading of a tile that is not the output: the video rows put the source frame it came from beside each output frame. */
  from?: string;
}

const LOUD_FRAMES = 4;
const BILABIAL_FRAMES = 2;
const PAUSE_FRAMES = 2;
/** Loud frames are at least this far apart, so they show different syllables. */
const MIN_LOUD_SEPARATION_S = 0.24;
const TILE = 200;
const LABEL_HEIGHT = 36;
/** Per title line (15 px text), plus a margin. */
const TITLE_LINE_HEIGHT = 18;
const TITLE_MARGIN = 8;
const MAX_TITLE_LINES = 3;
const COLUMNS = 4;
const PAD = 4;

/** Which frames to show: the loudest syllable peaks, the frame at the first bilabial onsets, the middle of the longest pauses. */
export function chooseSheetFrames(timeline: AudioTimeline, bilabialOnsets: number[]): SheetFrame[] {
  const { envelopeDb: env, speech, fps, frameCount } = timeline;
  const peaks: number[] = [];
  for (let k = 0; k < frameCount; k++) {
    if (!speech[k]) continue;
    let isPeak = true;
    for (let j = Math.max(0, k - 2); j <= Math.min(frameCount - 1, k + 2); j++) if (env[j] > env[k]) isPeak = false;
    if (isPeak) peaks.push(k);
  }
  peaks.sort((a, b) => env[b] - env[a]);
  const loud: number[] = [];
  for (const k of peaks) {
    if (loud.length === LOUD_FRAMES) break;
    if (loud.every((j) => Math.abs(j - k) / fps >= MIN_LOUD_SEPARATION_S)) loud.push(k);
  }
  const bilabial = bilabialOnsets.slice(0, BILABIAL_FRAMES).map((t) => Math.min(frameCount - 1, Math.floor(t * fps + 1e-9)));
  // Pauses between utterances first (the mouth must close there), then leading/trailing silence.
  const pauses = [...timeline.pauses]
    .sort((a, b) => Number(isInner(b, timeline)) - Number(isInner(a, timeline)) || (b.end - b.start) - (a.end - a.start))
    .slice(0, PAUSE_FRAMES)
    .map((s) => Math.min(frameCount - 1, Math.round(((s.start + s.end) / 2) * fps)));
  const chosen = new Map<number, SheetFrameKind>();
  for (const k of loud) chosen.set(k, 'loud');
  for (const k of bilabial) if (!chosen.has(k)) chosen.set(k, 'bilabial');
  for (const k of pauses) if (!chosen.has(k)) chosen.set(k, 'pause');
  return [...chosen].map(([index, kind]) => ({ index, kind })).sort((a, b) => a.index - b.index);
}

function isInner(span: { start: number; end: number }, timeline: AudioTimeline): boolean {
  return span.start > 0.001 && span.end < timeline.durationSeconds - 0.001;
}

/** A square around the mouth, 1.4 inter-ocular distances wide, inside the frame. */
function mouthCrop(frame: RgbaFrame, points: Float32Array | null): Box {
  let cx = frame.width / 2, cy = frame.height / 2, side = Math.min(frame.width, frame.height) / 3;
  if (points) {
    cx = 0; cy = 0;
    for (let i = 48; i < 68; i++) { cx += points[2 * i]; cy += points[2 * i + 1]; }
    cx /= 20; cy /= 20;
    side = 1.4 * interOcularDistance(points);
  }
  side = Math.max(16, Math.min(side, frame.width, frame.height));
  const x = Math.round(Math.min(Math.max(0, cx - side / 2), frame.width - side));
  const y = Math.round(Math.min(Math.max(0, cy - side / 2), frame.height - side));
  return { x, y, width: Math.round(side), height: Math.round(side) };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}

function textSvg(width: number, height: number, lines: string[], size: number, colour = '#eee'): Buffer {
  const text = lines
    .map((line, i) => `<text x="4" y="${(i + 1) * (size + 3)}" font-family="DejaVu Sans, sans-serif" font-size="${size}" fill="${colour}">${escapeXml(line)}</text>`)
    .join('');
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${text}</svg>`);
}

/** Inner-lip points of face-api as dots over the tile: upper 61–63 cyan, lower 65–67 yellow, corners white. */
function lipDotsSvg(points: Float32Array, crop: Box): Buffer {
  const scale = TILE / crop.width;
  let dots = '';
  for (let i = 60; i < 68; i++) {
    const x = (points[2 * i] - crop.x) * scale;
    const y = (points[2 * i + 1] - crop.y) * scale;
    dots += `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="2" fill="${i === 60 || i === 64 ? '#ffffff' : i < 64 ? '#00e5ff' : '#ffd400'}" fill-opacity="0.8"/>`;
  }
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${TILE}" height="${TILE}">${dots}</svg>`);
}

async function tileImage(tile: SheetTile): Promise<{ image: Buffer; crop: Box }> {
  const crop = mouthCrop(tile.frame, tile.points);
  const image = await sharp(tile.frame.data, { raw: { width: tile.frame.width, height: tile.frame.height, channels: 4 } })
    .extract({ left: crop.x, top: crop.y, width: crop.width, height: crop.height })
    .resize(TILE, TILE, { kernel: 'lanczos3' })
    .png()
    .toBuffer();
  return { image, crop };
}

/** `title`: up to three short lines (the sheet is only four tiles wide, ~95 characters). */
export async function writeContactSheet(outPath: string, title: string[], tiles: SheetTile[]): Promise<void> {
  const columns = Math.max(1, Math.min(COLUMNS, tiles.length));
  const rows = Math.max(1, Math.ceil(tiles.length / columns));
  const width = columns * (TILE + PAD) + PAD;
  const titleLines = title.slice(0, MAX_TITLE_LINES);
  const titleHeight = titleLines.length * TITLE_LINE_HEIGHT + TITLE_MARGIN;
  const height = titleHeight + rows * (TILE + LABEL_HEIGHT + PAD) + PAD;
  const layers: OverlayOptions[] = [{ input: textSvg(width, titleHeight, titleLines, 15), left: 0, top: 2 }];
  for (let i = 0; i < tiles.length; i++) {
    const tile = tiles[i];
    const left = PAD + (i % columns) * (TILE + PAD);
    const top = titleHeight + Math.floor(i / columns) * (TILE + LABEL_HEIGHT + PAD);
    const { image, crop } = await tileImage(tile);
    layers.push({ input: image, left, top });
    if (tile.points) layers.push({ input: lipDotsSvg(tile.points, crop), left, top });
    const gap = Number.isFinite(tile.gap) ? tile.gap.toFixed(3) : 'no face';
    const colour = tile.from ? '#bbb' : tile.kind === 'loud' ? '#9f9' : tile.kind === 'pause' ? '#9cf' : '#fc9';
    const heading = tile.from ?? `${tile.kind} · ${tile.time.toFixed(2)} s`;
    layers.push({ input: textSvg(TILE, LABEL_HEIGHT, [heading, `gap ${gap} IOD`], 13, colour), left, top: top + TILE });
  }
  await sharp({ create: { width, height, channels: 3, background: { r: 24, g: 24, b: 24 } } })
    .composite(layers)
    .png()
    .toFile(outPath);
}
