import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeVideoFrames, ffmpegPath, probeMedia, workingYuv420Matrix, yuv420FrameBytes, type DecodedFrame } from '../../../src/engine/media/index.js';
import { decodeVideoFramesYuv420, type DecodedYuv420Frame } from '../../../src/engine/media/video-decode.js';
import { yuv420ToRgba, type YuvMatrix } from '../../../src/engine/media/yuv420.js';
import { childPids, eventually, ffmpeg, HTML_PAGE, makeTempDir, withRotateTag, writeClip, writeTone } from './media-fixtures.js';

async function collect<T extends DecodedFrame | DecodedYuv420Frame>(frames: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const frame of frames) out.push(frame);
  return out;
}

function isRed(frame: DecodedFrame, x: number, y: number): boolean {
  const i = (y * frame.width + x) * 4;
  const [r, g, b] = frame.rgba.subarray(i, i + 3);
  return r > 180 && g < 80 && b < 80;
}

describe('decodeVideoFrames', () => {
  test('yields every frame as RGBA at the source size', async (t) => {
    const dir = await makeTempDir(t);
    const path = await writeClip(join(dir, 'clip.mp4'), { seconds: 0.5, width: 64, height: 48, fps: 20 });
    const frames = await collect(decodeVideoFrames(path));
    assert.equal(frames.length, 10);
    assert.deepEqual(frames.map((f) => f.index), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const f of frames) {
      assert.deepEqual([f.width, f.height, f.rgba.length], [64, 48, 64 * 48 * 4]);
    }
    assert.notDeepEqual(frames[0].rgba, frames[9].rgba, 'testsrc moves between frames');
  });

  test('scales to a requested width keeping the aspect, and resamples the frame rate', async (t) => {
    const dir = await makeTempDir(t);
    const path = await writeClip(join(dir, 'clip.mp4'), { seconds: 1, width: 64, height: 48, fps: 30 });
    const frames = await collect(decodeVideoFrames(path, { width: 32, fps: 10 }));
    assert.equal(frames.length, 10);
    assert.deepEqual([frames[0].width, frames[0].height], [32, 24]);
  });

  test('turns rotated videos upright', async (t) => {
    const dir = await makeTempDir(t);
    const stored = join(dir, 'stored.mp4');
    // Stored landscape, red strip along the left edge.
    await ffmpeg(['-f', 'lavfi', '-i', 'color=c=blue:size=64x48:rate=10:duration=0.2,drawbox=x=0:y=0:w=16:h=48:c=red:t=fill',
      '-c:v', 'libx264', '-pix_fmt', 'yuv420p', stored]);
    const turned = await withRotateTag(stored, join(dir, 'turned.mp4'), 270); // probes as rotation 90
    const [first] = await collect(decodeVideoFrames(turned));
    assert.deepEqual([first.width, first.height], [48, 64]);
    // A 90° clockwise turn moves the left edge to the top.
    assert.ok(isRed(first, 24, 4), 'the top is red');
    assert.ok(!isRed(first, 24, 60), 'the bottom is not');
  });

  test('stops ffmpeg when the consumer stops early', async (t) => {
    const dir = await makeTempDir(t);
    const path = await writeClip(join(dir, 'clip.mp4'), { seconds: 4, width: 320, height: 240, fps: 25 });
    const before = new Set(await childPids());
    let seen = 0;
    for await (const frame of decodeVideoFrames(path)) {
      seen = frame.index + 1;
      if (seen === 3) break;
    }
    assert.equal(seen, 3);
    await eventually(async () => (await childPids()).every((pid) => before.has(pid)), 'the decoder ffmpeg to exit');
  });

  test('stops when the caller aborts', async (t) => {
    const dir = await makeTempDir(t);
    const path = await writeClip(join(dir, 'clip.mp4'), { seconds: 4, width: 320, height: 240, fps: 25 });
    const controller = new AbortController();
    await assert.rejects(
      (async () => {
        for await (const frame of decodeVideoFrames(path, { signal: controller.signal })) {
          if (frame.index === 1) controller.abort();
        }
      })(),
      { name: 'AbortedError' },
    );
  });

  test('refuses files without a video track', async (t) => {
    const dir = await makeTempDir(t);
    const tone = await writeTone(join(dir, 'tone.wav'), { seconds: 0.5 });
    await assert.rejects(collect(decodeVideoFrames(tone, { field: 'formState.video' })), {
      name: 'InvalidMediaError',
      message: 'Invalid video format: formState.video could not be decoded (it has no video track)',
    });
    const page = join(dir, 'clip.mp4');
    await writeFile(page, HTML_PAGE);
    await assert.rejects(collect(decodeVideoFrames(page, { field: 'formState.video' })), {
      message: 'Invalid video format: formState.video could not be decoded (it looks like HTML)',
    });
  });
});

/** The stored yuv420p samples of a clip's first frame, as the decoder makes them (no conversion). */
function storedSamples(path: string): Uint8Array {
  return execFileSync(ffmpegPath(), ['-v', 'error', '-i', path, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1'], { maxBuffer: 16 << 20 });
}

/** Mean |a − b| over the colour channels of two RGBA frames. */
function meanRgbDifference(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) if ((i & 3) !== 3) sum += Math.abs(a[i] - b[i]);
  return sum / ((a.length / 4) * 3);
}

/** The frame's RGBA as limited range in `matrix` says. */
function asRgba(frame: DecodedYuv420Frame, matrix: YuvMatrix, yuv = frame.yuv): Uint8Array {
  const rgba = new Uint8Array(frame.width * frame.height * 4);
  yuv420ToRgba(yuv, frame.width, frame.height, rgba, undefined, matrix);
  return rgba;
}

async function matrixOf(path: string): Promise<YuvMatrix> {
  return workingYuv420Matrix((await probeMedia(path)).video!);
}

const BT709_TAGS = ['-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv'];

describe('decodeVideoFramesYuv420', () => {
  test('passes BT.709 limited-range video through unchanged, at an even size', async (t) => {
    const dir = await makeTempDir(t);
    const path = await writeClip(join(dir, 'bt709.mp4'), { seconds: 0.2, width: 64, height: 48, fps: 25, extra: BT709_TAGS });
    const frames = await collect(decodeVideoFramesYuv420(path));
    assert.equal(frames.length, 5);
    assert.deepEqual([frames[0].width, frames[0].height, frames[0].yuv.length], [64, 48, yuv420FrameBytes(64, 48)]);
    assert.deepEqual(frames[0].yuv, new Uint8Array(storedSamples(path)), 'the stored samples, bit for bit');
    assert.equal(await matrixOf(path), 'bt709');
    const [odd] = await collect(decodeVideoFramesYuv420(path, { width: 33, height: 25 }));
    assert.deepEqual([odd.width, odd.height, odd.yuv.length], [32, 24, yuv420FrameBytes(32, 24)]);
  });

  test('reads untagged HD video as BT.709, as players do', async (t) => {
    const dir = await makeTempDir(t);
    const path = await writeClip(join(dir, 'hd.mp4'), { seconds: 0.04, width: 1280, height: 720, fps: 25 });
    const [frame] = await collect(decodeVideoFramesYuv420(path));
    assert.deepEqual(frame.yuv, new Uint8Array(storedSamples(path)));
    assert.equal(await matrixOf(path), 'bt709');
  });

  test('keeps BT.601 and untagged SD video as stored, read as BT.601 with the colours an RGBA decode shows', async (t) => {
    const dir = await makeTempDir(t);
    const sources = {
      'BT.601': ['-colorspace', 'smpte170m', '-color_primaries', 'smpte170m', '-color_trc', 'smpte170m', '-color_range', 'tv'],
      'untagged SD': [],
    };
    for (const [name, extra] of Object.entries(sources)) {
      const path = await writeClip(join(dir, `${name}.mp4`), { seconds: 0.04, width: 320, height: 240, fps: 25, extra });
      const [frame] = await collect(decodeVideoFramesYuv420(path));
      assert.deepEqual(frame.yuv, new Uint8Array(storedSamples(path)), `${name}: the stored samples, bit for bit`);
      assert.equal(await matrixOf(path), 'bt601', name);
      const [rgba] = await collect(decodeVideoFrames(path));
      const asBt601 = meanRgbDifference(asRgba(frame, 'bt601'), rgba.rgba);
      const asBt709 = meanRgbDifference(asRgba(frame, 'bt709'), rgba.rgba);
      const report = `${name}: mean RGB difference read as BT.601 ${asBt601.toFixed(2)} (as BT.709: ${asBt709.toFixed(2)})`;
      process.stderr.write(`# ${report}\n`);
      assert.ok(asBt601 < 1.5, report);
      assert.ok(asBt709 > 3, `the test pattern shows the difference; ${report}`);
    }
  });

  test('converts full-range video to BT.709 limited range with the colours an RGBA decode shows', async (t) => {
    const dir = await makeTempDir(t);
    const path = await writeClip(join(dir, 'full.mp4'), { seconds: 0.04, width: 320, height: 240, fps: 25, extra: ['-pix_fmt', 'yuvj420p'] });
    const [frame] = await collect(decodeVideoFramesYuv420(path));
    assert.equal(await matrixOf(path), 'bt709');
    const [rgba] = await collect(decodeVideoFrames(path));
    const converted = meanRgbDifference(asRgba(frame, 'bt709'), rgba.rgba);
    const unconverted = meanRgbDifference(asRgba(frame, 'bt709', new Uint8Array(storedSamples(path))), rgba.rgba);
    const report = `mean RGB difference ${converted.toFixed(2)} (read without converting: ${unconverted.toFixed(2)})`;
    process.stderr.write(`# ${report}\n`);
    assert.ok(converted < 1.5, report);
    assert.ok(unconverted > 3, `the test pattern shows the difference; ${report}`);
  });
});
