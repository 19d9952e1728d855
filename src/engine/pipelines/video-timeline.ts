// Which source frame each output frame of lipsync-video shows, per `sync_mode` (api-contract):
// - bounce (default): the video forwards, then backwards, … until the audio ends. The turning
//   frames are not repeated, so the motion reverses without a stall or a jump.
// - loop: the video again from its first frame until the audio ends (a cut at each restart).
// - cut_off: stops at the shorter of the two.
// - silence: the whole video, the audio padded with silence (or cut, if it is the longer).
import type { SyncMode } from '../types.js';

export interface VideoTimeline {
  outputFrames: number;
  /** Source frames the output uses: 0 … sourceFrames − 1. */
  sourceFrames: number;
  sourceIndex(outputFrame: number): number;
  /** Whether some source frame is shown after a later one (the source must be read backwards). */
  readsBackwards: boolean;
}

/**
 * How many source frames to decode at most: a video longer than the audio is cut to it in every
 * mode except silence.
 */
export function sourceFramesToRead(mode: SyncMode, audioFrames: number): number {
  return mode === 'silence' ? Number.POSITIVE_INFINITY : audioFrames;
}

/**
 * @param videoFrames source frames decoded at the output frame rate (≤ sourceFramesToRead).
 * @param audioFrames the audio's length in output frames.
 */
export function planTimeline(mode: SyncMode, videoFrames: number, audioFrames: number): VideoTimeline {
  const n = Math.max(1, videoFrames);
  switch (mode) {
    case 'bounce': {
      const period = 2 * n - 2;
      return {
        outputFrames: audioFrames, sourceFrames: n, readsBackwards: n > 1 && audioFrames > n,
        sourceIndex: (k) => {
          if (n === 1) return 0;
          const p = k % period;
          return p < n ? p : period - p;
        },
      };
    }
    case 'loop':
      // Restarting at frame 0 is a fresh forward read, not a backward one.
      return { outputFrames: audioFrames, sourceFrames: n, readsBackwards: false, sourceIndex: (k) => k % n };
    case 'cut_off': {
      const frames = Math.min(n, audioFrames);
      return { outputFrames: frames, sourceFrames: frames, readsBackwards: false, sourceIndex: (k) => k };
    }
    case 'silence':
      return { outputFrames: n, sourceFrames: n, readsBackwards: false, sourceIndex: (k) => k };
  }
}
