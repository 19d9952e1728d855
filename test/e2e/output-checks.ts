// What the e2e test measures in a finished MP4: container facts through ffprobe, box order for
// +faststart, and the mouth opening per frame through the engine's own face landmarks.
import { execFile } from 'node:child_process';
import { openSync, readSync, closeSync } from 'node:fs';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { detectFaces, innerLipGap } from '../../src/engine/face/index.js';
import { decodeVideoFrames, ffprobePath } from '../../src/engine/media/index.js';

export interface StreamFacts {
  video: { codec: string; pixFmt: string; width: number; height: number; fps: string; frames: number; duration: number };
  audio: { codec: string; duration: number };
  formatDuration: number;
}

export async function ffprobeStreams(path: string): Promise<StreamFacts> {
  const { stdout } = await promisify(execFile)(ffprobePath(), [
    '-v', 'error', '-count_frames', '-show_streams', '-show_format', '-of', 'json', path,
  ]);
  const probe = JSON.parse(stdout) as {
    streams: Array<Record<string, string | number>>;
    format: { duration: string };
  };
  const video = probe.streams.find((s) => s.codec_type === 'video')!;
  const audio = probe.streams.find((s) => s.codec_type === 'audio')!;
  return {
    video: {
      codec: String(video.codec_name),
      pixFmt: String(video.pix_fmt),
      width: Number(video.width),
      height: Number(video.height),
      fps: String(video.avg_frame_rate),
      frames: Number(video.nb_read_frames),
      duration: Number(video.duration),
    },
    audio: { codec: String(audio?.codec_name), duration: Number(audio?.duration) },
    formatDuration: Number(probe.format.duration),
  };
}

/** Top-level MP4 box types in file order (ftyp, moov, mdat, …). */
export function topLevelBoxes(path: string): string[] {
  const fd = openSync(path, 'r');
  try {
    const boxes: string[] = [];
    const header = Buffer.alloc(16);
    let offset = 0;
    for (;;) {
      if (readSync(fd, header, 0, 16, offset) < 8) return boxes;
      let size = header.readUInt32BE(0);
      boxes.push(header.toString('latin1', 4, 8));
      if (size === 1) size = Number(header.readBigUInt64BE(8));
      if (size < 8) return boxes;
      offset += size;
    }
  } finally {
    closeSync(fd);
  }
}

/** Inner-lip gap (÷ inter-ocular distance) of the most confident face in every frame; NaN without one. */
export async function lipGapPerFrame(path: string): Promise<number[]> {
  const gaps: number[] = [];
  for await (const frame of decodeVideoFrames(path)) {
    const faces = await detectFaces({ data: frame.rgba, width: frame.width, height: frame.height });
    const best = faces.sort((a, b) => b.score - a.score)[0];
    gaps.push(best ? innerLipGap(best) : Number.NaN);
  }
  return gaps;
}

/** Inner-lip gap of the most confident face in a still image file. */
export async function lipGapOfImage(path: string): Promise<number> {
  const { data, info } = await sharp(path).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const faces = await detectFaces({ data: new Uint8Array(data), width: info.width, height: info.height });
  return innerLipGap(faces.sort((a, b) => b.score - a.score)[0]);
}

/** The value below which `fraction` of the finite values lie. */
export function percentile(values: number[], fraction: number): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

export function mean(values: number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.reduce((a, b) => a + b, 0) / finite.length;
}
