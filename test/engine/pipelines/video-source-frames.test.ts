// SourceFrames: lipsync-video's source frames in the timeline's order, forwards from the source
// and backwards from a seekable copy, as yuv420p in the source's matrix.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { decodeVideoFramePairs, probeMedia, workingYuv420Matrix, writeSeekableVideoCopy } from '../../../src/engine/media/index.js';
import { FrameHandoff, SourceFrames } from '../../../src/engine/pipelines/source-frames.js';
import { ffmpeg, makeTempDir } from './pipeline-fixtures.js';

const FPS = 25;
const FRAMES = 30;

function meanDifference(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

describe('SourceFrames', { timeout: 120_000 }, () => {
  test('serves a BT.601 video backwards from the seekable copy with the frames and colours of the forward read', async (t) => {
    const dir = await makeTempDir(t);
    const source = join(dir, 'bt601.mp4');
    // A moving pattern with saturated colours, where reading BT.601 as BT.709 would show.
    await ffmpeg([
      '-f', 'lavfi', '-i', `testsrc2=size=96x64:rate=${FPS}:duration=${FRAMES / FPS}`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '12', '-pix_fmt', 'yuv420p',
      '-colorspace', 'smpte170m', '-color_primaries', 'smpte170m', '-color_trc', 'smpte170m', '-color_range', 'tv', source,
    ]);
    const size = { width: 96, height: 64, fps: FPS };
    const forwards = new SourceFrames(source, size);
    const expected: Uint8Array[] = [];
    try {
      for (let i = 0; i < FRAMES; i++) expected.push(await forwards.frame(i));
    } finally {
      await forwards.close();
    }

    const copy = join(dir, 'copy.mp4');
    let made: Promise<string> | null = null;
    const seekableCopy = () => (made ??= writeSeekableVideoCopy(source, copy, { ...size, keyframeInterval: 8 }).then(() => copy));
    const backwards = new SourceFrames(source, { ...size, chunkFrames: 8, seekableCopy });
    const differences: number[] = [];
    const wrongFrames: number[] = [];
    try {
      // The bounce order: forwards to the end, then back to the start.
      for (let i = 0; i < FRAMES; i++) await backwards.frame(i);
      assert.ok(!existsSync(copy), 'a forward read does not make the copy');
      for (let i = FRAMES - 2; i >= 0; i--) {
        const frame = await backwards.frame(i);
        const own = meanDifference(frame, expected[i]);
        differences.push(own);
        // The pattern moves: a frame is closer to its own forward frame than to either neighbour.
        if ([i - 1, i + 1].some((j) => j >= 0 && j < FRAMES && meanDifference(frame, expected[j]) <= own)) wrongFrames.push(i);
      }
    } finally {
      await backwards.close();
    }
    const report = `mean |backwards − forwards| per frame, from frame ${FRAMES - 2} down: ${differences.map((d) => d.toFixed(2)).join(' ')}`;
    assert.deepEqual(wrongFrames, [], `every frame is its own; ${report}`);
    assert.equal(workingYuv420Matrix((await probeMedia(copy)).video!), 'bt601', 'the copy is tagged with the source\'s matrix');
    // Only the copy's coding loss on this sharp, saturated pattern (no colour shift on top).
    assert.ok(Math.max(...differences) < 2, report);
  });

  test('takes the first forward run from the frames pass one handed over, then decodes by itself, with the same bytes', async (t) => {
    const dir = await makeTempDir(t);
    const source = join(dir, 'moving.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', `testsrc2=size=96x64:rate=${FPS}:duration=${FRAMES / FPS}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', source]);
    const size = { width: 96, height: 64, fps: FPS };
    const plain = new SourceFrames(source, size);
    const expected: Uint8Array[] = [];
    try {
      for (let i = 0; i < FRAMES; i++) expected.push(await plain.frame(i));
    } finally {
      await plain.close();
    }

    // Pass one's side: decode pairs ahead of the reader, handing over the output-size frames.
    const handoff = new FrameHandoff(8);
    const handed = new Set<Uint8Array>();
    const pairs = decodeVideoFramePairs(source, { fps: FPS, full: size, analysis: { width: 48, height: 32 } });
    let decoded = 0;
    const decodeUpTo = async (n: number) => {
      for (; decoded < n; decoded++) {
        const { value } = await pairs.next();
        if (!value) break;
        handoff.put(value.index, value.yuv);
        handed.add(value.yuv);
      }
    };
    const frames = new SourceFrames(source, { ...size, handoff });
    try {
      const served: Uint8Array[] = [];
      for (let i = 0; i < 12; i++) {
        await decodeUpTo(i + 4);
        served.push(await frames.frame(i));
      }
      assert.ok(served.every((frame) => handed.has(frame)), 'frames 0–11 are the handed-over buffers');
      // A loop back to the start leaves the first run: decoded again, not taken from the handoff.
      const again = await frames.frame(0);
      assert.ok(!handed.has(again));
      served.push(again);
      assert.deepEqual(served.map((frame, k) => sameBytes(frame, expected[k === 12 ? 0 : k])), served.map(() => true));
    } finally {
      await frames.close();
      await pairs.return(undefined);
    }
  });

  test('a handoff holds at most its capacity, dropping the oldest, and nothing once closed', () => {
    const handoff = new FrameHandoff(3);
    const frame = (n: number) => new Uint8Array([n]);
    for (let i = 0; i < 5; i++) handoff.put(i, frame(i));
    assert.equal(handoff.take(0), null, 'dropped: pass two decodes it itself');
    assert.deepEqual(handoff.take(2), frame(2));
    assert.equal(handoff.take(2), null, 'handed out once');
    assert.deepEqual(handoff.take(4), frame(4), 'frame 3 is passed over');
    assert.equal(handoff.take(3), null);
    handoff.close();
    handoff.put(5, frame(5));
    assert.equal(handoff.take(5), null);
  });
});

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}
