// Loads a `mask_image` as one grey level per output pixel (255 = may be animated), stretched to
// the output's size: a mask is drawn over the picture it belongs to, so its corners are the
// picture's corners whatever its own size.
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { InvalidMediaError, MediaLimitError } from '../errors.js';
import { assertFileHasBytes, describeFormat, sniffFormat } from './media-file.js';

export interface LoadMaskOptions {
  width: number;
  height: number;
  maxPixels: number;
  field?: string;
}

export async function loadMaskImage(path: string, opts: LoadMaskOptions): Promise<Uint8Array> {
  const field = opts.field ?? 'formState.mask_image';
  await assertFileHasBytes(path, field);
  const bytes = await readFile(path);
  const format = sniffFormat(bytes.subarray(0, 512));
  if (format !== 'png' && format !== 'jpeg' && format !== 'webp') {
    throw new InvalidMediaError(`${field} is not a PNG, JPEG or WebP image (it looks like ${describeFormat(format)})`);
  }
  try {
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    if (meta.width && meta.height && meta.width * meta.height > opts.maxPixels) {
      throw new MediaLimitError(`The mask image is ${meta.width}×${meta.height} pixels; the limit is ${opts.maxPixels} pixels`);
    }
    const { data, info } = await sharp(bytes, { limitInputPixels: opts.maxPixels, autoOrient: true })
      // Transparent areas count as black: not to be animated.
      .flatten({ background: { r: 0, g: 0, b: 0 } })
      .resize(opts.width, opts.height, { fit: 'fill', kernel: 'linear' })
      .greyscale()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.width !== opts.width || info.height !== opts.height || info.channels !== 1) {
      throw new Error(`unexpected decode result ${info.width}×${info.height}×${info.channels}`);
    }
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } catch (error) {
    if (error instanceof InvalidMediaError) throw error;
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 200);
    throw new InvalidMediaError(`${field} could not be decoded as an image (${reason})`, { cause: error });
  }
}
