// Facts about a local media file that every reader needs before handing it to a decoder:
// does it have bytes at all, and what do its first bytes say it is (to explain a rejection).
import { open, stat } from 'node:fs/promises';
import { InvalidMediaError } from '../errors.js';

/** Which field a default message names when the caller does not say. */
export const DEFAULT_FIELD = 'the input';

export type MediaKind = 'audio' | 'video' | 'image' | 'media';

/** Guesses what a request field holds from its name (`formState.left_audio` → audio). */
export function mediaKindOfField(field: string): MediaKind {
  const name = field.toLowerCase();
  if (name.includes('audio')) return 'audio';
  if (name.includes('video')) return 'video';
  if (name.includes('image') || name.includes('mask')) return 'image';
  return 'media';
}

export function emptyFileError(field: string): InvalidMediaError {
  const kind = mediaKindOfField(field);
  return new InvalidMediaError(`The ${kind === 'media' ? '' : kind + ' '}file at ${field} is empty`);
}

/** Throws InvalidMediaError unless `path` is a regular file with at least one byte. */
export async function assertFileHasBytes(path: string, field: string): Promise<number> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new InvalidMediaError(`${field} is not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof InvalidMediaError) throw error;
    throw new InvalidMediaError(`The file for ${field} does not exist`, { cause: error });
  }
  if (size === 0) throw emptyFileError(field);
  return size;
}

export async function readFileHead(path: string, length = 512): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export type SniffedFormat =
  | 'png' | 'jpeg' | 'webp' | 'gif' | 'bmp' | 'tiff' | 'heif' | 'avif' | 'svg' | 'pdf'
  | 'html' | 'xml' | 'json' | 'playlist' | 'text'
  | 'mp3' | 'aac' | 'wav' | 'ogg' | 'flac' | 'mp4' | 'webm' | 'unknown';

/** Human words for a sniffed format, used as "(it looks like …)". */
const FORMAT_WORDS: Record<SniffedFormat, string> = {
  png: 'a PNG image', jpeg: 'a JPEG image', webp: 'a WebP image', gif: 'a GIF image',
  bmp: 'a BMP image', tiff: 'a TIFF image', heif: 'a HEIC/HEIF image', avif: 'an AVIF image',
  svg: 'an SVG drawing', pdf: 'a PDF document', html: 'HTML', xml: 'XML', json: 'JSON', playlist: 'a playlist',
  text: 'plain text', mp3: 'an MP3 file', aac: 'an AAC file', wav: 'a WAV file', ogg: 'an Ogg file', flac: 'a FLAC file',
  mp4: 'an MP4/QuickTime file', webm: 'a WebM/Matroska file', unknown: 'an unknown format',
};

export function describeFormat(format: SniffedFormat): string {
  return FORMAT_WORDS[format];
}

/** Recognises a file from its first bytes (magic numbers; markup by its opening tag). */
export function sniffFormat(head: Uint8Array): SniffedFormat {
  const bytes = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const ascii = (start: number, end: number): string => bytes.toString('latin1', start, end);
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'wav';
  if (ascii(0, 4) === 'GIF8') return 'gif';
  if (ascii(0, 2) === 'BM') return 'bmp';
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') return 'tiff';
  if (ascii(0, 5) === '%PDF-') return 'pdf';
  if (ascii(0, 4) === 'OggS') return 'ogg';
  if (ascii(0, 4) === 'fLaC') return 'flac';
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x1a45dfa3) return 'webm';
  if (ascii(4, 8) === 'ftyp') {
    const brand = ascii(8, 12);
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (['heic', 'heix', 'mif1', 'msf1', 'hevc'].includes(brand)) return 'heif';
    return 'mp4';
  }
  if (ascii(0, 3) === 'ID3') return 'mp3';
  if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0) {
    // MPEG audio frame sync; layer bits 00 mean an ADTS (AAC) header instead.
    return (bytes[1] & 0x06) === 0 ? 'aac' : 'mp3';
  }
  return sniffText(bytes);
}

function sniffText(bytes: Buffer): SniffedFormat {
  let text = bytes.toString('utf8').replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (text.startsWith('<?xml')) {
    return text.includes('<svg') ? 'svg' : 'xml';
  }
  text = text.replace(/^<!--[\s\S]*?-->\s*/, '');
  if (text.startsWith('<!doctype html') || /^<(html|head|body|meta|title|script|div|p)[\s>]/.test(text)) return 'html';
  if (text.startsWith('<svg')) return 'svg';
  if (text.startsWith('#extm3u') || text.startsWith('ffconcat') || text.startsWith('[playlist]')) return 'playlist';
  if (text.startsWith('{') || text.startsWith('[')) return 'json';
  if (text.length > 0 && isPrintable(bytes)) return 'text';
  return 'unknown';
}

function isPrintable(bytes: Buffer): boolean {
  for (const byte of bytes) {
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20)) return false;
  }
  return true;
}
