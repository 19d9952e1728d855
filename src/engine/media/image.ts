// Loads a portrait as upright RGBA at the output's size. The header is checked against the pixel
// limit before any decoding, because a small PNG can declare billions of pixels.
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { InvalidMediaError, MediaLimitError } from '../errors.js';
import { assertFileHasBytes, DEFAULT_FIELD, describeFormat, sniffFormat } from './media-file.js';

export interface RgbaImage {
  /** Row-major RGBA, 8 bits per channel; length === width * height * 4. */
  data: Uint8Array;
  width: number;
  height: number;
}

export interface LoadImageOptions {
  /** The shorter output side in pixels (rounded to even). */
  shortSide: number;
  /** Largest accepted width × height of the stored image. */
  maxPixels: number;
  field?: string;
}

const ACCEPTED_FORMATS = new Set(['png', 'jpeg', 'webp']);

export async function loadImageRgba(path: string, opts: LoadImageOptions): Promise<RgbaImage> {
  const field = opts.field ?? DEFAULT_FIELD;
  await assertFileHasBytes(path, field);
  // Read once into memory: sharp's file cache is keyed by path and would serve a stale decode if
  // a job directory reuses a name.
  const bytes = await readFile(path);
  const format = sniffFormat(bytes.subarray(0, 512));
  if (!ACCEPTED_FORMATS.has(format)) {
    throw new InvalidMediaError(`${field} is not a PNG, JPEG or WebP image (it looks like ${describeFormat(format)})`);
  }

  const header = await readHeader(bytes, field);
  if (header.width * header.height > opts.maxPixels) {
    throw new MediaLimitError(
      `Image is ${header.width}×${header.height} pixels; the limit is ${formatMegapixels(opts.maxPixels)} megapixels`,
    );
  }
  const size = outputSize(header.uprightWidth, header.uprightHeight, opts.shortSide);
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: opts.maxPixels, autoOrient: true })
      .resize(size.width, size.height, { fit: 'fill', kernel: 'lanczos3' })
      .toColourspace('srgb')
      .ensureAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 4 || info.width !== size.width || info.height !== size.height) {
      throw new Error(`unexpected decode result ${info.width}×${info.height}×${info.channels}`);
    }
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  } catch (error) {
    throw new InvalidMediaError(`${field} could not be decoded as an image (${sharpReason(error)})`, { cause: error });
  }
}

interface ImageHeader {
  width: number;
  height: number;
  uprightWidth: number;
  uprightHeight: number;
}

async function readHeader(bytes: Buffer, field: string): Promise<ImageHeader> {
  try {
    // Header only; the pixel limit is applied by us right after, with a message a user can act on.
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    if (!meta.width || !meta.height) throw new Error('no image size in the header');
    // EXIF orientations 5–8 store the image turned by 90°.
    const turned = (meta.orientation ?? 1) >= 5;
    return {
      width: meta.width,
      height: meta.height,
      uprightWidth: turned ? meta.height : meta.width,
      uprightHeight: turned ? meta.width : meta.height,
    };
  } catch (error) {
    throw new InvalidMediaError(`${field} could not be decoded as an image (${sharpReason(error)})`, { cause: error });
  }
}

/** Shorter side = shortSide, aspect kept, both sides even (H.264 with 4:2:0 needs even sizes). */
export function outputSize(width: number, height: number, shortSide: number): { width: number; height: number } {
  const short = toEven(shortSide);
  const scale = short / Math.min(width, height);
  return width <= height
    ? { width: short, height: toEven(height * scale) }
    : { width: toEven(width * scale), height: short };
}

function toEven(x: number): number {
  return Math.max(2, Math.round(x / 2) * 2);
}

function formatMegapixels(pixels: number): string {
  return String(Math.round(pixels / 100_000) / 10);
}

function sharpReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].replace(/^Input (buffer|file) /, 'the data ').slice(0, 200) || 'unknown error';
}
