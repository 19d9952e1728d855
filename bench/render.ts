// Benchmark of the whole lipsync-image job (decode, face, audio analysis, render, encode) against
// a baseline measured in the same run: ffmpeg encoding the same number of raw frames of the same
// size with the same settings and the same audio. Ratios, not absolute times, are the result —
// this machine is shared and noisy. Run: `npm run bench` (or `npx tsx bench/render.ts`).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { prepareEngine, renderLipsyncImage, OUTPUT_FPS, type Resolution } from '../src/engine/index.js';
import { ffmpegPath, loadImageRgba, openVideoEncoder } from '../src/engine/media/index.js';

const fixtures = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
const CLIP_SECONDS = 10;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function baselineEncode(imagePath: string, audioPath: string, shortSide: number, frames: number, out: string): Promise<number> {
  const image = await loadImageRgba(imagePath, { shortSide, maxPixels: 40e6 });
  const started = performance.now();
  const encoder = openVideoEncoder({
    width: image.width, height: image.height, fps: OUTPUT_FPS, frameCount: frames,
    durationSeconds: frames / OUTPUT_FPS, audioPath, outputPath: out,
  });
  for (let i = 0; i < frames; i++) await encoder.writeFrame(image.data);
  await encoder.finish();
  return performance.now() - started;
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'mouthpiece-bench-'));
  try {
    // A 10 s speech clip: the English fixture looped and cut.
    const audioPath = join(work, 'clip.wav');
    execFileSync(ffmpegPath(), ['-v', 'error', '-stream_loop', '3', '-i', join(fixtures, 'speech-en.mp3'),
      '-t', String(CLIP_SECONDS), '-ac', '1', '-ar', '24000', audioPath]);
    const imagePath = join(fixtures, 'portrait-astronaut.jpg');
    await prepareEngine();
    const frames = CLIP_SECONDS * OUTPUT_FPS;
    console.log(`lipsync-image, ${CLIP_SECONDS} s clip (${frames} frames), median of ${REPEATS} runs each`);
    console.log('resolution | job wall s | job fps | x real time | baseline encode s | job / baseline');
    for (const resolution of ['480p', '720p'] as Resolution[]) {
      const job: number[] = [], base: number[] = [];
      let stages: Record<string, number> = {};
      for (let r = 0; r < REPEATS; r++) {
        base.push(await baselineEncode(imagePath, audioPath, resolution === '480p' ? 480 : 720, frames, join(work, 'base.mp4')));
        const started = performance.now();
        const result = await renderLipsyncImage(
          { image: { path: imagePath }, audio: { path: audioPath }, resolution, seed: 42 },
          { outputPath: join(work, `out-${resolution}.mp4`), workDir: join(work, `job-${r}`) },
        );
        job.push(performance.now() - started);
        stages = result.timings;
      }
      const j = median(job) / 1000, b = median(base) / 1000;
      console.log(`${resolution.padEnd(10)} | ${j.toFixed(2).padStart(10)} | ${(frames / j).toFixed(1).padStart(7)} | ${(CLIP_SECONDS / j).toFixed(2).padStart(11)} | ${b.toFixed(2).padStart(17)} | ${(j / b).toFixed(2).padStart(14)}   stages ms ${JSON.stringify(stages)}`);
    }
    console.log('targets (720p): job / baseline <= 1.5, x real time >= 3');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
