// Benchmark of the whole lipsync-image job (fetch, decode, face, audio analysis, render, encode)
// against baselines measured in the same run, so the ratios hold on a shared, noisy machine:
//  - "same frames": ffmpeg encoding the job's own output frames (decoded to raw frames on disk
//    beforehand) with the same settings and audio — the pure encoding cost of this content, so
//    the ratio is what the engine adds on top of encoding. Measured twice: handed over as
//    yuv420p (ffmpeg only encodes; the strict baseline, the one the target is checked against —
//    the job itself converts its frames to yuv420p) and as RGBA (ffmpeg converts too);
//  - "still": ffmpeg encoding the unchanged portrait N times as yuv420p (x264 skips almost
//    everything — the cheapest possible encode, shown for reference).
// Run: `npm run bench` (BENCH_REPEATS=n, default 3; BENCH_PORTRAIT=path).
import { execFileSync } from 'node:child_process';
import { open, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAsRenderProcess } from './render-process.js';
import { prepareEngine, renderLipsyncImage, OUTPUT_FPS, type Resolution } from '../src/engine/index.js';
import { ffmpegPath, loadImageRgba, openVideoEncoder, rgbaToYuv420, yuv420FrameBytes } from '../src/engine/media/index.js';

const fixtures = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
const CLIP_SECONDS = 10;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const PORTRAIT = process.env.BENCH_PORTRAIT ?? join(fixtures, 'portrait-hopper.jpg');

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Encode `frames` frames of width × height from a raw file of `format` frames (or one still frame). */
async function timeEncode(width: number, height: number, frames: number, audioPath: string, out: string,
  source: { rawFile: string } | { still: Uint8Array }, format: 'rgba' | 'yuv420p'): Promise<number> {
  const frameBytes = format === 'rgba' ? width * height * 4 : yuv420FrameBytes(width, height);
  const file = 'rawFile' in source ? await open(source.rawFile, 'r') : null;
  const buffer = new Uint8Array(frameBytes);
  const started = performance.now();
  const encoder = openVideoEncoder({ width, height, fps: OUTPUT_FPS, frameCount: frames, durationSeconds: frames / OUTPUT_FPS, audioPath, outputPath: out, inputFormat: format });
  for (let i = 0; i < frames; i++) {
    if (file) await file.read(buffer, 0, frameBytes, i * frameBytes);
    await encoder.writeFrame(file ? buffer : (source as { still: Uint8Array }).still);
  }
  await encoder.finish();
  const elapsed = performance.now() - started;
  await file?.close();
  return elapsed;
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'mouthpiece-bench-'));
  try {
    const audioPath = join(work, 'clip.wav');
    execFileSync(ffmpegPath(), ['-v', 'error', '-stream_loop', '3', '-i', join(fixtures, 'speech-en.mp3'),
      '-t', String(CLIP_SECONDS), '-ac', '1', '-ar', '24000', audioPath]);
    await prepareEngine();
    const frames = CLIP_SECONDS * OUTPUT_FPS;
    console.log(`lipsync-image, ${CLIP_SECONDS} s clip (${frames} frames), ${PORTRAIT.split('/').pop()}, median of ${REPEATS} runs`);
    console.log('resolution | job s | job fps | × real time | same-frames encode s (yuv in / rgba in) | job / same-frames (yuv / rgba) | still encode s | job / still | job stages ms');
    for (const resolution of ['480p', '720p'] as Resolution[]) {
      const job: number[] = [], same: number[] = [], sameRgba: number[] = [], still: number[] = [];
      let stages: Record<string, number> = {};
      const image = await loadImageRgba(PORTRAIT, { shortSide: resolution === '480p' ? 480 : 720, maxPixels: 40e6 });
      const stillYuv = new Uint8Array(yuv420FrameBytes(image.width, image.height));
      rgbaToYuv420(image.data, image.width, image.height, stillYuv);
      for (let r = 0; r < REPEATS; r++) {
        const output = join(work, `out-${resolution}.mp4`);
        const started = performance.now();
        const result = await renderLipsyncImage(
          { image: { path: PORTRAIT }, audio: { path: audioPath }, resolution, seed: 42 },
          { outputPath: output, workDir: join(work, `job-${r}`) },
        );
        job.push(performance.now() - started);
        stages = result.timings;
        for (const format of ['yuv420p', 'rgba'] as const) {
          const raw = join(work, `frames.${format}`);
          execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-i', output, '-f', 'rawvideo', '-pix_fmt', format, raw]);
          const seconds = await timeEncode(image.width, image.height, frames, audioPath, join(work, 'same.mp4'), { rawFile: raw }, format);
          (format === 'rgba' ? sameRgba : same).push(seconds);
          await rm(raw);
        }
        still.push(await timeEncode(image.width, image.height, frames, audioPath, join(work, 'still.mp4'), { still: stillYuv }, 'yuv420p'));
      }
      const j = median(job) / 1000, s = median(same) / 1000, sr = median(sameRgba) / 1000, st = median(still) / 1000;
      console.log([resolution.padEnd(10), j.toFixed(2).padStart(5), (frames / j).toFixed(1).padStart(7),
        (CLIP_SECONDS / j).toFixed(2).padStart(11), `${s.toFixed(2)} / ${sr.toFixed(2)}`.padStart(38),
        `${(j / s).toFixed(2)} / ${(j / sr).toFixed(2)}`.padStart(30),
        st.toFixed(2).padStart(14), (j / st).toFixed(2).padStart(11), JSON.stringify(stages)].join(' | '));
    }
    console.log('targets (720p): job / same-frames encode <= 1.5 and x real time >= 3');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

runAsRenderProcess();
await main();
