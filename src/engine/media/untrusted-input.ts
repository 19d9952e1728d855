// How ffmpeg/ffprobe are pointed at a file a user gave us, and how their complaints about it are
// turned into a short reason a user can read.
import { resolve } from 'node:path';
import { AbortedError, InvalidMediaError } from '../errors.js';
import { describeFormat, mediaKindOfField, readFileHead, sniffFormat, type SniffedFormat } from './media-file.js';
import type { ToolExit } from './tool-process.js';

/**
 * Demuxers allowed for user files. Playlists and scripts (hls, concat, subtitle renderers, …) can
 * make ffmpeg open other local files or URLs, so anything not a plain audio/video container is
 * refused before it is parsed.
 */
const INPUT_FORMATS = [
  'mov', 'mp4', 'm4a', '3gp', '3g2', 'mj2', 'matroska', 'webm', 'avi', 'mpegts', 'mpeg', 'flv', 'asf',
  'mp3', 'aac', 'wav', 'w64', 'aiff', 'caf', 'flac', 'ogg', 'amr', 'ac3', 'eac3',
].join(',');

/** Input options + `-i` for a user-supplied local file: only the file protocol, only media demuxers. */
export function untrustedInputArgs(path: string): string[] {
  // `file:` stops a path that looks like a URL or an option from being read as one.
  return ['-protocol_whitelist', 'file', '-format_whitelist', INPUT_FORMATS, '-i', `file:${resolve(path)}`];
}

/** Formats no audio/video demuxer reads: naming them is the most useful reason. */
const NOT_AUDIO_OR_VIDEO: ReadonlySet<SniffedFormat> = new Set([
  'html', 'xml', 'json', 'playlist', 'text', 'svg', 'pdf', 'png', 'jpeg', 'webp', 'gif', 'bmp', 'tiff', 'heif', 'avif',
]);

/**
 * Why a tool could not read a file, in a few words and without server paths: what the bytes look
 * like when that explains it (an HTML error page saved as .mp3), else ffmpeg's last complaint.
 */
export async function unreadableReason(path: string, stderrTail: string): Promise<string> {
  const format = sniffFormat(await readFileHead(path).catch(() => Buffer.alloc(0)));
  if (NOT_AUDIO_OR_VIDEO.has(format)) return `it looks like ${describeFormat(format)}`;
  return toolComplaint(stderrTail, path) ?? 'the data is not valid media';
}

/** The last meaningful stderr line with ffmpeg's `[demuxer @ 0x…]` prefix and file paths removed. */
export function toolComplaint(stderrTail: string, path: string): string | undefined {
  const absolute = resolve(path);
  const lines = stderrTail
    .split('\n')
    .map((line) =>
      line
        .replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/i, '')
        .split(`file:${absolute}`).join('the file')
        .split(absolute).join('the file')
        .replace(/^the file:\s*/, '')
        .trim(),
    )
    .filter((line) => line.length > 0);
  const last = lines.at(-1);
  if (!last) return undefined;
  if (/not on whitelist/i.test(last)) return 'it is a playlist or an unsupported container';
  return last.replace(/[.\s]+$/, '').slice(0, 200);
}

export function invalidFormatError(field: string, reason: string): InvalidMediaError {
  const kind = mediaKindOfField(field);
  return new InvalidMediaError(`Invalid ${kind} format: ${field} could not be decoded (${reason})`);
}

/** Turns an exit caused by the caller's signal into AbortedError. */
export function throwIfAborted(exit: ToolExit, signal?: AbortSignal): void {
  if (exit.aborted || signal?.aborted) throw new AbortedError('The job was cancelled', { cause: signal?.reason });
}
