// Benchmark of lipsync-video against a baseline measured in the same run: ffmpeg decoding the
// same source and encoding it with the same settings and the same voice (what any video-to-video
// service must at least do). Prints wall time, frames per second, real-time factor, the ratio to
// the baseline, per-stage times and this process's peak RSS (ffmpeg children excluded).
//   npm run bench:video                  10 s 720p source, median of BENCH_REPEATS runs (default 3)
//   npm run bench:video -- --long 600    one run on a 600 s 720p source with sync_mode "silence",
//                                        to show memory stays bounded (takes about as long as the video)
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAsRenderProcess } from './render-process.js';
import { prepareEngine, renderLipsyncVideo, VIDEO_CRF, type SyncMode } from '../src/engine/index.js';
import { ffmpegPath } from '../src/engine/media/index.js';

const fixtures = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const FPS = 25;

function ffmpeg(args: string[]): void {
  execFileSync(ffmpegPath(), ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args]);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * A 720p source from a portrait: a slow zoom with a sideways pan. Longer sources repeat a 10 s one
 * by stream copy (instant), which is as much work for the engine as any other video that long.
 */
function makeSource(path: string, seconds: number): void {
  const portrait = join(fixtures, 'portrait-astronaut.jpg');
  const clip = Math.min(seconds, 10);
  const zoomPan = `scale=2560:2560,crop=2560:1440:0:180,zoompan=z='1.15+0.0008*on':x='iw/2-(iw/zoom/2)+60*sin(on/45)':y='ih/2-(ih/zoom/2)':d=1:s=1280x720:fps=${FPS}`;
  const clipPath = seconds > clip ? `${path}.clip.mp4` : path;
  ffmpeg(['-loop', '1', '-framerate', String(FPS), '-i', portrait, '-vf', zoomPan, '-frames:v', String(clip * FPS),
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', clipPath]);
  if (seconds > clip) ffmpeg(['-stream_loop', String(Math.ceil(seconds / clip) - 1), '-i', clipPath, '-c', 'copy', '-t', String(seconds), path]);
}

/** A voice track of the given length: the English fixture looped and cut. */
function makeVoice(path: string, seconds: number): void {
  ffmpeg(['-stream_loop', '-1', '-i', join(fixtures, 'speech-en.mp3'), '-t', String(seconds), '-ac', '1', '-ar', '24000', path]);
}

/** The baseline: decode the source, encode it as lipsync-video's encoder does (same filter, codec, preset, crf, threads, audio). */
function baseline(source: string, voice: string, seconds: number, out: string): number {
  const started = performance.now();
  ffmpeg([
    '-i', source, '-i', voice, '-map', '0:v:0', '-map', '1:a:0', '-t', String(seconds),
    '-vf', 'scale=out_color_matrix=bt709:out_range=tv,format=yuv420p',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(VIDEO_CRF), '-pix_fmt', 'yuv420p', '-threads', '2',
    '-c:a', 'aac', '-b:a', '128k', '-ar', '48000', '-ac', '2', '-f', 'mp4', out,
  ]);
  return performance.now() - started;
}

async function dub(source: string, voice: string, mode: SyncMode, work: string, name: string) {
  const started = performance.now();
  const result = await renderLipsyncVideo(
    { video: { path: source }, audio: { path: voice }, resolution: '720p', seed: 1, syncMode: mode, onNoFace: 'passthrough' },
    { outputPath: join(work, `${name}.mp4`), workDir: join(work, name) },
  );
  return { ms: performance.now() - started, result };
}

const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function main(): Promise<void> {
  const longAt = process.argv.indexOf('--long');
  const seconds = longAt >= 0 ? Number(process.argv[longAt + 1] ?? 600) : 10;
  const work = await mkdtemp(join(tmpdir(), 'mouthpiece-bench-video-'));
  try {
    const source = join(work, 'source.mp4'), voice = join(work, 'voice.wav');
    makeSource(source, seconds);
    makeVoice(voice, longAt >= 0 ? 20 : seconds);
    await prepareEngine();
    if (longAt >= 0) {
      // "silence" keeps the whole video: every one of its frames is decoded twice, tracked and rendered.
      const { ms, result } = await dub(source, voice, 'silence', work, 'long');
      console.log(`lipsync-video, ${seconds} s 720p source (${result.frames} frames, sync_mode silence), one run`);
      console.log(`wall ${(ms / 1000).toFixed(1)} s, ${(result.frames / (ms / 1000)).toFixed(1)} fps, x real time ${(seconds / (ms / 1000)).toFixed(2)}, ` +
        `peak RSS ${peakRssMb()} MB, stages ms ${JSON.stringify(result.timings)}`);
      console.log('target: peak RSS < 600 MB');
      return;
    }
    const job: number[] = [], base: number[] = [];
    let stages: Record<string, number> = {};
    let frames = 0;
    for (let r = 0; r < REPEATS; r++) {
      base.push(baseline(source, voice, seconds, join(work, 'baseline.mp4')));
      const { ms, result } = await dub(source, voice, 'bounce', work, `run-${r}`);
      job.push(ms);
      stages = result.timings;
      frames = result.frames;
    }
    const j = median(job) / 1000, b = median(base) / 1000;
    console.log(`lipsync-video, ${seconds} s 720p source (${frames} frames at ${FPS} fps), median of ${REPEATS} runs`);
    console.log('job wall s | job fps | x real time | baseline s | job / baseline | peak RSS MB');
    console.log(`${j.toFixed(2).padStart(10)} | ${(frames / j).toFixed(1).padStart(7)} | ${(seconds / j).toFixed(2).padStart(11)} | ` +
      `${b.toFixed(2).padStart(10)} | ${(j / b).toFixed(2).padStart(14)} | ${String(peakRssMb()).padStart(11)}   stages ms ${JSON.stringify(stages)}`);
    console.log('targets: job / baseline <= 2, x real time >= 1 (2 cores)');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

runAsRenderProcess();
await main();
