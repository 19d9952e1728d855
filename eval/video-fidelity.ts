// M7 and M8 for the video modes: every output frame against the source frame it shows. Output
// frame k shows source frame sourceFrameFor(k) (sync_mode bounce, from the API contract: forwards,
// then backwards without repeating the turning frames). Regions come from face-api's landmarks:
//   M7 PSNR outside the union of the output's and the source's dilated mouth-and-jaw boxes (the
//      jaw may drop below where the source had it), pooled over the clip (its squared errors
//      summed, so it is the clip's PSNR, not a mean of dBs), with the worst frame beside it;
//   M8 Laplacian variance in the output's mouth box over the source's, per frame; the median.
// Both are also computed for the source through the engine's encoder with nothing changed (the
// "floor"): what the codec alone costs, so a miss can be put on the dub or on the encoding.
import { decodeVideoFrames } from '../src/engine/media/index.js';
import { laplacianVariance, psnrFromSquaredError, squaredErrorOutsideBox } from './image-metrics.js';
import { measureMouthTrack, type MouthTrack, type RgbaFrame } from './landmarks.js';
import { pearson, quantile } from './metrics.js';
import { mouthAndJawBox, mouthBox, unionBox } from './mouth-geometry.js';

export interface SourceVideo {
  frames: RgbaFrame[];
  /** The same frames after the engine's encoder, nothing changed. */
  reference: RgbaFrame[];
  track: MouthTrack;
}

export interface VideoFidelity {
  /** M7, dB over the clip. */
  m7Db: number;
  m7WorstDb: number;
  m7WorstFrame: number;
  /** M7 of the plain re-encode, same regions. */
  m7FloorDb: number;
  /** M8: median over frames of output / source mouth sharpness. */
  m8: number;
  /** 10th percentile of the per-frame ratio. */
  m8P10: number;
  /** M8 of the plain re-encode. */
  m8Floor: number;
  /** Frames compared for M7 (output frames whose source frame has a face). */
  frames: number;
  /**
   * Pearson r between the output's inner-lip gap and the source's at the frame shown: how much
   * of the source's own mouth motion survives the dub (meaningless for a source whose mouth is still).
   */
  sourceMouthR: number;
  /** Source frame shown by each output frame, and that frame's M7 (dB; NaN where not compared). */
  sourceFrame: Int32Array;
  m7PerFrameDb: Float32Array;
}

/** Source frame shown at output frame `k` under bounce, with `sourceFrames` frames in the source. */
export function sourceFrameFor(k: number, sourceFrames: number): number {
  if (sourceFrames <= 1) return 0;
  const period = 2 * sourceFrames - 2;
  const p = k % period;
  return p < sourceFrames ? p : period - p;
}

async function decodeAll(path: string, signal?: AbortSignal): Promise<RgbaFrame[]> {
  const frames: RgbaFrame[] = [];
  for await (const f of decodeVideoFrames(path, { signal })) frames.push({ data: f.rgba, width: f.width, height: f.height });
  return frames;
}

/** Decodes a source and its re-encode and measures the source's face, frame by frame. */
export async function loadSourceVideo(path: string, referencePath: string, signal?: AbortSignal): Promise<SourceVideo> {
  const frames = await decodeAll(path, signal);
  const reference = await decodeAll(referencePath, signal);
  if (reference.length !== frames.length) throw new Error(`${referencePath}: ${reference.length} frames, the source has ${frames.length}`);
  const { track } = await measureMouthTrack(path, { signal });
  return { frames, reference, track };
}

function ratio(a: number, b: number): number {
  return b > 0 ? a / b : Number.NaN;
}

/** M7 and M8 of `outputPath` (whose face-api track is `outputTrack`) against `source`. */
export async function videoFidelity(outputPath: string, outputTrack: MouthTrack, source: SourceVideo, signal?: AbortSignal): Promise<VideoFidelity> {
  const n = source.frames.length;
  const m7PerFrameDb = new Float32Array(outputTrack.frameCount).fill(Number.NaN);
  const sourceFrame = new Int32Array(outputTrack.frameCount);
  const total = { sum: 0, count: 0 };
  const floor = { sum: 0, count: 0 };
  const sharpness: number[] = [];
  const floorSharpness: number[] = [];
  let frames = 0;
  for await (const decoded of decodeVideoFrames(outputPath, { signal })) {
    const k = decoded.index;
    if (k >= outputTrack.frameCount) break;
    const s = sourceFrameFor(k, n);
    sourceFrame[k] = s;
    const sourcePoints = source.track.points[s];
    if (!sourcePoints) continue;
    const output = { data: decoded.rgba, width: decoded.width, height: decoded.height };
    const outputPoints = outputTrack.points[k];
    // Without a face in the output (a failure M1–M6 see), only the source says where the mouth was.
    const excluded = outputPoints ? unionBox(mouthAndJawBox(outputPoints), mouthAndJawBox(sourcePoints)) : mouthAndJawBox(sourcePoints);
    const error = squaredErrorOutsideBox(output, source.frames[s], excluded);
    const floorError = squaredErrorOutsideBox(source.reference[s], source.frames[s], excluded);
    total.sum += error.sum; total.count += error.count;
    floor.sum += floorError.sum; floor.count += floorError.count;
    m7PerFrameDb[k] = psnrFromSquaredError(error);
    frames++;
    const sourceMouth = mouthBox(sourcePoints);
    const sourceSharpness = laplacianVariance(source.frames[s], sourceMouth);
    floorSharpness.push(ratio(laplacianVariance(source.reference[s], sourceMouth), sourceSharpness));
    if (outputPoints) sharpness.push(ratio(laplacianVariance(output, mouthBox(outputPoints)), sourceSharpness));
  }
  const sourceGap = Float32Array.from(sourceFrame, (s) => source.track.gap[s]);
  let worst = -1;
  for (let k = 0; k < m7PerFrameDb.length; k++) {
    if (Number.isFinite(m7PerFrameDb[k]) && (worst < 0 || m7PerFrameDb[k] < m7PerFrameDb[worst])) worst = k;
  }
  return {
    m7Db: psnrFromSquaredError(total),
    m7WorstDb: worst < 0 ? Number.NaN : m7PerFrameDb[worst],
    m7WorstFrame: worst,
    m7FloorDb: psnrFromSquaredError(floor),
    m8: quantile(sharpness, 0.5),
    m8P10: quantile(sharpness, 0.1),
    m8Floor: quantile(floorSharpness, 0.5),
    frames,
    sourceMouthR: pearson(outputTrack.gap, sourceGap),
    sourceFrame,
    m7PerFrameDb,
  };
}
