import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openVideoEncoder, withVideoEncoder, decodeVideoFrames, type VideoEncoderOptions } from '../../../src/engine/media/index.js';
import { eventually, ffprobeStreams, HTML_PAGE, isProcessAlive, makeTempDir, topLevelBoxes, writeTone } from './media-fixtures.js';

const WIDTH = 96;
const HEIGHT = 64;
const FPS = 25;
const FRAMES = 30;

/** Frame i: a grey background with a coloured square that moves right one step per frame. */
function frame(i: number): Uint8Array {
  const rgba = new Uint8Array(WIDTH * HEIGHT * 4);
  for (let p = 0; p < WIDTH * HEIGHT; p += 1) rgba.set([128, 128, 128, 255], p * 4);
  for (let y = 16; y < 48; y += 1) {
    for (let x = i * 2; x < i * 2 + 16 && x < WIDTH; x += 1) rgba.set([220, 40, 30, 255], (y * WIDTH + x) * 4);
  }
  return rgba;
}

async function encode(opts: VideoEncoderOptions): Promise<void> {
  await withVideoEncoder(opts, async (encoder) => {
    for (let i = 0; i < opts.frameCount; i += 1) await encoder.writeFrame(frame(i));
  });
}

describe('openVideoEncoder', () => {
  test('writes an H.264/AAC MP4 with the moov box before the media data', async (t) => {
    const dir = await makeTempDir(t);
    const audioPath = await writeTone(join(dir, 'voice.wav'), { seconds: 1.2, sampleRate: 16_000 });
    const outputPath = join(dir, 'out.mp4');
    await encode({ width: WIDTH, height: HEIGHT, fps: FPS, frameCount: FRAMES, durationSeconds: FRAMES / FPS, audioPath, outputPath });

    const { streams, format } = await ffprobeStreams(outputPath);
    const video = streams.find((s) => s.codec_type === 'video');
    const audio = streams.find((s) => s.codec_type === 'audio');
    assert.equal(video?.codec_name, 'h264');
    assert.equal(video?.pix_fmt, 'yuv420p');
    assert.deepEqual([video?.width, video?.height], [WIDTH, HEIGHT]);
    assert.equal(video?.nb_frames, String(FRAMES));
    assert.equal(audio?.codec_name, 'aac');
    assert.equal(audio?.sample_rate, '48000');
    assert.ok(Math.abs(Number(format.duration) - FRAMES / FPS) <= 1 / FPS, `duration ${format.duration}`);
    assert.ok(Math.abs(Number(audio?.duration) - FRAMES / FPS) <= 1 / FPS, `audio duration ${audio?.duration}`);

    const boxes = await topLevelBoxes(outputPath);
    assert.ok(boxes.indexOf('moov') >= 0 && boxes.indexOf('moov') < boxes.indexOf('mdat'), boxes.join(','));
    assert.deepEqual(await readdir(dir), ['out.mp4', 'voice.wav']);
  });

  test('pads short audio with silence up to the video length', async (t) => {
    const dir = await makeTempDir(t);
    const audioPath = await writeTone(join(dir, 'short.wav'), { seconds: 0.4 });
    const outputPath = join(dir, 'out.mp4');
    await encode({ width: WIDTH, height: HEIGHT, fps: FPS, frameCount: FRAMES, durationSeconds: FRAMES / FPS, audioPath, outputPath });
    const audio = (await ffprobeStreams(outputPath)).streams.find((s) => s.codec_type === 'audio');
    assert.ok(Math.abs(Number(audio?.duration) - FRAMES / FPS) <= 1 / FPS, `audio duration ${audio?.duration}`);
  });

  test('gives the same bytes for the same frames and audio', async (t) => {
    const dir = await makeTempDir(t);
    const audioPath = await writeTone(join(dir, 'voice.wav'), { seconds: 1.2 });
    const options = { width: WIDTH, height: HEIGHT, fps: FPS, frameCount: FRAMES, durationSeconds: FRAMES / FPS, audioPath };
    await encode({ ...options, outputPath: join(dir, 'a.mp4') });
    await encode({ ...options, outputPath: join(dir, 'b.mp4') });
    const [a, b] = await Promise.all([readFile(join(dir, 'a.mp4')), readFile(join(dir, 'b.mp4'))]);
    assert.ok(a.equals(b), 'the two encodes differ');
  });

  test('keeps the frames recognisable (read back through decodeVideoFrames)', async (t) => {
    const dir = await makeTempDir(t);
    const outputPath = join(dir, 'out.mp4');
    await encode({ width: WIDTH, height: HEIGHT, fps: FPS, frameCount: FRAMES, durationSeconds: FRAMES / FPS, outputPath });
    let count = 0;
    for await (const decoded of decodeVideoFrames(outputPath)) {
      assert.equal(decoded.index, count);
      assert.deepEqual([decoded.width, decoded.height], [WIDTH, HEIGHT]);
      const expected = frame(decoded.index);
      // Inside the square and in the background, colours survive within compression error.
      for (const [x, y] of [[decoded.index * 2 + 8, 32], [WIDTH - 4, 4]]) {
        const i = (y * WIDTH + x) * 4;
        for (let c = 0; c < 3; c += 1) {
          assert.ok(Math.abs(decoded.rgba[i + c] - expected[i + c]) < 24, `frame ${decoded.index} (${x},${y}) channel ${c}: ${decoded.rgba[i + c]} vs ${expected[i + c]}`);
        }
      }
      count += 1;
    }
    assert.equal(count, FRAMES);
  });

  test('abort() kills ffmpeg and removes the partial output', async (t) => {
    const dir = await makeTempDir(t);
    const audioPath = await writeTone(join(dir, 'voice.wav'), { seconds: 1.2 });
    const outputPath = join(dir, 'out.mp4');
    const encoder = openVideoEncoder({ width: WIDTH, height: HEIGHT, fps: FPS, frameCount: FRAMES, durationSeconds: FRAMES / FPS, audioPath, outputPath });
    for (let i = 0; i < 5; i += 1) await encoder.writeFrame(frame(i));
    const pid = encoder.pid;
    assert.ok(pid && isProcessAlive(pid));
    encoder.abort();
    await eventually(() => !isProcessAlive(pid), `ffmpeg ${pid} to exit`);
    await eventually(async () => (await readdir(dir)).length === 1, 'the partial output to be removed');
    assert.deepEqual(await readdir(dir), ['voice.wav']);
    await assert.rejects(encoder.writeFrame(frame(5)), { name: 'AbortedError' });
  });

  test('an aborted signal stops a pending encode', async (t) => {
    const dir = await makeTempDir(t);
    const controller = new AbortController();
    const outputPath = join(dir, 'out.mp4');
    const encoder = openVideoEncoder({ width: WIDTH, height: HEIGHT, fps: FPS, frameCount: FRAMES, durationSeconds: FRAMES / FPS, outputPath, signal: controller.signal });
    await encoder.writeFrame(frame(0));
    controller.abort();
    await assert.rejects(encoder.finish(), { name: 'AbortedError' });
    await eventually(() => !isProcessAlive(encoder.pid!), 'ffmpeg to exit');
    await eventually(async () => (await readdir(dir)).length === 0, 'the partial output to be removed');
  });

  test('withVideoEncoder kills ffmpeg when the frame producer throws', async (t) => {
    const dir = await makeTempDir(t);
    let pid: number | undefined;
    await assert.rejects(
      withVideoEncoder({ width: WIDTH, height: HEIGHT, fps: FPS, frameCount: FRAMES, durationSeconds: FRAMES / FPS, outputPath: join(dir, 'out.mp4') }, async (encoder) => {
        pid = encoder.pid;
        await encoder.writeFrame(frame(0));
        throw new Error('renderer crashed');
      }),
      /renderer crashed/,
    );
    await eventually(() => !isProcessAlive(pid!), 'ffmpeg to exit');
    await eventually(async () => (await readdir(dir)).length === 0, 'the partial output to be removed');
  });

  test('reports ffmpeg failures as ToolError with its last words, leaving no file', async (t) => {
    const dir = await makeTempDir(t);
    const audioPath = join(dir, 'voice.mp3');
    await writeFile(audioPath, HTML_PAGE);
    const outputPath = join(dir, 'out.mp4');
    const failed = encode({ width: WIDTH, height: HEIGHT, fps: FPS, frameCount: FRAMES, durationSeconds: FRAMES / FPS, audioPath, outputPath });
    await assert.rejects(failed, (error: unknown) => {
      assert.equal((error as Error).name, 'ToolError');
      assert.match((error as Error).message, /^Encoding the video failed: ffmpeg exited with code \d+:\n.+/);
      return true;
    });
    await eventually(async () => (await readdir(dir)).length === 1, 'the partial output to be removed');
  });

  test('refuses frames of the wrong size and a finish with frames missing', async (t) => {
    const dir = await makeTempDir(t);
    const encoder = openVideoEncoder({ width: WIDTH, height: HEIGHT, fps: FPS, frameCount: 3, durationSeconds: 0.12, outputPath: join(dir, 'out.mp4') });
    await assert.rejects(encoder.writeFrame(new Uint8Array(10)), RangeError);
    await encoder.writeFrame(frame(0));
    await assert.rejects(encoder.finish(), /got 1 of 3 frames/);
    await eventually(() => !isProcessAlive(encoder.pid!), 'ffmpeg to exit');
    assert.throws(() => openVideoEncoder({ width: 95, height: HEIGHT, fps: FPS, frameCount: 3, durationSeconds: 0.12, outputPath: join(dir, 'x.mp4') }), RangeError);
  });
});
