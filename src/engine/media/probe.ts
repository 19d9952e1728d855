// Reads a media file's container and stream facts with ffprobe, without decoding it.
import { stat } from 'node:fs/promises';
import { ToolError } from '../errors.js';
import { ffprobePath } from './binaries.js';
import { assertFileHasBytes, DEFAULT_FIELD } from './media-file.js';
import { describeExit, runTool } from './tool-process.js';
import { invalidFormatError, throwIfAborted, unreadableReason, untrustedInputArgs } from './untrusted-input.js';

/** ffprobe reads headers only; a file that takes longer than this is hostile or broken. */
const PROBE_TIMEOUT_MS = 30_000;

export interface MediaProbe {
  /** ffprobe's demuxer name, e.g. `mp3` or `mov,mp4,m4a,3gp,3g2,mj2`. */
  formatName: string;
  durationSeconds: number | null;
  /**
   * True when ffprobe only estimated the duration from the bitrate (ADTS AAC, MP3 without a
   * Xing header, a WAV whose header disagrees with its size): it may be off by several percent.
   */
  durationIsEstimate: boolean;
  audio: { codec: string; sampleRate: number; channels: number } | null;
  video: {
    codec: string;
    /** Coded size, before `rotation` is applied. */
    width: number;
    height: number;
    fps: number;
    /** The container's average and base frame rates agree: every frame lasts 1 / fps. */
    constantFrameRate: boolean;
    frameCount: number | null;
    /** Degrees (0, 90, 180, 270) the frames must be turned clockwise to display upright. */
    rotation: number;
    /** How the samples encode colour, ffprobe's names ('unknown' where untagged). */
    colour: { pixelFormat: string; space: string; range: string };
  } | null;
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  sample_rate?: string;
  channels?: number;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  nb_frames?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
  pix_fmt?: string;
  color_space?: string;
  color_range?: string;
  tags?: { rotate?: string };
  side_data_list?: Array<{ rotation?: number | string }>;
}

interface FfprobeOutput {
  format?: { format_name?: string; duration?: string };
  streams?: FfprobeStream[];
}

/**
 * Probes of files seen lately, by path, size and modification time: a lipsync-video job reads the
 * same source's headers in three places (the job, the analysis, the decoders), each once an
 * ffprobe process otherwise. Callers share the object: read only.
 */
const recentProbes = new Map<string, MediaProbe>();
const RECENT_PROBES = 16;

export async function probeMedia(path: string, opts: { signal?: AbortSignal; field?: string } = {}): Promise<MediaProbe> {
  const field = opts.field ?? DEFAULT_FIELD;
  await assertFileHasBytes(path, field);
  const file = await stat(path);
  const key = `${file.size}:${file.mtimeMs}:${path}`;
  const known = recentProbes.get(key);
  if (known) return known;
  const probe = await runProbe(path, field, opts.signal);
  recentProbes.set(key, probe);
  if (recentProbes.size > RECENT_PROBES) recentProbes.delete(recentProbes.keys().next().value!);
  return probe;
}

async function runProbe(path: string, field: string, signal: AbortSignal | undefined): Promise<MediaProbe> {
  const args = ['-hide_banner', '-v', 'warning', '-print_format', 'json', '-show_format', '-show_streams', ...untrustedInputArgs(path)];
  const result = await runTool(ffprobePath(), args, { signal, timeoutMs: PROBE_TIMEOUT_MS });
  throwIfAborted(result.exit, signal);
  if (result.exit.spawnError) throw new ToolError(describeExit('ffprobe', result.exit, result.stderrTail));
  if (result.exit.timedOut) throw invalidFormatError(field, 'reading its headers took too long');
  if (result.exit.code !== 0) throw invalidFormatError(field, await unreadableReason(path, result.stderrTail));

  let parsed: FfprobeOutput;
  try {
    parsed = JSON.parse(result.stdout.toString('utf8')) as FfprobeOutput;
  } catch (error) {
    throw new ToolError(`ffprobe printed output that is not JSON for ${field}`, { cause: error });
  }
  return probeFromFfprobe(parsed, result.stderrTail);
}

function probeFromFfprobe(parsed: FfprobeOutput, stderrTail: string): MediaProbe {
  const streams = parsed.streams ?? [];
  const audioStream = streams.find((s) => s.codec_type === 'audio');
  // Cover art in MP3/M4A shows up as a one-frame video stream; it is not a video.
  const videoStream = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  const duration = positiveNumber(parsed.format?.duration) ?? positiveNumber(audioStream?.duration) ?? positiveNumber(videoStream?.duration);
  return {
    formatName: parsed.format?.format_name ?? 'unknown',
    durationSeconds: duration ?? null,
    durationIsEstimate: /Estimating duration from bitrate/i.test(stderrTail),
    audio: audioStream
      ? {
          codec: audioStream.codec_name ?? 'unknown',
          sampleRate: positiveNumber(audioStream.sample_rate) ?? 0,
          channels: audioStream.channels ?? 0,
        }
      : null,
    video: videoStream
      ? {
          codec: videoStream.codec_name ?? 'unknown',
          width: videoStream.width ?? 0,
          height: videoStream.height ?? 0,
          fps: frameRate(videoStream.avg_frame_rate) ?? frameRate(videoStream.r_frame_rate) ?? 0,
          constantFrameRate: frameRate(videoStream.avg_frame_rate) !== undefined && frameRate(videoStream.avg_frame_rate) === frameRate(videoStream.r_frame_rate),
          frameCount: positiveNumber(videoStream.nb_frames) ?? null,
          rotation: clockwiseRotation(videoStream),
          colour: { pixelFormat: videoStream.pix_fmt ?? 'unknown', space: videoStream.color_space ?? 'unknown', range: videoStream.color_range ?? 'unknown' },
        }
      : null,
  };
}

function positiveNumber(value: string | number | undefined): number | undefined {
  const n = typeof value === 'number' ? value : Number.parseFloat(value ?? '');
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** ffprobe writes rates as fractions ("30000/1001"); "0/0" means unknown. */
function frameRate(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const [num, den] = value.split('/').map(Number);
  if (den === undefined) return positiveNumber(num);
  return den > 0 && num > 0 ? num / den : undefined;
}

function clockwiseRotation(stream: FfprobeStream): number {
  // Older muxers write a `rotate` tag (clockwise); newer ffprobe reports the display matrix,
  // whose angle is counter-clockwise.
  const tag = Number.parseFloat(stream.tags?.rotate ?? '');
  const matrix = stream.side_data_list?.map((d) => Number(d.rotation)).find((r) => Number.isFinite(r));
  const degrees = Number.isFinite(tag) ? tag : matrix !== undefined ? -matrix : 0;
  return (((Math.round(degrees / 90) * 90) % 360) + 360) % 360;
}
