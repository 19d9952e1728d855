// Media made on the fly for the media tests: tones and clips from ffmpeg's lavfi sources, odd
// files written by hand, and a way to see which child processes this test process still has.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateSync, crc32 } from 'node:zlib';
import { ffmpegPath, ffprobePath } from '../../../src/engine/media/index.js';

const run = promisify(execFile);

export async function makeTempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mouthpiece-media-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export async function ffmpeg(args: string[]): Promise<void> {
  await run(ffmpegPath(), ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args]);
}

/** A sine tone; the codec follows the extension (.wav, .mp3, .m4a). */
export async function writeTone(path: string, opts: { seconds: number; frequency?: number; sampleRate?: number; channels?: number }): Promise<string> {
  const rate = opts.sampleRate ?? 44_100;
  await ffmpeg([
    '-f', 'lavfi', '-i', `sine=frequency=${opts.frequency ?? 440}:sample_rate=${rate}:duration=${opts.seconds}`,
    '-ac', String(opts.channels ?? 1),
    ...(path.endsWith('.mp3') ? ['-c:a', 'libmp3lame', '-b:a', '64k'] : []),
    path,
  ]);
  return path;
}

/** A short test-pattern clip with optional audio. */
export async function writeClip(path: string, opts: { seconds: number; width: number; height: number; fps: number; audio?: boolean; extra?: string[] }): Promise<string> {
  const inputs = ['-f', 'lavfi', '-i', `testsrc=size=${opts.width}x${opts.height}:rate=${opts.fps}:duration=${opts.seconds}`];
  if (opts.audio) inputs.push('-f', 'lavfi', '-i', `sine=duration=${opts.seconds}`);
  await ffmpeg([...inputs, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', ...(opts.audio ? ['-c:a', 'aac'] : []), ...(opts.extra ?? []), path]);
  return path;
}

/**
 * Copies a clip with a `rotate` tag. Note: this 2018 ffmpeg muxer stores the tag with the
 * opposite sign, so `rotate=270` yields a file that players (and ffmpeg) turn 90° clockwise.
 */
export async function withRotateTag(source: string, target: string, degrees: number): Promise<string> {
  await ffmpeg(['-i', source, '-c', 'copy', '-metadata:s:v:0', `rotate=${degrees}`, target]);
  return target;
}

/** Keeps the first half of a file's bytes, like a download that broke off. */
export async function cutInHalf(source: string, target: string): Promise<string> {
  const bytes = await readFile(source);
  await writeFile(target, bytes.subarray(0, Math.floor(bytes.length / 2)));
  return target;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** A valid-looking PNG of a few hundred bytes whose header claims width × height RGBA pixels. */
export function pngClaimingSize(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(6, 9); // colour type RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    // The start of the first rows: all zero bytes compress to almost nothing, hence the bomb.
    pngChunk('IDAT', deflateSync(Buffer.alloc(64 * 1024))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

export const HTML_PAGE = '<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>Not found</body></html>\n';

export interface StreamFacts {
  codec_type: string;
  codec_name: string;
  pix_fmt?: string;
  width?: number;
  height?: number;
  sample_rate?: string;
  nb_frames?: string;
  duration?: string;
}

/** ffprobe's own view of a file, for asserting on fields MediaProbe does not carry. */
export async function ffprobeStreams(path: string): Promise<{ streams: StreamFacts[]; format: { duration: string } }> {
  const { stdout } = await run(ffprobePath(), ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path]);
  return JSON.parse(stdout) as { streams: StreamFacts[]; format: { duration: string } };
}

/** Top-level MP4 box types in file order ('ftyp', 'moov', 'mdat', …). */
export async function topLevelBoxes(path: string): Promise<string[]> {
  const bytes = await readFile(path);
  const types: string[] = [];
  let offset = 0;
  while (offset + 8 <= bytes.length) {
    let size = bytes.readUInt32BE(offset);
    types.push(bytes.toString('latin1', offset + 4, offset + 8));
    if (size === 1) size = Number(bytes.readBigUInt64BE(offset + 8));
    if (size === 0) break;
    offset += size;
  }
  return types;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Pids of this process's live children (Linux /proc), to prove no ffmpeg was left running. */
export async function childPids(): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    // Fields after the parenthesised command: state, ppid, …
    const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(afterName[1]) === process.pid && afterName[0] !== 'Z') pids.push(Number(name));
  }
  return pids;
}

/** Polls `check` until it returns true or the deadline passes. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
