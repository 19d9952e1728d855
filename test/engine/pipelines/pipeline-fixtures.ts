// What the pipeline tests measure in finished MP4s: frames decoded the same way for output and
// reference, the mouth opening of each face per frame (followed with the engine's own tracker),
// loudness envelopes of voice tracks, and correlation between the two.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { FaceTracker, innerLipGap } from '../../../src/engine/face/index.js';
import { VIDEO_CRF } from '../../../src/engine/index.js';
import {
  decodeAudioMono, decodeVideoFrames, decodeVideoFramesYuv420, ffmpegPath, ffprobePath, openVideoEncoder, probeMedia, workingYuv420Matrix,
} from '../../../src/engine/media/index.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
export const fixture = (name: string) => join(FIXTURES, name);
const run = promisify(execFile);

export async function makeTempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mouthpiece-pipeline-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export async function ffmpeg(args: string[]): Promise<void> {
  await run(ffmpegPath(), ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args]);
}

export interface OutputFacts { width: number; height: number; frames: number; fps: string; audioSeconds: number }

export async function probeOutput(path: string): Promise<OutputFacts> {
  const { stdout } = await run(ffprobePath(), ['-v', 'error', '-count_frames', '-show_streams', '-of', 'json', path]);
  const streams = (JSON.parse(stdout) as { streams: Array<Record<string, string | number>> }).streams;
  const video = streams.find((s) => s.codec_type === 'video')!;
  const audio = streams.find((s) => s.codec_type === 'audio');
  return {
    width: Number(video.width), height: Number(video.height), frames: Number(video.nb_read_frames),
    fps: String(video.avg_frame_rate), audioSeconds: Number(audio?.duration ?? Number.NaN),
  };
}

/** All frames of a video as RGBA at `width` (aspect kept). */
export async function readFrames(path: string, width?: number): Promise<Array<{ rgba: Uint8Array; width: number; height: number }>> {
  const frames = [];
  for await (const f of decodeVideoFrames(path, width ? { width } : {})) frames.push({ rgba: f.rgba, width: f.width, height: f.height });
  return frames;
}

/** Mean absolute RGB difference of two frames inside x0 ≤ x < x1 (whole rows). */
export function meanDifference(a: Uint8Array, b: Uint8Array, width: number, height: number, x0 = 0, x1 = width, y0 = 0, y1 = height): number {
  let sum = 0, n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const o = (y * width + x) * 4;
      sum += Math.abs(a[o] - b[o]) + Math.abs(a[o + 1] - b[o + 1]) + Math.abs(a[o + 2] - b[o + 2]);
      n += 3;
    }
  }
  return sum / n;
}

/**
 * Inner-lip gap (÷ eye distance) per frame for each of `faceCount` faces, ordered left to right;
 * NaN where a face is not found. Decoded at `width` and followed with the engine's tracker.
 */
export async function lipGapsPerFace(path: string, faceCount: number, width?: number): Promise<number[][]> {
  const tracker = new FaceTracker({ redetectEvery: 25 });
  const gaps: number[][] = Array.from({ length: faceCount }, () => []);
  for await (const frame of decodeVideoFrames(path, width ? { width } : {})) {
    const faces = (await tracker.track({ data: frame.rgba, width: frame.width, height: frame.height }))
      .slice(0, faceCount)
      .sort((a, b) => a.box.x - b.box.x);
    for (let k = 0; k < faceCount; k++) gaps[k].push(faces.length === faceCount ? innerLipGap(faces[k]) : Number.NaN);
  }
  return gaps;
}

/** RMS loudness of a voice file per video frame (fps), over a window of one frame. */
export async function loudnessPerFrame(path: string, fps: number, frames: number, offsetSeconds = 0): Promise<number[]> {
  const audio = await decodeAudioMono(path, { sampleRate: 16_000, maxSeconds: 600 });
  const hop = 16_000 / fps;
  const out: number[] = [];
  for (let k = 0; k < frames; k++) {
    const start = Math.round((k / fps - offsetSeconds) * 16_000);
    let sum = 0;
    for (let i = 0; i < hop; i++) {
      const s = audio.samples[start + i] ?? 0;
      sum += s * s;
    }
    out.push(Math.sqrt(sum / hop));
  }
  return out;
}

/** Pearson correlation over the indices where both series are finite. */
export function correlation(a: number[], b: number[]): number {
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (Number.isFinite(a[i]) && Number.isFinite(b[i])) pairs.push([a[i], b[i]]);
  const n = pairs.length;
  const ma = pairs.reduce((s, p) => s + p[0], 0) / n, mb = pairs.reduce((s, p) => s + p[1], 0) / n;
  let sab = 0, saa = 0, sbb = 0;
  for (const [x, y] of pairs) { sab += (x - ma) * (y - mb); saa += (x - ma) ** 2; sbb += (y - mb) ** 2; }
  return sab / Math.sqrt(saa * sbb);
}

/** Centred moving average over 2·radius + 1 samples (the mouth follows the sound's syllables, not its every peak). */
export function smooth(values: number[], radius: number): number[] {
  return values.map((_, i) => {
    let sum = 0, n = 0;
    for (let j = i - radius; j <= i + radius; j++) if (Number.isFinite(values[j])) { sum += values[j]; n++; }
    return n ? sum / n : Number.NaN;
  });
}

/**
 * Encode `frames` with the engine's own encoder settings, as a reference "decoded the same way":
 * compared with a pipeline's output, only what the pipeline changed differs beyond encoding noise.
 */
export async function encodeReference(frames: Array<{ rgba: Uint8Array; width: number; height: number }>, outputPath: string, fps: number): Promise<void> {
  const { width, height } = frames[0];
  const encoder = openVideoEncoder({ width, height, fps, frameCount: frames.length, durationSeconds: frames.length / fps, outputPath });
  for (const f of frames) await encoder.writeFrame(f.rgba);
  await encoder.finish();
}

/**
 * The first `frames` frames of the video at `path` along lipsync-video's own path with nothing
 * dubbed: decoded as the engine decodes it (a BT.601 or BT.709 source keeps its samples), encoded
 * at its CRF and tagged with their matrix. Compared with a lipsync-video output, only what the dub
 * changed differs beyond encoding noise.
 */
export async function encodeVideoReference(
  path: string, outputPath: string, opts: { width: number; height: number; fps: number; frames: number },
): Promise<void> {
  const { width, height, fps, frames } = opts;
  const encoder = openVideoEncoder({
    width, height, fps, frameCount: frames, durationSeconds: frames / fps, outputPath,
    inputFormat: 'yuv420p', yuvMatrix: workingYuv420Matrix((await probeMedia(path)).video!), crf: VIDEO_CRF,
  });
  let written = 0;
  for await (const frame of decodeVideoFramesYuv420(path, { width, height, fps })) {
    if (written === frames) break;
    await encoder.writeFrame(frame.yuv);
    written++;
  }
  await encoder.finish();
}

/** Frames `first..last` (inclusive) of a list. */
export function span<T>(list: T[], first: number, last: number): T[] {
  return list.slice(first, last + 1);
}

export function mean(values: number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.reduce((a, b) => a + b, 0) / finite.length;
}
