// M7/M8 for the video rows on real videos whose answers are known by construction: the astronaut
// zoom fixture as the source, outputs made from its frames (unchanged, mouth blurred, a corner
// changed, played in bounce order), all through the engine's encoder like a real dub.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeVideoFrames, openVideoEncoder } from '../../src/engine/media/index.js';
import { measureMouthTrack } from '../../eval/landmarks.js';
import { fixturePath } from '../../eval/matrix.js';
import { mouthBox, unionBox } from '../../eval/mouth-geometry.js';
import { loadSourceVideo, sourceFrameFor, videoFidelity, type SourceVideo, type VideoFidelity } from '../../eval/video-fidelity.js';

const SOURCE_FRAMES = 20;

async function decodeFrames(path: string, limit = Infinity): Promise<Uint8Array[]> {
  const frames: Uint8Array[] = [];
  for await (const f of decodeVideoFrames(path)) {
    if (frames.length >= limit) break;
    frames.push(f.rgba);
  }
  return frames;
}

async function encode(path: string, frames: Uint8Array[], size: number): Promise<void> {
  const encoder = openVideoEncoder({ width: size, height: size, fps: 25, frameCount: frames.length, durationSeconds: frames.length / 25, outputPath: path });
  for (const frame of frames) await encoder.writeFrame(frame);
  await encoder.finish();
}

/** 3×3 box blur, twice, inside `box` (RGB), in place. */
function blurInside(frame: Uint8Array, size: number, box: { x: number; y: number; width: number; height: number }): void {
  for (let pass = 0; pass < 2; pass++) {
    const copy = Uint8Array.from(frame);
    for (let y = Math.max(1, Math.floor(box.y)); y < Math.min(size - 1, Math.ceil(box.y + box.height)); y++) {
      for (let x = Math.max(1, Math.floor(box.x)); x < Math.min(size - 1, Math.ceil(box.x + box.width)); x++) {
        for (let c = 0; c < 3; c++) {
          let sum = 0;
          for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) sum += copy[((y + dy) * size + x + dx) * 4 + c];
          frame[(y * size + x) * 4 + c] = Math.round(sum / 9);
        }
      }
    }
  }
}

describe('video fidelity (M7, M8)', () => {
  let dir = '';
  let size = 0;
  let sourceFrames: Uint8Array[] = [];
  let source: SourceVideo;

  /** Encodes `frames` as an output and measures it against the source. */
  async function fidelityOf(name: string, frames: Uint8Array[]): Promise<VideoFidelity> {
    const path = join(dir, `${name}.mp4`);
    await encode(path, frames, size);
    const { track } = await measureMouthTrack(path);
    return videoFidelity(path, track, source);
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mouthpiece-eval-fidelity-'));
    const first = await decodeFrames(fixturePath('video-astronaut.mp4'), SOURCE_FRAMES);
    size = Math.sqrt(first[0].length / 4);
    await encode(join(dir, 'source.mp4'), first, size);
    sourceFrames = await decodeFrames(join(dir, 'source.mp4'));
    await encode(join(dir, 'reference.mp4'), sourceFrames, size);
    source = await loadSourceVideo(join(dir, 'source.mp4'), join(dir, 'reference.mp4'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('bounce plays the source forwards, then backwards without repeating the turning frames', () => {
    assert.deepEqual(Array.from({ length: 12 }, (_, k) => sourceFrameFor(k, 4)), [0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1]);
    assert.deepEqual([0, 5, 9].map((k) => sourceFrameFor(k, 1)), [0, 0, 0]);
  });

  test('a plain re-encode of the source scores exactly its floor, with the mouth as sharp as the floor\'s', async () => {
    assert.equal(source.track.points.filter(Boolean).length, SOURCE_FRAMES, 'face-api finds the face in every source frame');
    const f = await fidelityOf('plain', sourceFrames);
    assert.equal(f.frames, SOURCE_FRAMES);
    assert.equal(f.m7Db, f.m7FloorDb);
    assert.ok(f.m7Db > 30, `M7 ${f.m7Db}`);
    assert.ok(Math.abs(f.m8 - f.m8Floor) < 0.1, `M8 ${f.m8}, floor ${f.m8Floor}`);
  });

  test('a blurred mouth fails M8 and leaves M7 at its floor', async () => {
    const blurred = sourceFrames.map((frame, s) => {
      const out = Uint8Array.from(frame);
      const points = source.track.points[s]!;
      blurInside(out, size, unionBox(mouthBox(points), mouthBox(points, 0.3)));
      return out;
    });
    const f = await fidelityOf('blurred', blurred);
    assert.ok(f.m8 < 0.8, `M8 ${f.m8}`);
    assert.ok(Math.abs(f.m7Db - f.m7FloorDb) < 1, `M7 ${f.m7Db}, floor ${f.m7FloorDb}`);
  });

  test('a change far from the mouth costs M7', async () => {
    const brightened = sourceFrames.map((frame) => {
      const out = Uint8Array.from(frame);
      for (let y = 0; y < 40; y++) for (let x = 0; x < 40; x++) for (let c = 0; c < 3; c++) out[(y * size + x) * 4 + c] = Math.min(255, out[(y * size + x) * 4 + c] + 30);
      return out;
    });
    const f = await fidelityOf('corner', brightened);
    assert.ok(f.m7Db < f.m7FloorDb - 5, `M7 ${f.m7Db}, floor ${f.m7FloorDb}`);
  });

  test('an output longer than the source is compared frame by frame in bounce order', async () => {
    const frames = 30;
    const bounced = await fidelityOf('bounce', Array.from({ length: frames }, (_, k) => sourceFrames[sourceFrameFor(k, SOURCE_FRAMES)]));
    assert.ok(bounced.m7Db > bounced.m7FloorDb - 1, `M7 ${bounced.m7Db}, floor ${bounced.m7FloorDb}`);
    // The same frames looped instead (frame 20 shows frame 0, not 18): the comparison sees it.
    const looped = await fidelityOf('loop', Array.from({ length: frames }, (_, k) => sourceFrames[k % SOURCE_FRAMES]));
    assert.ok(looped.m7Db < bounced.m7Db - 3, `looped M7 ${looped.m7Db}, bounced ${bounced.m7Db}`);
  });
});
