import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidMediaError, MediaLimitError } from '../../../src/engine/errors.js';
import { decodeAudioMono, probeMedia } from '../../../src/engine/media/index.js';
import { cutInHalf, ffmpeg, HTML_PAGE, makeTempDir, withRotateTag, writeClip, writeTone } from './media-fixtures.js';

const field = 'formState.audio';

function rms(samples: Float32Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / samples.length);
}

/** Rising zero crossings per second ≈ the tone's frequency. */
function dominantFrequency(samples: Float32Array, sampleRate: number): number {
  let crossings = 0;
  for (let i = 1; i < samples.length; i += 1) if (samples[i - 1] < 0 && samples[i] >= 0) crossings += 1;
  return crossings / (samples.length / sampleRate);
}

describe('probeMedia', () => {
  test('reads the container, duration and audio stream of an MP3', async (t) => {
    const dir = await makeTempDir(t);
    const path = await writeTone(join(dir, 'tone.mp3'), { seconds: 2, sampleRate: 44_100 });
    const probe = await probeMedia(path, { field });
    assert.equal(probe.formatName, 'mp3');
    assert.ok(Math.abs((probe.durationSeconds ?? 0) - 2) < 0.1, String(probe.durationSeconds));
    assert.equal(probe.durationIsEstimate, false);
    assert.deepEqual(probe.audio, { codec: 'mp3', sampleRate: 44_100, channels: 1 });
    assert.equal(probe.video, null);
  });

  test('reads size, frame rate and frame count of a video, and ignores MP3 cover art', async (t) => {
    const dir = await makeTempDir(t);
    const path = await writeClip(join(dir, 'clip.mp4'), { seconds: 1, width: 64, height: 48, fps: 25, audio: true });
    const probe = await probeMedia(path, { field: 'formState.video' });
    assert.deepEqual(probe.video, {
      codec: 'h264', width: 64, height: 48, fps: 25, constantFrameRate: true, frameCount: 25, rotation: 0,
      colour: { pixelFormat: 'yuv420p', space: 'unknown', range: 'unknown' },
    });
    assert.equal(probe.audio?.codec, 'aac');
    // Another video written to the same path is probed again, not answered from the last probe.
    await writeClip(path, { seconds: 1, width: 32, height: 24, fps: 10 });
    assert.deepEqual([(await probeMedia(path))?.video?.width, (await probeMedia(path))?.video?.fps], [32, 10]);
    // Frames further and further apart: the average rate is not the base rate.
    const variable = join(dir, 'variable.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=25:duration=1', '-vf', "setpts='PTS+N*N*0.002/TB'", '-vsync', 'vfr', '-c:v', 'libx264', '-preset', 'ultrafast', variable]);
    assert.equal((await probeMedia(variable))?.video?.constantFrameRate, false);

    const tone = await writeTone(join(dir, 'tone.mp3'), { seconds: 1 });
    const withCover = join(dir, 'cover.mp3');
    await ffmpeg(['-i', tone, '-f', 'lavfi', '-i', 'color=c=red:size=32x32:duration=0.1', '-map', '0:a', '-map', '1:v', '-frames:v', '1',
      '-c:a', 'copy', '-c:v', 'mjpeg', '-disposition:v', 'attached_pic', withCover]);
    const coverProbe = await probeMedia(withCover, { field });
    assert.equal(coverProbe.video, null);
    assert.equal(coverProbe.audio?.codec, 'mp3');
  });

  test('reports rotation as the clockwise turn that makes the picture upright', async (t) => {
    const dir = await makeTempDir(t);
    const clip = await writeClip(join(dir, 'clip.mp4'), { seconds: 0.2, width: 64, height: 48, fps: 25 });
    const turned = await withRotateTag(clip, join(dir, 'turned.mp4'), 270);
    const probe = await probeMedia(turned, { field: 'formState.video' });
    // Which way ffmpeg really turns this file is checked in video-decode.test.ts.
    assert.equal(probe.video?.rotation, 90);
  });

  test('refuses a file ffprobe cannot read, saying what it looks like', async (t) => {
    const dir = await makeTempDir(t);
    const path = join(dir, 'voice.mp3');
    await writeFile(path, HTML_PAGE);
    await assert.rejects(probeMedia(path, { field }), {
      name: 'InvalidMediaError',
      message: 'Invalid audio format: formState.audio could not be decoded (it looks like HTML)',
    });
  });

  test('refuses playlists, which could make ffmpeg open other files', async (t) => {
    const dir = await makeTempDir(t);
    await writeTone(join(dir, 'tone.wav'), { seconds: 1 });
    const playlist = join(dir, 'list.m3u8');
    await writeFile(playlist, '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\ntone.wav\n#EXT-X-ENDLIST\n');
    await assert.rejects(probeMedia(playlist, { field }), {
      name: 'InvalidMediaError',
      message: 'Invalid audio format: formState.audio could not be decoded (it looks like a playlist)',
    });
  });
});

describe('decodeAudioMono', () => {
  test('decodes a stereo 44.1 kHz WAV to mono float samples at 16 kHz', async (t) => {
    const dir = await makeTempDir(t);
    const path = await writeTone(join(dir, 'tone.wav'), { seconds: 2, frequency: 440, sampleRate: 44_100, channels: 2 });
    const audio = await decodeAudioMono(path, { sampleRate: 16_000, maxSeconds: 300, field });
    assert.equal(audio.sampleRate, 16_000);
    assert.ok(Math.abs(audio.samples.length - 32_000) <= 160, String(audio.samples.length));
    assert.ok(Math.abs(audio.durationSeconds - 2) < 0.01);
    // lavfi's sine has amplitude 1/8: RMS 0.125/√2.
    assert.ok(Math.abs(rms(audio.samples) - 0.125 / Math.SQRT2) < 0.01, String(rms(audio.samples)));
    assert.ok(Math.abs(dominantFrequency(audio.samples, 16_000) - 440) < 5);
  });

  test('decodes an MP3', async (t) => {
    const dir = await makeTempDir(t);
    const path = await writeTone(join(dir, 'tone.mp3'), { seconds: 1.5, frequency: 300 });
    const audio = await decodeAudioMono(path, { sampleRate: 16_000, maxSeconds: 300, field });
    assert.ok(Math.abs(audio.durationSeconds - 1.5) < 0.1, String(audio.durationSeconds));
    assert.ok(Math.abs(dominantFrequency(audio.samples, 16_000) - 300) < 5);
  });

  test('refuses an MP3 cut in half as truncated', async (t) => {
    const dir = await makeTempDir(t);
    const whole = await writeTone(join(dir, 'whole.mp3'), { seconds: 4 });
    const half = await cutInHalf(whole, join(dir, 'half.mp3'));
    await assert.rejects(decodeAudioMono(half, { sampleRate: 16_000, maxSeconds: 300, field }), (error: unknown) => {
      assert.ok(error instanceof InvalidMediaError && !(error instanceof MediaLimitError), String(error));
      assert.match(error.message, /^The audio file is truncated or corrupt: formState\.audio declares 4 s but only 2(\.\d)? s could be decoded$/);
      return true;
    });
  });

  test('refuses audio longer than the limit from the header, before decoding', async (t) => {
    const dir = await makeTempDir(t);
    const path = await writeTone(join(dir, 'long.wav'), { seconds: 3.2, sampleRate: 8000 });
    await assert.rejects(decodeAudioMono(path, { sampleRate: 16_000, maxSeconds: 3, field }), {
      name: 'MediaLimitError',
      message: 'Audio is 3.2 s long; the limit is 3 s',
    });
  });

  test('refuses an empty file', async (t) => {
    const dir = await makeTempDir(t);
    const path = join(dir, 'voice.mp3');
    await writeFile(path, '');
    await assert.rejects(decodeAudioMono(path, { sampleRate: 16_000, maxSeconds: 300, field }), {
      name: 'InvalidMediaError',
      message: 'The audio file at formState.audio is empty',
    });
  });

  test('refuses an HTML page saved as audio', async (t) => {
    const dir = await makeTempDir(t);
    const path = join(dir, 'voice.mp3');
    await writeFile(path, HTML_PAGE);
    await assert.rejects(decodeAudioMono(path, { sampleRate: 16_000, maxSeconds: 300, field }), {
      name: 'InvalidMediaError',
      message: 'Invalid audio format: formState.audio could not be decoded (it looks like HTML)',
    });
  });

  test('refuses random bytes as undecodable', async (t) => {
    const dir = await makeTempDir(t);
    const path = join(dir, 'voice.mp3');
    await writeFile(path, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251)));
    await assert.rejects(decodeAudioMono(path, { sampleRate: 16_000, maxSeconds: 300, field }), {
      name: 'InvalidMediaError',
      message: /^Invalid audio format: formState\.audio could not be decoded \(.+\)$/,
    });
  });

  test('refuses a video without an audio track', async (t) => {
    const dir = await makeTempDir(t);
    const path = await writeClip(join(dir, 'silent.mp4'), { seconds: 0.5, width: 32, height: 32, fps: 10 });
    await assert.rejects(decodeAudioMono(path, { sampleRate: 16_000, maxSeconds: 300, field }), {
      name: 'InvalidMediaError',
      message: 'Invalid audio format: formState.audio could not be decoded (it has a video track but no audio track)',
    });
  });

  test('stops when the caller aborts', async (t) => {
    const dir = await makeTempDir(t);
    const path = await writeTone(join(dir, 'tone.wav'), { seconds: 1 });
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(decodeAudioMono(path, { sampleRate: 16_000, maxSeconds: 300, field, signal: controller.signal }), { name: 'AbortedError' });
  });
});
