// Follows faces through the consecutive frames of one video. The face detector runs every
// `redetectEvery` frames and whenever a face is lost; in between only the landmark model runs, on
// the boxes the previous frame's landmarks gave (see DetectOptions.reusePreviousBoxes). Each face
// keeps a track id for as long as its box keeps overlapping the one it had. (Running the model on
// a window around the faces instead of the whole analysis frame was measured: no faster on
// 426×240 frames, because every re-centred window costs Human a fresh detection.)
import { detectFaces, type DetectedFace, type FaceBox, type RgbaFrame } from './detector.js';

export interface TrackedFace extends DetectedFace {
  /** Stable within one tracker: the same person keeps the same id while followed. */
  trackId: number;
}

export interface FaceTrackerOptions {
  /** Run the full detector at least this often (frames), to pick up faces that enter. Default 25. */
  redetectEvery?: number;
  /** Faces below this landmark confidence are not followed. Default 0.5. */
  minScore?: number;
  /** A track unseen for more than this many frames ends; a face seen again after that gets a new id. Default 12. */
  maxMissedFrames?: number;
}

interface Track {
  id: number;
  box: FaceBox;
  /** Frames since it was last matched. */
  missed: number;
}

/** Smallest box overlap (intersection over union) at which a face continues a track. */
const MIN_IOU = 0.25;


export class FaceTracker {
  private readonly redetectEvery: number;
  private readonly minScore: number;
  private readonly maxMissed: number;
  private tracks: Track[] = [];
  private nextId = 1;
  private sinceDetection = Number.POSITIVE_INFINITY;
  /** Full detector runs so far (for benchmarks and tests). */
  detections = 0;

  constructor(options: FaceTrackerOptions = {}) {
    this.redetectEvery = Math.max(1, options.redetectEvery ?? 25);
    this.minScore = options.minScore ?? 0.5;
    this.maxMissed = options.maxMissedFrames ?? 12;
  }

  /** Faces in the next frame of the video, largest first, each with its track id. */
  async track(frame: RgbaFrame): Promise<TrackedFace[]> {
    const visibleBefore = this.tracks.filter((t) => t.missed === 0).length;
    // While a followed face is missing, look for it five times as often.
    const searching = this.tracks.some((t) => t.missed > 0);
    const interval = searching ? Math.max(1, Math.round(this.redetectEvery / 5)) : this.redetectEvery;
    const detect = this.sinceDetection >= interval;
    let faces = await this.find(frame, detect);
    if (!detect && faces.length < visibleBefore) {
      // A face the landmark model no longer confirms: look for it with the detector right away.
      faces = await this.find(frame, true);
    }
    return this.assign(faces);
  }

  private async find(frame: RgbaFrame, detect: boolean): Promise<DetectedFace[]> {
    if (detect) {
      this.detections += 1;
      this.sinceDetection = 0;
    } else {
      this.sinceDetection += 1;
    }
    const faces = await detectFaces(frame, { reusePreviousBoxes: !detect });
    return faces.filter((f) => f.score >= this.minScore);
  }

  /** Greedy matching, best overlap first; unmatched faces start tracks, unmatched tracks age. */
  private assign(faces: DetectedFace[]): TrackedFace[] {
    const pairs: Array<{ face: number; track: number; iou: number }> = [];
    faces.forEach((face, f) => this.tracks.forEach((track, t) => {
      const iou = boxOverlap(face.box, track.box);
      if (iou >= MIN_IOU) pairs.push({ face: f, track: t, iou });
    }));
    pairs.sort((a, b) => b.iou - a.iou);
    const faceTrack = new Array<number>(faces.length).fill(-1);
    const trackTaken = new Array<boolean>(this.tracks.length).fill(false);
    for (const { face, track } of pairs) {
      if (faceTrack[face] >= 0 || trackTaken[track]) continue;
      faceTrack[face] = track;
      trackTaken[track] = true;
    }
    this.tracks.forEach((track, t) => { if (!trackTaken[t]) track.missed += 1; });
    const result: TrackedFace[] = faces.map((face, f) => {
      let track = faceTrack[f] >= 0 ? this.tracks[faceTrack[f]] : undefined;
      if (!track) {
        track = { id: this.nextId++, box: face.box, missed: 0 };
        this.tracks.push(track);
      }
      track.box = face.box;
      track.missed = 0;
      return { ...face, trackId: track.id };
    });
    this.tracks = this.tracks.filter((t) => t.missed <= this.maxMissed);
    return result;
  }
}

/** Intersection over union of two boxes, 0..1. */
export function boxOverlap(a: FaceBox, b: FaceBox): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

