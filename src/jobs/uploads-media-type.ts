// What an uploaded file is, from its first bytes. The client's Content-Type and file name are not
// trusted: the type decides the extension the file is stored and served under.

export interface SniffedMediaType {
  contentType: string;
  /** With the dot; the only extensions the uploads route serves. */
  extension: string;
  kind: 'image' | 'audio' | 'video';
}

/** Enough bytes for every signature below (the EBML DocType sits within the first few dozen). */
export const SNIFF_BYTES = 64;

const JPEG: SniffedMediaType = { contentType: 'image/jpeg', extension: '.jpg', kind: 'image' };
const PNG: SniffedMediaType = { contentType: 'image/png', extension: '.png', kind: 'image' };
const GIF: SniffedMediaType = { contentType: 'image/gif', extension: '.gif', kind: 'image' };
const WEBP: SniffedMediaType = { contentType: 'image/webp', extension: '.webp', kind: 'image' };
const WAV: SniffedMediaType = { contentType: 'audio/wav', extension: '.wav', kind: 'audio' };
const MP3: SniffedMediaType = { contentType: 'audio/mpeg', extension: '.mp3', kind: 'audio' };
const AAC: SniffedMediaType = { contentType: 'audio/aac', extension: '.aac', kind: 'audio' };
const FLAC: SniffedMediaType = { contentType: 'audio/flac', extension: '.flac', kind: 'audio' };
const OGG: SniffedMediaType = { contentType: 'audio/ogg', extension: '.ogg', kind: 'audio' };
const M4A: SniffedMediaType = { contentType: 'audio/mp4', extension: '.m4a', kind: 'audio' };
const MP4: SniffedMediaType = { contentType: 'video/mp4', extension: '.mp4', kind: 'video' };
const MOV: SniffedMediaType = { contentType: 'video/quicktime', extension: '.mov', kind: 'video' };
const WEBM: SniffedMediaType = { contentType: 'video/webm', extension: '.webm', kind: 'video' };
const MKV: SniffedMediaType = { contentType: 'video/x-matroska', extension: '.mkv', kind: 'video' };

export const UPLOAD_MEDIA_TYPES: readonly SniffedMediaType[] = [JPEG, PNG, GIF, WEBP, WAV, MP3, AAC, FLAC, OGG, M4A, MP4, MOV, WEBM, MKV];

/** ISO base media brands that mean audio only; every other `ftyp` brand is taken as MP4 video. */
const AUDIO_BRANDS = new Set(['M4A ', 'M4B ', 'M4P ', 'F4A ']);
/** Top-level atoms an old QuickTime file may start with instead of `ftyp`. */
const QUICKTIME_FIRST_ATOMS = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);

/** The media type of a file starting with `head`, or null when it is none we accept. */
export function sniffMediaType(head: Uint8Array): SniffedMediaType | null {
  const bytes = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const ascii = (start: number, end: number) => bytes.toString('latin1', start, end);
  const startsWith = (...signature: number[]) => signature.every((byte, i) => bytes[i] === byte);

  if (startsWith(0xff, 0xd8, 0xff)) return JPEG;
  if (startsWith(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return PNG;
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return GIF;
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return WEBP;
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return WAV;
  if (ascii(0, 4) === 'fLaC') return FLAC;
  if (ascii(0, 4) === 'OggS') return OGG;
  if (ascii(0, 3) === 'ID3') return MP3;
  if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0) return mpegAudioFrame(bytes[1]);
  if (ascii(4, 8) === 'ftyp') return AUDIO_BRANDS.has(ascii(8, 12)) ? M4A : ascii(8, 12) === 'qt  ' ? MOV : MP4;
  if (bytes.length >= 8 && QUICKTIME_FIRST_ATOMS.has(ascii(4, 8))) return MOV;
  if (startsWith(0x1a, 0x45, 0xdf, 0xa3)) return ascii(4, bytes.length).includes('webm') ? WEBM : MKV;
  return null;
}

/** An MPEG frame sync: layer bits 00 are AAC in ADTS, layer III (01) is MP3, I/II are rare but MPEG audio too. */
function mpegAudioFrame(secondByte: number): SniffedMediaType | null {
  const layer = (secondByte >> 1) & 0b11;
  if (layer === 0b00) return (secondByte & 0b0001_0000) !== 0 ? AAC : null;
  return MP3;
}

/** The type stored under `extension` (e.g. `.m4a`), for serving. */
export function mediaTypeForExtension(extension: string): SniffedMediaType | undefined {
  return UPLOAD_MEDIA_TYPES.find((type) => type.extension === extension);
}
