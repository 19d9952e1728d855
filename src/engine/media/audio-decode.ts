// Decodes an audio track to mono float32 PCM through an ffmpeg pipe, refusing files that are
// too long, not audio, or truncated (a half-downloaded MP3 must not become a half-length video).
import { InvalidMediaError, MediaLimitError, ToolError } from '../errors.js';
import { ffmpegPath } from './binaries.js';
import { DEFAULT_FIELD, mediaKindOfField } from './media-file.js';
import { probeMedia } from './probe.js';
import { describeExit, startTool } from './tool-process.js';
import { invalidFormatError, throwIfAborted, toolComplaint, unreadableReason, untrustedInputArgs } from './untrusted-input.js';

/** A decode that ends short of the declared duration by more than both of these is a truncated file. */
const TRUNCATION_RATIO = 0.05;
const TRUNCATION_SECONDS = 0.3;
/**
 * Isolated decode errors are common in files that play fine (a damaged frame, trailing tags);
 * this many means the stream itself is broken.
 */
const MAX_DECODE_ERRORS = 10;
/** Decoders add a few ms of padding; a file the header says is within the limit must not fail on that. */
const DECODED_LENGTH_SLACK_SECONDS = 0.5;
const DECODE_ERROR_LINE = /error while decoding|invalid data found|corrupt|header missing|invalid frame/i;

export interface DecodedAudio {
  samples: Float32Array;
  sampleRate: number;
  durationSeconds: number;
}

export interface DecodeAudioOptions {
  sampleRate: number;
  maxSeconds: number;
  signal?: AbortSignal;
  /** The request field the file came from, named in error messages (`formState.audio`). */
  field?: string;
}

export async function decodeAudioMono(path: string, opts: DecodeAudioOptions): Promise<DecodedAudio> {
  const field = opts.field ?? DEFAULT_FIELD;
  const probe = await probeMedia(path, { signal: opts.signal, field });
  if (!probe.audio) {
    const reason = probe.video ? 'it has a video track but no audio track' : 'it has no audio track';
    throw invalidFormatError(field, reason);
  }
  // Refuse by the header before spending time decoding; bitrate estimates can be a few percent
  // off, so those are only refused once the decode itself runs past the limit.
  if (probe.durationSeconds !== null && !probe.durationIsEstimate && probe.durationSeconds > opts.maxSeconds) {
    throw tooLongError(probe.durationSeconds, opts.maxSeconds);
  }

  const { pcm, decodeErrors } = await decodePcm(path, field, opts);
  const samples = new Float32Array(pcm.buffer, pcm.byteOffset, pcm.byteLength / 4);
  if (samples.length === 0) throw new InvalidMediaError(`The ${mediaKindOfField(field)} file at ${field} contains no sound`);
  const durationSeconds = samples.length / opts.sampleRate;
  if (durationSeconds > opts.maxSeconds + DECODED_LENGTH_SLACK_SECONDS) throw tooLongError(durationSeconds, opts.maxSeconds);

  const declared = probe.durationIsEstimate ? null : probe.durationSeconds;
  const missing = declared === null ? 0 : declared - durationSeconds;
  if (declared !== null && missing > TRUNCATION_SECONDS && missing > declared * TRUNCATION_RATIO) {
    throw new InvalidMediaError(
      `The audio file is truncated or corrupt: ${field} declares ${formatSeconds(declared)} s ` +
        `but only ${formatSeconds(durationSeconds)} s could be decoded`,
    );
  }
  if (decodeErrors >= MAX_DECODE_ERRORS) {
    throw new InvalidMediaError(`The audio file is truncated or corrupt: ${field} has ${decodeErrors} damaged frames`);
  }
  return { samples, sampleRate: opts.sampleRate, durationSeconds };
}

async function decodePcm(path: string, field: string, opts: DecodeAudioOptions): Promise<{ pcm: Buffer; decodeErrors: number }> {
  let decodeErrors = 0;
  const args = [
    '-hide_banner', '-nostdin', '-v', 'error',
    ...untrustedInputArgs(path),
    '-map', '0:a:0', '-vn', '-sn', '-dn',
    '-ac', '1', '-ar', String(opts.sampleRate),
    '-c:a', 'pcm_f32le', '-f', 'f32le', 'pipe:1',
  ];
  const tool = startTool(ffmpegPath(), args, {
    signal: opts.signal,
    onStderrLine: (line) => {
      if (DECODE_ERROR_LINE.test(line)) decodeErrors += 1;
    },
  });
  // One extra second of slack so a file exactly at the limit still decodes; past it, stop early.
  const maxBytes = Math.ceil((opts.maxSeconds + 1) * opts.sampleRate) * 4;
  const chunks: Buffer[] = [];
  let bytes = 0;
  let tooLong = false;
  tool.child.stdout?.on('data', (chunk: Buffer) => {
    if (tooLong) return;
    bytes += chunk.length;
    chunks.push(chunk);
    if (bytes > maxBytes) {
      tooLong = true;
      tool.kill();
    }
  });
  const exit = await tool.exited;
  throwIfAborted(exit, opts.signal);
  if (exit.spawnError) throw new ToolError(describeExit('ffmpeg', exit, tool.stderrTail()));
  if (tooLong) {
    throw new MediaLimitError(`Audio is longer than the ${formatSeconds(opts.maxSeconds)} s limit`);
  }
  if (exit.code !== 0) {
    const reason = bytes === 0 ? await unreadableReason(path, tool.stderrTail()) : toolComplaint(tool.stderrTail(), path);
    if (bytes === 0) throw invalidFormatError(field, reason ?? 'the data is not valid audio');
    throw new InvalidMediaError(`The audio file is truncated or corrupt: ${field} stopped decoding (${reason ?? 'unknown error'})`);
  }
  // The samples need 4-byte alignment for a Float32Array view; concat gives a fresh buffer, and a
  // single chunk may sit at any offset of Node's pool, so always copy once.
  const pcm = Buffer.alloc(bytes - (bytes % 4));
  let offset = 0;
  for (const chunk of chunks) {
    const take = Math.min(chunk.length, pcm.length - offset);
    chunk.copy(pcm, offset, 0, take);
    offset += take;
  }
  return { pcm, decodeErrors };
}

function tooLongError(seconds: number, limit: number): MediaLimitError {
  return new MediaLimitError(`Audio is ${formatSeconds(seconds)} s long; the limit is ${formatSeconds(limit)} s`);
}

/** 312.4, 300 — one decimal, none when whole. */
function formatSeconds(seconds: number): string {
  const rounded = Math.round(seconds * 10) / 10;
  return Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1);
}
