// Where the ffmpeg and ffprobe executables are. An operator's own build wins (env, then PATH);
// the static builds shipped in npm packages are the fallback so a plain `npm install` works.
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { ToolError } from '../errors.js';

const cache = new Map<string, string>();

export function ffmpegPath(): string {
  return resolveTool('ffmpeg', 'FFMPEG_PATH', '@ffmpeg-installer/ffmpeg');
}

export function ffprobePath(): string {
  return resolveTool('ffprobe', 'FFPROBE_PATH', '@ffprobe-installer/ffprobe');
}

function resolveTool(name: string, envVar: string, npmPackage: string): string {
  const cached = cache.get(name);
  if (cached) return cached;
  const found = fromEnv(envVar) ?? findOnPath(name) ?? fromNpmPackage(npmPackage);
  if (!found) {
    throw new ToolError(`${name} was not found: set ${envVar}, put ${name} on PATH or install ${npmPackage}`);
  }
  cache.set(name, found);
  return found;
}

function fromEnv(envVar: string): string | undefined {
  const value = process.env[envVar]?.trim();
  return value ? value : undefined;
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function fromNpmPackage(npmPackage: string): string | undefined {
  try {
    // Loaded lazily: these packages throw at import time on platforms they have no build for.
    const require = createRequire(import.meta.url);
    const path = (require(npmPackage) as { path?: unknown }).path;
    return typeof path === 'string' && isExecutable(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
