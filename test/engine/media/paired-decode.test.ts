// decodeVideoFramePairs: one ffmpeg decode giving each frame at the output size as yuv420p and at
// the analysis size as RGBA, byte for byte what the two separate decoders give.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeVideoFramePairs, decodeVideoFrames, decodeVideoFramesYuv420 } from '../../../src/engine/media/index.js';
import { InvalidMediaError } from '../../../src/engine/errors.js';
import { childPids, eventually, ffmpeg, makeTempDir, writeClip } from './media-fixtures.js';

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

async function collect<T>(frames: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const frame of frames) out.push(frame);
  return out;
}

describe('decodeVideoFramePairs', { timeout: 120_000 }, () => {
  for (const colours of ['bt709', 'smpte170m'] as const) {
    test(`gives the frames both decoders give, a ${colours} source at its own rate`, async (t) => {
      const dir = await makeTempDir(t);
      const source = join(dir, `${colours}.mp4`);
      // Moving and saturated, so a wrong frame, scaler or colour matrix shows in the bytes.
      await ffmpeg([
        '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25:duration=1.2',
        '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '14', '-pix_fmt', 'yuv420p',
        '-colorspace', colours, '-color_primaries', colours === 'bt709' ? 'bt709' : 'smpte170m', '-color_range', 'tv', source,
      ]);
      const full = { width: 224, height: 168 }, analysis = { width: 96, height: 72 };
      const pairs = await collect(decodeVideoFramePairs(source, { fps: 25, full, analysis }));
      const yuv = await collect(decodeVideoFramesYuv420(source, { ...full, fps: 25 }));
      const rgba = await collect(decodeVideoFrames(source, { ...analysis, fps: 25 }));
      assert.equal(pairs.length, 30);
      assert.deepEqual([yuv.length, rgba.length], [30, 30]);
      assert.deepEqual(pairs.map((p) => p.index), [...Array(30).keys()]);
      const differing = pairs.filter((p, i) => !sameBytes(p.yuv, yuv[i].yuv) || !sameBytes(p.rgba, rgba[i].rgba)).map((p) => p.index);
      assert.deepEqual(differing, []);
      assert.ok(!sameBytes(pairs[0].yuv, pairs[29].yuv), 'the pattern moves');
    });
  }

  test('stops ffmpeg when the caller stops reading, whichever output is ahead', async (t) => {
    const dir = await makeTempDir(t);
    const path = await writeClip(join(dir, 'clip.mp4'), { seconds: 4, width: 320, height: 240, fps: 25 });
    const before = new Set(await childPids());
    let seen = 0;
    for await (const pair of decodeVideoFramePairs(path, { fps: 25, full: { width: 320, height: 240 }, analysis: { width: 80, height: 60 } })) {
      seen = pair.index + 1;
      if (seen === 5) break;
    }
    assert.equal(seen, 5);
    await eventually(async () => (await childPids()).every((pid) => before.has(pid)), 'the decoder ffmpeg to exit');
  });

  test('names the field when the file is no video', async (t) => {
    const dir = await makeTempDir(t);
    const path = join(dir, 'not-video.mp4');
    await writeFile(path, 'this is text, not a video');
    await assert.rejects(
      collect(decodeVideoFramePairs(path, { fps: 25, full: { width: 64, height: 48 }, analysis: { width: 32, height: 24 }, field: 'formState.video' })),
      (error: unknown) => error instanceof InvalidMediaError && /formState\.video/.test(error.message),
    );
  });
});
