// Runs one engine render (an eval case, or a source video the harness makes with the engine),
// reusing an earlier output when neither the engine's source nor the inputs changed (the key
// hashes every file under src/engine), so re-measuring after a harness change costs no rendering.
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Resolution } from '../src/engine/index.js';

const ENGINE_DIR = fileURLToPath(new URL('../src/engine/', import.meta.url));
/** Bump when what is cached changes meaning. */
const CACHE_FORMAT = 1;
/** Renders kept (≈ 3 full matrices, ~80 MB); the least recently used go first. */
const CACHE_ENTRIES = 150;

export interface RenderSettings { resolution: Resolution; seed: number }

/** One render: what it depends on (besides src/engine) and how to run it. */
export interface RenderJob {
  /** Files whose bytes the output depends on, in a fixed order. */
  inputs: string[];
  /** Everything else the output depends on (resolution, seed, mode options). */
  settings: Record<string, unknown>;
  /** Written beside the cached video, for a person reading the cache. */
  description: Record<string, unknown>;
  render(outputPath: string, workDir: string, signal?: AbortSignal): Promise<unknown>;
}

export interface RenderedVideo {
  path: string;
  /** Wall seconds the engine took (from the original render when cached). */
  renderSeconds: number;
  cached: boolean;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else out.push(path);
  }
  return out.sort();
}

let engineHash: Promise<string> | null = null;

/** sha256 over the path and bytes of every file in src/engine. */
export function engineSourceHash(): Promise<string> {
  engineHash ??= (async () => {
    const hash = createHash('sha256');
    for (const file of await listFiles(ENGINE_DIR)) {
      hash.update(relative(ENGINE_DIR, file)).update('\0').update(await readFile(file)).update('\0');
    }
    return hash.digest('hex');
  })();
  return engineHash;
}

/** An image-mode job hashes exactly as before the video rows existed, so earlier renders stay valid. */
async function cacheKey(job: RenderJob): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ format: CACHE_FORMAT, engine: await engineSourceHash(), ...job.settings }));
  for (const [i, input] of job.inputs.entries()) {
    if (i > 0) hash.update('\0');
    hash.update(await readFile(input));
  }
  return hash.digest('hex').slice(0, 24);
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).size > 0;
  } catch {
    return false;
  }
}

export async function renderCached(
  job: RenderJob,
  opts: { cacheDir: string; useCache: boolean; outputPath: string; signal?: AbortSignal },
): Promise<RenderedVideo> {
  await mkdir(opts.cacheDir, { recursive: true });
  const key = await cacheKey(job);
  const cachedVideo = join(opts.cacheDir, `${key}.mp4`);
  const cachedInfo = join(opts.cacheDir, `${key}.json`);
  if (opts.useCache && (await exists(cachedVideo)) && (await exists(cachedInfo))) {
    const info = JSON.parse(await readFile(cachedInfo, 'utf8')) as { renderSeconds: number };
    const now = new Date();
    await utimes(cachedInfo, now, now);
    await copyFile(cachedVideo, opts.outputPath);
    return { path: opts.outputPath, renderSeconds: info.renderSeconds, cached: true };
  }
  const workDir = await mkdtemp(join(tmpdir(), 'mouthpiece-eval-'));
  try {
    const started = performance.now();
    await job.render(opts.outputPath, workDir, opts.signal);
    const renderSeconds = (performance.now() - started) / 1000;
    await copyFile(opts.outputPath, cachedVideo);
    await writeFile(cachedInfo, JSON.stringify({ renderSeconds, ...job.description, ...job.settings }));
    return { path: opts.outputPath, renderSeconds, cached: false };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Drops the least recently used cached renders beyond CACHE_ENTRIES. */
export async function pruneRenderCache(cacheDir: string): Promise<void> {
  let names: string[];
  try {
    names = (await readdir(cacheDir)).filter((n) => n.endsWith('.json'));
  } catch {
    return;
  }
  const entries = await Promise.all(names.map(async (n) => ({ key: n.slice(0, -5), used: (await stat(join(cacheDir, n))).mtimeMs })));
  entries.sort((a, b) => b.used - a.used);
  for (const { key } of entries.slice(CACHE_ENTRIES)) {
    await rm(join(cacheDir, `${key}.json`), { force: true });
    await rm(join(cacheDir, `${key}.mp4`), { force: true });
  }
}
