// Brings a media input to a local file: a path is checked, a URL is downloaded with the SSRF
// guard on every redirect hop, a size cap, a timeout, and never a partial file left behind.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import type { LookupFunction } from 'node:net';
import { extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Agent, request, type Dispatcher } from 'undici';
import { AbortedError, FetchError, InvalidMediaError } from '../errors.js';
import type { EngineLimits, MediaSource } from '../types.js';
import { resolveAllowedAddress, type HostResolver, type ResolvedAddress } from './address-guard.js';
import { assertFileHasBytes, emptyFileError } from './media-file.js';

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface FetchMediaOptions {
  destDir: string;
  /** The request field the source came from, named in error messages (`formState.audio`). */
  field: string;
  limits: EngineLimits;
  signal?: AbortSignal;
  /** Addresses or CIDR ranges that may be fetched from although private (an operator's own media host). */
  allowAddresses?: readonly string[];
  /** Host name resolution; the system resolver unless replaced (tests, a custom DNS). */
  resolveHost?: HostResolver;
}

export async function fetchMedia(source: MediaSource, opts: FetchMediaOptions): Promise<string> {
  if ('path' in source) {
    await assertFileHasBytes(source.path, opts.field);
    return source.path;
  }
  const deadline = AbortSignal.timeout(opts.limits.fetchTimeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
  try {
    return await download(source.url, opts, signal);
  } catch (error) {
    if (opts.signal?.aborted) throw new AbortedError('The job was cancelled', { cause: error });
    if (deadline.aborted) {
      const seconds = Math.round(opts.limits.fetchTimeoutMs / 100) / 10;
      throw new FetchError(`Could not fetch ${opts.field}: no complete answer within ${seconds} s`, { cause: error });
    }
    throw error;
  }
}

async function download(firstUrl: string, opts: FetchMediaOptions, signal: AbortSignal): Promise<string> {
  let url = parseMediaUrl(firstUrl, opts.field);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
    const target = await resolveAllowedAddress(url.hostname, opts.field, {
      allowPrivate: opts.limits.allowPrivateUrls,
      allowAddresses: opts.allowAddresses,
      resolve: opts.resolveHost,
      signal,
    });
    const agent = pinnedAgent(url.hostname, target);
    try {
      const response = await get(url, agent, signal, opts.field);
      const location = response.headers.location;
      if (REDIRECT_STATUSES.has(response.statusCode) && location) {
        discardBody(response);
        url = parseMediaUrl(String(location), opts.field, url);
        continue;
      }
      checkStatus(response, opts);
      return await saveBody(response, url, opts, signal);
    } finally {
      await agent.destroy().catch(() => {});
    }
  }
  throw new FetchError(`Could not fetch ${opts.field}: more than ${MAX_REDIRECTS} redirects`);
}

/** `redirectedFrom`: the URL whose Location header `text` is (relative locations resolve against it). */
function parseMediaUrl(text: string, field: string, redirectedFrom?: URL): URL {
  const verb = redirectedFrom ? 'redirects to' : 'is';
  let url: URL;
  try {
    url = new URL(text, redirectedFrom);
  } catch {
    throw new FetchError(redirectedFrom ? `Could not fetch ${field}: the server redirects to an invalid URL` : `${field} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchError(`${field} ${verb} a ${url.protocol.replace(/:$/, '')} URL; only http and https are fetched`);
  }
  return url;
}

/**
 * An HTTP agent that can only reach `target`: its DNS lookup answers with the address the guard
 * already approved, so a second, different DNS answer (rebinding) is never used. IP-literal hosts
 * skip lookup entirely and were checked as such.
 */
function pinnedAgent(hostname: string, target: ResolvedAddress): Agent {
  const lookup: LookupFunction = (name, options, callback) => {
    if (name !== hostname && name !== hostname.replace(/^\[(.*)\]$/, '$1')) {
      callback(new FetchError(`Refusing to connect to unexpected host ${name}`), '', 4);
    } else if (options.all) {
      (callback as unknown as (e: null, all: ResolvedAddress[]) => void)(null, [target]);
    } else {
      callback(null, target.address, target.family);
    }
  };
  return new Agent({ connect: { lookup }, connections: 1, pipelining: 1 });
}

async function get(url: URL, agent: Agent, signal: AbortSignal, field: string): Promise<Dispatcher.ResponseData> {
  try {
    return await request(url, {
      method: 'GET',
      dispatcher: agent,
      signal,
      headers: { accept: '*/*', 'accept-encoding': 'identity', 'user-agent': 'Mouthpiece media fetcher' },
    });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new FetchError(`Could not fetch ${field}: ${connectionProblem(error, url)}`, { cause: error });
  }
}

function connectionProblem(error: unknown, url: URL): string {
  const code = (error as { code?: string; cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
  const host = url.host;
  switch (code) {
    case 'ECONNREFUSED': return `the connection to ${host} was refused`;
    case 'ECONNRESET': case 'UND_ERR_SOCKET': return `the connection to ${host} was closed`;
    case 'ENOTFOUND': case 'EAI_AGAIN': return `the host name ${url.hostname} could not be resolved`;
    case 'ETIMEDOUT': case 'UND_ERR_CONNECT_TIMEOUT': return `${host} did not answer`;
    default: return `${host} could not be reached (${error instanceof Error ? error.message : String(error)})`;
  }
}

function checkStatus(response: Dispatcher.ResponseData, opts: FetchMediaOptions): void {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return;
  discardBody(response);
  const what = status >= 400 ? 'the server answered' : 'unexpected answer:';
  throw new FetchError(`Could not fetch ${opts.field}: ${what} HTTP ${status}`);
}

async function saveBody(response: Dispatcher.ResponseData, url: URL, opts: FetchMediaOptions, signal: AbortSignal): Promise<string> {
  const maxBytes = opts.limits.maxDownloadBytes;
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    discardBody(response);
    throw tooLargeError(opts.field, maxBytes, declared);
  }
  await mkdir(opts.destDir, { recursive: true });
  const finalPath = join(opts.destDir, fileNameFor(opts.field, url, response.headers['content-type']));
  // Written under a unique name and renamed when complete, so a reader never sees a partial file.
  const partPath = `${finalPath}.${randomBytes(4).toString('hex')}.part`;
  let received = 0;
  try {
    await pipeline(
      response.body,
      async function* countBytes(chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          received += chunk.length;
          if (received > maxBytes) throw tooLargeError(opts.field, maxBytes);
          yield chunk;
        }
      },
      createWriteStream(partPath, { flags: 'wx' }),
      { signal },
    );
    if (received === 0) throw emptyFileError(opts.field);
    await rename(partPath, finalPath);
    return finalPath;
  } catch (error) {
    discardBody(response);
    await rm(partPath, { force: true });
    if (error instanceof FetchError || error instanceof InvalidMediaError || signal.aborted) throw error;
    throw new FetchError(`Could not fetch ${opts.field}: the download broke off after ${received} bytes`, { cause: error });
  }
}

/** Stops reading a body we do not want; undici reports the destroy as an error nobody needs. */
function discardBody(response: Dispatcher.ResponseData): void {
  response.body.on('error', () => {});
  response.body.destroy();
}

function tooLargeError(field: string, maxBytes: number, declared?: number): FetchError {
  const size = declared === undefined ? 'more than' : `${formatBytes(declared)}, more than`;
  return new FetchError(`Could not fetch ${field}: the file is ${size} the ${formatBytes(maxBytes)} limit`);
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${bytes} bytes`;
}

const EXTENSION_BY_TYPE: Record<string, string> = {
  'audio/mpeg': '.mp3', 'audio/mp3': '.mp3', 'audio/wav': '.wav', 'audio/x-wav': '.wav', 'audio/wave': '.wav',
  'audio/mp4': '.m4a', 'audio/aac': '.aac', 'audio/ogg': '.ogg', 'audio/opus': '.opus', 'audio/flac': '.flac',
  'image/png': '.png', 'image/jpeg': '.jpg', 'image/webp': '.webp',
  'video/mp4': '.mp4', 'video/quicktime': '.mov', 'video/webm': '.webm', 'video/x-matroska': '.mkv',
};

/** `formState.audio` + `/voice.mp3` → `formState.audio.mp3`; decoders sniff content, the suffix only helps humans. */
function fileNameFor(field: string, url: URL, contentType: string | string[] | undefined): string {
  const base = field.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^\.+/, '') || 'media';
  const fromPath = extname(url.pathname).toLowerCase();
  if (/^\.[a-z0-9]{1,5}$/.test(fromPath)) return base + fromPath;
  const type = String(contentType ?? '').split(';')[0].trim().toLowerCase();
  return base + (EXTENSION_BY_TYPE[type] ?? '.bin');
}
