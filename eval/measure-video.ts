// Measures one talking-head MP4 as a viewer gets it: the mouth from its frames (face-api), the
// loudness and silences from its own audio track (or a given one), then the sync metrics on the two.
import { decodeAudioMono, probeMedia } from '../src/engine/media/index.js';
import { audioTimeline, type AudioTimeline } from './audio-timeline.js';
import { chooseSheetFrames, type SheetFrame } from './contact-sheet.js';
import { measureMouthTrack, type MouthTrack, type RgbaFrame } from './landmarks.js';
import {
  bilabialClosure, chatterShare, closedThreshold, closureInSilence, syncCorrelation, syncLag,
  type BilabialClosure, type SilenceClosure, type SyncCorrelation, type SyncLag,
} from './metrics.js';

const AUDIO_RATE = 16_000;

export interface ClipMetrics {
  /** The inner-lip gap (inter-ocular units) at or under which this clip's mouth counts as closed (M3, M4). */
  closedBelow: number;
  m1: SyncCorrelation;
  m2: SyncLag;
  m3: SilenceClosure;
  /** null when the clip has no known bilabial onsets. */
  m4: BilabialClosure | null;
  m6: number;
}

export interface MeasuredClip {
  track: MouthTrack;
  timeline: AudioTimeline;
  metrics: ClipMetrics;
  sheetFrames: SheetFrame[];
  keptFrames: Map<number, RgbaFrame>;
}

/** Every metric from the two per-frame series (pure; the unit tests feed it synthetic series). */
export function clipMetrics(gap: Float32Array, timeline: AudioTimeline, bilabialOnsets: number[]): ClipMetrics {
  const { envelopeDb, speech, fps } = timeline;
  const closedBelow = closedThreshold(gap);
  return {
    closedBelow,
    m1: syncCorrelation(gap, envelopeDb, speech, fps),
    m2: syncLag(gap, envelopeDb, speech, fps),
    m3: closureInSilence(gap, fps, timeline.silentSpans, timeline.durationSeconds, { closedBelow }),
    m4: bilabialOnsets.length ? bilabialClosure(gap, fps, bilabialOnsets, closedBelow) : null,
    m6: chatterShare(gap, fps),
  };
}

export interface MeasureVideoOptions {
  bilabialOnsets?: number[];
  /** The audio to measure against instead of the video's own track (one face's voice in a conversation). */
  audioPath?: string;
  signal?: AbortSignal;
}

export async function measureVideo(videoPath: string, opts: MeasureVideoOptions = {}): Promise<MeasuredClip> {
  const onsets = opts.bilabialOnsets ?? [];
  const audioPath = opts.audioPath ?? videoPath;
  const probe = await probeMedia(videoPath, { signal: opts.signal });
  if (!probe.video || !(opts.audioPath || probe.audio)) throw new Error(`${videoPath} needs a video and an audio track`);
  const fps = probe.video.fps || 25;
  const audio = await decodeAudioMono(audioPath, { sampleRate: AUDIO_RATE, maxSeconds: 3600, signal: opts.signal });
  // The contact-sheet frames depend on the audio only, so they are chosen before decoding video.
  const expectedFrames = probe.video.frameCount ?? Math.round((probe.durationSeconds ?? audio.durationSeconds) * fps);
  const sheetFrames = chooseSheetFrames(audioTimeline(audio.samples, AUDIO_RATE, fps, expectedFrames), onsets);
  const { track, keptFrames } = await measureMouthTrack(videoPath, {
    keepFrames: new Set(sheetFrames.map((f) => f.index)), signal: opts.signal,
  });
  const timeline = audioTimeline(audio.samples, AUDIO_RATE, track.fps, track.frameCount);
  return {
    track, timeline, keptFrames,
    sheetFrames: sheetFrames.filter((f) => f.index < track.frameCount),
    metrics: clipMetrics(track.gap, timeline, onsets),
  };
}
