// Files clients upload to use as job inputs (POST /api/v1/uploads): stored under the data dir
// with a JSON sidecar of metadata, served by an unguessable URL, deleted after a retention
// period. Jobs read them as local files, so a server that refuses private URLs can still use them.
import { randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SNIFF_BYTES, sniffMediaType, UPLOAD_MEDIA_TYPES, type SniffedMediaType } from './uploads-media-type.js';

export interface UploadMeta {
  /** File name under the uploads dir and last segment of its URL: 32 random characters + extension. */
  token: string;
  accountId: string;
  /** As the client named it (for people; never used as a path). */
  originalName: string;
  contentType: string;
  size: number;
  createdAt: number;
  expiresAt: number;
}

export interface UploadStoreOptions {
  /** Usually `uploadsDir(dataDir)`. */
  dir: string;
  /** How long an upload stays; default 24. */
  retentionHours?: number;
  /** The clock; tests move it instead of waiting a day. */
  now?: () => number;
}

/** The upload is larger than allowed; nothing is kept. */
export class UploadTooLargeError extends Error {
  readonly code = 'payload_too_large';
  constructor(readonly maxBytes: number) {
    super(`The file is larger than the ${formatMegabytes(maxBytes)} upload limit`);
    this.name = 'UploadTooLargeError';
  }
}

/** The upload's first bytes are not an image, audio or video format we accept; nothing is kept. */
export class UnsupportedUploadError extends Error {
  readonly code = 'unsupported_media_type';
  constructor(message = 'The file is not a supported image, audio or video (JPEG, PNG, WebP, GIF, WAV, MP3, AAC, FLAC, OGG, M4A, MP4, MOV, WebM, MKV)') {
    super(message);
    this.name = 'UnsupportedUploadError';
  }
}

/** 24 random bytes = 192 bits, base64url: 32 characters, like output tokens. */
const TOKEN_BYTES = 24;
const EXTENSIONS = UPLOAD_MEDIA_TYPES.map((type) => type.extension.slice(1)).join('|');
/** The only names the store reads or the route serves; rules out path tricks before any fs call. */
export const UPLOAD_TOKEN_PATTERN = new RegExp(`^[A-Za-z0-9_-]{32}\\.(?:${EXTENSIONS})$`);
const SIDECAR_SUFFIX = '.json';
const PARTIAL_SUFFIX = '.part';
const DEFAULT_RETENTION_HOURS = 24;
/** A partial file this old belongs to an upload that died (crash, disconnect) and can go. */
const STALE_PARTIAL_MS = 3600_000;
const MAX_ORIGINAL_NAME_LENGTH = 255;

export function uploadsDir(dataDir: string): string {
  return join(dataDir, 'uploads');
}

export class UploadStore {
  readonly dir: string;
  /** How long an upload is kept, for people (the playground says so). */
  readonly retentionHours: number;
  private readonly retentionMs: number;
  private readonly now: () => number;

  constructor(options: UploadStoreOptions) {
    this.dir = options.dir;
    this.retentionHours = options.retentionHours ?? DEFAULT_RETENTION_HOURS;
    this.retentionMs = this.retentionHours * 3600_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Stores `stream` as a new upload. Throws UnsupportedUploadError when its first bytes are no
   * accepted media, UploadTooLargeError past `maxBytes`; in both cases nothing stays on disk.
   */
  async save(stream: Readable, meta: { accountId: string; originalName: string; maxBytes: number; signal?: AbortSignal }): Promise<UploadMeta> {
    await mkdir(this.dir, { recursive: true });
    const id = randomBytes(TOKEN_BYTES).toString('base64url');
    const partial = join(this.dir, id + PARTIAL_SUFFIX);
    const inspector = new UploadInspector(meta.maxBytes);
    try {
      await pipeline(stream, inspector.transform, createWriteStream(partial, { flags: 'wx' }), { signal: meta.signal });
      const type = inspector.finish();
      const token = id + type.extension;
      const createdAt = this.now();
      const record: UploadMeta = {
        token,
        accountId: meta.accountId,
        originalName: cleanOriginalName(meta.originalName),
        contentType: type.contentType,
        size: inspector.bytes,
        createdAt,
        expiresAt: createdAt + this.retentionMs,
      };
      await rename(partial, join(this.dir, token));
      // Written last: an upload exists once its sidecar does.
      await writeFile(join(this.dir, token + SIDECAR_SUFFIX), JSON.stringify(record), { flag: 'wx' });
      return record;
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  /** The upload named `token` if it exists and has not expired. */
  async find(token: string): Promise<UploadMeta | undefined> {
    if (!UPLOAD_TOKEN_PATTERN.test(token)) return undefined;
    const text = await readFile(join(this.dir, token + SIDECAR_SUFFIX), 'utf8').catch(() => null);
    return this.liveRecord(token, text);
  }

  /** Synchronous find, for callers that map job inputs without awaiting (a sidecar is tiny). */
  findSync(token: string): UploadMeta | undefined {
    if (!UPLOAD_TOKEN_PATTERN.test(token)) return undefined;
    let text: string | null;
    try {
      text = readFileSync(join(this.dir, token + SIDECAR_SUFFIX), 'utf8');
    } catch {
      text = null;
    }
    return this.liveRecord(token, text);
  }

  /** Deletes an upload at once (one that turned out not to be needed). */
  async remove(token: string): Promise<void> {
    if (!UPLOAD_TOKEN_PATTERN.test(token)) return;
    await rm(join(this.dir, token), { force: true });
    await rm(join(this.dir, token + SIDECAR_SUFFIX), { force: true });
  }

  /** Absolute path of an upload's bytes. */
  filePath(token: string): string {
    return join(this.dir, token);
  }

  /** Deletes expired uploads and leftovers of failed ones; answers how many uploads it deleted. */
  async sweepExpired(now: number = this.now()): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return 0; // nothing uploaded yet
    }
    let deleted = 0;
    for (const name of names) {
      const token = name.endsWith(SIDECAR_SUFFIX) ? name.slice(0, -SIDECAR_SUFFIX.length) : null;
      if (token !== null && UPLOAD_TOKEN_PATTERN.test(token)) {
        const record = parseRecord(await readFile(join(this.dir, name), 'utf8').catch(() => null));
        if (record && record.expiresAt > now) continue;
        // The file first: a crash in between leaves a sidecar, which the next sweep removes.
        await rm(join(this.dir, token), { force: true });
        await rm(join(this.dir, name), { force: true });
        deleted++;
      } else if (await this.isLeftover(name, now)) {
        await rm(join(this.dir, name), { force: true });
      }
    }
    return deleted;
  }

  /** A partial upload or a file whose sidecar never got written, old enough not to be in progress. */
  private async isLeftover(name: string, now: number): Promise<boolean> {
    const isUpload = UPLOAD_TOKEN_PATTERN.test(name);
    if (!isUpload && !name.endsWith(PARTIAL_SUFFIX)) return false;
    if (isUpload && (await exists(join(this.dir, name + SIDECAR_SUFFIX)))) return false;
    const info = await stat(join(this.dir, name)).catch(() => null);
    return info !== null && now - info.mtimeMs > STALE_PARTIAL_MS;
  }

  private liveRecord(token: string, text: string | null): UploadMeta | undefined {
    const record = parseRecord(text);
    if (!record || record.token !== token || record.expiresAt <= this.now()) return undefined;
    return record;
  }
}

function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export interface UploadUrlContext {
  /** The server's public base URL, without a trailing slash (config.publicUrl). */
  publicUrl: string;
  uploadsDir: string;
  now?: () => number;
}

/** Absolute URL an upload is served at. */
export function uploadUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/uploads/${token}`;
}

/**
 * A URL of one of our own live uploads becomes its local file, which the engine reads directly
 * (our own URL is usually loopback, which the SSRF guard refuses). Anything else stays a URL.
 */
export function resolveUploadSource(url: string, context: UploadUrlContext): { path: string } | { url: string } {
  const prefix = `${context.publicUrl}/uploads/`;
  if (!url.startsWith(prefix)) return { url };
  const token = url.slice(prefix.length);
  const store = new UploadStore({ dir: context.uploadsDir, now: context.now });
  return store.findSync(token) ? { path: store.filePath(token) } : { url };
}

/** The formState fields that carry media URLs. */
const MEDIA_FIELDS = ['image', 'audio', 'video', 'left_audio', 'right_audio', 'mask_image'] as const;

/** For a job's input: each media field whose URL names a live upload, mapped to the upload's file. */
export function localUploadFiles(input: Record<string, unknown>, context: UploadUrlContext): Record<string, string> {
  const files: Record<string, string> = {};
  for (const field of MEDIA_FIELDS) {
    const value = input[field];
    if (typeof value !== 'string') continue;
    const source = resolveUploadSource(value, context);
    if ('path' in source) files[field] = source.path;
  }
  return files;
}

/** Counts bytes, enforces the size limit and sniffs the type from the first bytes as they stream past. */
class UploadInspector {
  bytes = 0;
  private head = Buffer.alloc(0);
  private type: SniffedMediaType | null = null;
  readonly transform: (source: AsyncIterable<Buffer>) => AsyncGenerator<Buffer>;

  constructor(private readonly maxBytes: number) {
    const inspector = this;
    // A refused file is still read to its end, only no longer written: destroying the source
    // would leave a multipart parser waiting forever for that part's end, so a form's later
    // parts (and its answer) would never come.
    this.transform = async function* (source) {
      let refusal: unknown = null;
      for await (const chunk of source) {
        if (refusal !== null) continue;
        try {
          inspector.take(chunk);
        } catch (error) {
          refusal = error;
          continue;
        }
        yield chunk;
      }
      if (refusal !== null) throw refusal;
    };
  }

  private take(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) throw new UploadTooLargeError(this.maxBytes);
    if (this.type === null && this.head.length < SNIFF_BYTES) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, SNIFF_BYTES - this.head.length)]);
      // Decide as soon as there are enough bytes, so nothing more of a large non-media file is written.
      if (this.head.length >= SNIFF_BYTES) this.type = this.sniffOrThrow();
    }
  }

  /** The type, once the whole stream went past. */
  finish(): SniffedMediaType {
    if (this.bytes === 0) throw new UnsupportedUploadError('The file is empty');
    return this.type ?? this.sniffOrThrow();
  }

  private sniffOrThrow(): SniffedMediaType {
    const type = sniffMediaType(this.head);
    if (!type) throw new UnsupportedUploadError();
    return type;
  }
}

function parseRecord(text: string | null): UploadMeta | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as UploadMeta;
    return typeof value.token === 'string' && typeof value.expiresAt === 'number' ? value : null;
  } catch {
    return null;
  }
}

/** The client's name without directories or control characters, bounded. */
function cleanOriginalName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  return base.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, MAX_ORIGINAL_NAME_LENGTH);
}

function formatMegabytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}
