// lipsync-image-multi is measured face by face: each face's half of the output, cut out as its own
// video, against that face's own voice placed where the contract puts it on the timeline
// (meanwhile: both from 0; left_right / right_left: one after the other). The tracker then sees
// one face, and M1–M6 judge each face by its own track (silence where only the other one speaks).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { SpeakerOrder } from '../src/engine/index.js';
import { decodeAudioMono, ffmpegPath, probeMedia, writeWavMono } from '../src/engine/media/index.js';

const run = promisify(execFile);
const RATE = 16_000;

/** Seconds from the output's start at which each voice begins (api-contract `order`). */
export function voiceOffsets(order: SpeakerOrder, leftSeconds: number, rightSeconds: number): { left: number; right: number } {
  switch (order) {
    case 'meanwhile': return { left: 0, right: 0 };
    case 'left_right': return { left: 0, right: leftSeconds };
    case 'right_left': return { left: rightSeconds, right: 0 };
  }
}

export interface FaceView { side: 'left' | 'right'; videoPath: string; audioPath: string }

/**
 * Writes `<base>-left.mp4` / `-right.mp4` (the output's halves, near-lossless, no audio) and
 * `<base>-left.wav` / `-right.wav` (each voice alone on the output's timeline, as long as the video).
 */
export async function splitConversation(
  outputPath: string, clips: { left: string; right: string }, order: SpeakerOrder, base: string, signal?: AbortSignal,
): Promise<[FaceView, FaceView]> {
  const probe = await probeMedia(outputPath, { signal });
  const total = probe.durationSeconds ?? 0;
  const [left, right] = await Promise.all([clips.left, clips.right].map((p) => decodeAudioMono(p, { sampleRate: RATE, maxSeconds: 3600, signal })));
  const at = voiceOffsets(order, left.durationSeconds, right.durationSeconds);
  const views: FaceView[] = [];
  for (const [side, voice, offset] of [['left', left.samples, at.left], ['right', right.samples, at.right]] as const) {
    const samples = new Float32Array(Math.round(total * RATE));
    const start = Math.round(offset * RATE);
    samples.set(voice.subarray(0, Math.max(0, samples.length - start)), Math.min(start, samples.length));
    const audioPath = `${base}-${side}.wav`;
    await writeWavMono(audioPath, samples, RATE);
    const videoPath = `${base}-${side}.mp4`;
    await run(ffmpegPath(), [
      '-v', 'error', '-y', '-nostdin', '-i', outputPath, '-an',
      '-vf', `crop=iw/2:ih:${side === 'left' ? 0 : 'iw/2'}:0`, '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '8', videoPath,
    ], { signal });
    views.push({ side, videoPath, audioPath });
  }
  return views as [FaceView, FaceView];
}
