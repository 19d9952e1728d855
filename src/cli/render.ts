// `mouthpiece render`: the lipsync-image engine on local files (or URLs), no server, no
// database. Progress on stderr, the result's summary on stdout.
import { copyFile, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfig } from '../config.js';
import type { MediaSource, ProgressEvent, Resolution } from '../engine/types.js';
import { MAX_SEED, resolveSeed } from '../jobs/index.js';
import { CliError, type CliIo } from './io.js';

interface RenderOptions {
  image: string;
  audio: string;
  out: string;
  resolution: Resolution;
  seed?: number;
}

export function registerRenderCommand(program: Command, io: CliIo): void {
  program
    .command('render')
    .description('make a talking video from a portrait and a voice track, locally')
    .requiredOption('--image <file|url>', 'portrait (PNG, JPEG, WebP)')
    .requiredOption('--audio <file|url>', 'speech (MP3, WAV, M4A/AAC, OGG/Opus, FLAC)')
    .requiredOption('--out <file>', 'where to write the MP4')
    .option('--resolution <480p|720p>', "output's shorter side", parseResolution, '480p')
    .option('--seed <n>', `0..${MAX_SEED}; drives idle motion (default: random)`, parseSeed)
    .action((options: RenderOptions) => renderLocally(options, io));
}

async function renderLocally(options: RenderOptions, io: CliIo): Promise<void> {
  const config = loadConfig(io.env, io.cwd);
  // Loaded here, not at the top: the engine pulls in the face model runtime, which the key
  // commands do not need.
  const engine = await import('../engine/index.js');
  const seed = resolveSeed(options.seed);
  const outPath = resolve(io.cwd, options.out);
  const workDir = await mkdtemp(join(tmpdir(), 'mouthpiece-render-'));
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.once('SIGINT', onInterrupt);
  const progress = progressReporter(io);
  const startedAt = performance.now();
  try {
    io.stderr(`Preparing the engine…\n`);
    await engine.prepareEngine();
    const result = await engine.renderLipsyncImage(
      {
        image: mediaSource(options.image, io.cwd),
        audio: mediaSource(options.audio, io.cwd),
        resolution: options.resolution,
        seed,
      },
      {
        outputPath: join(workDir, 'output.mp4'),
        workDir,
        signal: controller.signal,
        onProgress: progress.update,
        // The person at the terminal may read any file or address they like; only the size
        // limits of the server configuration apply.
        limits: { maxAudioSeconds: config.maxAudioSeconds, allowPrivateUrls: true },
      },
    );
    progress.stop();
    await moveFile(join(workDir, 'output.mp4'), outPath);
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    io.stdout(
      `Wrote ${options.out}: ${result.width}×${result.height}, ${result.durationSeconds.toFixed(2)} s, ` +
        `${result.frames} frames, seed ${seed}, rendered in ${seconds} s\n`,
    );
  } catch (error) {
    progress.stop();
    if (error instanceof engine.EngineError) throw new CliError(error.message);
    throw error;
  } finally {
    process.off('SIGINT', onInterrupt);
    await rm(workDir, { recursive: true, force: true });
  }
}

function progressReporter(io: CliIo): { update: (event: ProgressEvent) => void; stop: () => void } {
  if (!io.interactive) {
    // Logs and pipes get one line per stage instead of a redrawn bar.
    let lastStage = '';
    return {
      update: ({ stage }) => {
        if (stage !== lastStage) io.stderr(`${stage}…\n`);
        lastStage = stage;
      },
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: '{stage} [{bar}] {percentage}% | {duration_formatted}', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update: ({ stage, progress }) => {
      const value = Math.round(progress * 100);
      if (!started) bar.start(100, value, { stage: stage.padEnd(8) });
      else bar.update(value, { stage: stage.padEnd(8) });
      started = true;
    },
    stop: () => {
      if (started) bar.stop();
      started = false;
    },
  };
}

function mediaSource(value: string, cwd: string): MediaSource {
  return /^https?:\/\//i.test(value) ? { url: value } : { path: resolve(cwd, value) };
}

/** Renames within a filesystem; copies across (the temp dir is often another mount). */
async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(from, to);
  }
}

function parseResolution(value: string): Resolution {
  if (value !== '480p' && value !== '720p') throw new InvalidArgumentError('must be 480p or 720p');
  return value;
}

function parseSeed(value: string): number {
  const seed = Number(value);
  if (!/^-?\d+$/.test(value) || seed < -1 || seed > MAX_SEED) {
    throw new InvalidArgumentError(`must be an integer from -1 to ${MAX_SEED}`);
  }
  return seed;
}
