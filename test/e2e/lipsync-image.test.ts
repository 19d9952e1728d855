// The vertical slice, end to end: the real server and render processes, a key made with the CLI,
// the contract's request, polling, the MP4 served back, checked with ffprobe and the face
// landmark detector; then every kind of bad input, each failing on its own while the server
// keeps working.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { FIXTURES, apiClient, fixture, freePort, runCli, startMediaServer, startServer, type RunningServer } from './harness.js';
import { ffprobeStreams, lipGapOfImage, lipGapPerFrame, mean, percentile, topLevelBoxes } from './output-checks.js';

const speechTimings = JSON.parse(fixture('speech-en.json').toString()) as {
  durationSeconds: number;
  utterances: Array<{ start: number; end: number }>;
  pauses: Array<{ start: number; end: number }>;
};
const FPS = 25;
/** speech-en.mp3 is 6.36 s and speech-long-pauses.mp3 7.85 s: a 7 s limit passes one, not the other. */
const MAX_AUDIO_SECONDS = 7;

/** A valid PNG signature and header declaring 40 000 × 40 000 RGBA: 6.4 GB if anyone decoded it. */
function decompressionBombPng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(40_000, 0);
  ihdr.writeUInt32BE(40_000, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('lipsync-image end to end', { timeout: 600_000 }, () => {
  let dataDir: string;
  let media: Awaited<ReturnType<typeof startMediaServer>>;
  let server: RunningServer;
  let client: ReturnType<typeof apiClient>;
  let closedPort: number;
  const url = (path: string) => `${media.baseUrl}${path}`;

  before(async () => {
    const speech = fixture('speech-en.mp3');
    media = await startMediaServer({
      '/portrait.jpg': { body: fixture('portrait-astronaut.jpg'), contentType: 'image/jpeg' },
      '/speech.mp3': { body: speech, contentType: 'audio/mpeg' },
      '/bilabials.wav': { body: fixture('bilabials.wav'), contentType: 'audio/wav' },
      '/page.jpg': { body: '<!doctype html><html><body>Not found</body></html>', contentType: 'text/html' },
      '/truncated.mp3': { body: speech.subarray(0, Math.floor(speech.length / 2)), contentType: 'audio/mpeg' },
      '/empty.mp3': { body: Buffer.alloc(0), contentType: 'audio/mpeg' },
      '/silence.wav': { body: fixture('silence.wav'), contentType: 'audio/wav' },
      '/no-face.jpg': { body: fixture('no-face.jpg'), contentType: 'image/jpeg' },
      '/bomb.png': { body: decompressionBombPng(), contentType: 'image/png' },
      '/long.mp3': { body: fixture('speech-long-pauses.mp3'), contentType: 'audio/mpeg' },
    });
    closedPort = await freePort();
    dataDir = await mkdtemp(join(tmpdir(), 'mouthpiece-e2e-'));
    server = await startServer({
      MOUTHPIECE_DATA_DIR: dataDir,
      MOUTHPIECE_ALLOW_PRIVATE_URLS: '1',
      MOUTHPIECE_MAX_AUDIO_SECONDS: String(MAX_AUDIO_SECONDS),
      MOUTHPIECE_WORKERS: '2',
    });
    const created = await runCli(['keys', 'create', '--name', 'e2e'], server.env);
    assert.equal(created.code, 0, created.stderr);
    client = apiClient(server.baseUrl, created.stdout.trim());
  });

  after(async () => {
    const code = server ? await server.stop() : 0;
    await media?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    assert.equal(code, 0, 'the server shut down cleanly on SIGTERM');
  });

  test('the first start printed one API key on a line of its own, and that key works', async () => {
    const keys = server.stdout().split('\n').filter((line) => /^sk_[a-z0-9]{10}_[A-Za-z0-9]{32}$/.test(line));
    assert.equal(keys.length, 1, server.output());
    const response = await fetch(`${server.baseUrl}/api/v1/jobs/00000000-0000-4000-8000-000000000000`, {
      headers: { authorization: `Bearer ${keys[0]}` },
    });
    assert.equal(response.status, 404, 'authenticated (404 for an unknown job, not 401)');
  });

  test('a portrait and a voice become an MP4 in which the mouth opens with speech and closes in the pause', async () => {
    const id = await client.submit('lipsync-image', { image: url('/portrait.jpg'), audio: url('/speech.mp3'), resolution: '720p', seed: 42 });
    const job = await client.finished(id);
    assert.equal(job.status, 'completed', `job failed: ${String(job.error)}\n${server.output()}`);
    assert.deepEqual(Object.keys(job).slice(0, 7), ['id', 'model', 'status', 'output', 'error', 'executionTime', 'timings']);
    assert.equal(job.error, '');
    assert.equal(job.seed, 42);
    assert.ok(typeof job.executionTime === 'number' && job.executionTime > 0);
    assert.equal(typeof job.timings, 'object');
    const output = String(job.output);
    assert.ok(output.startsWith(`http://localhost:${new URL(server.baseUrl).port}/outputs/${id}-`), output);

    // Download it the way a player would: whole, then a byte range.
    const local = output.replace(/^http:\/\/localhost:/, 'http://127.0.0.1:');
    const whole = await fetch(local);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('content-type'), 'video/mp4');
    const bytes = Buffer.from(await whole.arrayBuffer());
    const ranged = await fetch(local, { headers: { range: 'bytes=0-99' } });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.headers.get('content-range'), `bytes 0-99/${bytes.length}`);
    assert.ok(Buffer.from(await ranged.arrayBuffer()).equals(bytes.subarray(0, 100)));
    const file = join(dataDir, 'downloaded.mp4');
    await writeFile(file, bytes);

    const facts = await ffprobeStreams(file);
    assert.equal(facts.video.codec, 'h264');
    assert.equal(facts.video.pixFmt, 'yuv420p');
    assert.equal(facts.video.fps, '25/1');
    assert.equal(facts.audio.codec, 'aac');
    assert.equal(Math.min(facts.video.width, facts.video.height), 720);
    assert.equal(facts.video.width % 2, 0);
    assert.equal(facts.video.height % 2, 0);
    const oneFrame = 1 / FPS;
    assert.ok(Math.abs(facts.video.frames / FPS - speechTimings.durationSeconds) <= oneFrame + 1e-9, `video lasts ${facts.video.frames} frames`);
    assert.ok(Math.abs(facts.audio.duration - speechTimings.durationSeconds) <= oneFrame + 1e-9, `audio lasts ${facts.audio.duration} s`);
    const boxes = topLevelBoxes(file);
    assert.ok(boxes.indexOf('moov') < boxes.indexOf('mdat'), `+faststart puts moov first: ${boxes.join(' ')}`);

    // The mouth, measured with the engine's own landmark detector, frame by frame. The detector
    // reads a closed mouth as a small positive gap that depends on the face (about 0.09 on this
    // smiling astronaut), so openings are measured above the video's own closed reading: the
    // 5th percentile of all frames.
    const gaps = await lipGapPerFrame(file);
    assert.ok(gaps.filter(Number.isNaN).length <= 2, 'the face is found in (almost) every frame');
    const framesIn = (spans: Array<{ start: number; end: number }>, margin: number) =>
      gaps.filter((_, i) => spans.some(({ start, end }) => (i + 0.5) / FPS >= start + margin && (i + 0.5) / FPS <= end - margin));
    const closed = percentile(gaps, 0.05);
    const speaking = mean(framesIn(speechTimings.utterances, 0.05)) - closed;
    const pausing = mean(framesIn(speechTimings.pauses, 0.15)) - closed;
    const photo = await lipGapOfImage(join(FIXTURES, 'portrait-astronaut.jpg'));
    const report =
      `inner-lip gap ÷ inter-ocular distance: closed reading ${closed.toFixed(3)} (photo ${photo.toFixed(3)}), ` +
      `opening above it: speech ${speaking.toFixed(3)}, pause ${pausing.toFixed(3)}`;
    assert.ok(speaking >= 2 * pausing, `the mouth opens at least twice as wide in speech as in the pause; ${report}`);
    assert.ok(speaking >= 0.04, `the mouth visibly opens in speech; ${report}`);
    assert.ok(pausing <= 0.02, `the mouth rests (nearly) closed in the pause; ${report}`);
    assert.ok(closed <= photo + 0.01, `the closed mouth is no more open than in the photo; ${report}`);
    process.stderr.write(`# ${report}\n`);
  });

  test('each bad input fails its own job with a clear error, and the server keeps working', async () => {
    const cases: Array<{ what: string; image: string; audio: string; error: RegExp }> = [
      { what: 'unreachable URL', image: `http://127.0.0.1:${closedPort}/face.jpg`, audio: url('/speech.mp3'), error: /Could not fetch formState\.image/ },
      { what: 'HTML served as the image', image: url('/page.jpg'), audio: url('/speech.mp3'), error: /formState\.image is not a PNG, JPEG or WebP image/ },
      { what: 'truncated MP3', image: url('/portrait.jpg'), audio: url('/truncated.mp3'), error: /truncated or corrupt/ },
      { what: '0-byte file', image: url('/portrait.jpg'), audio: url('/empty.mp3'), error: /formState\.audio is empty/ },
      { what: 'audio without speech', image: url('/portrait.jpg'), audio: url('/silence.wav'), error: /No speech found in audio/ },
      { what: 'image without a face', image: url('/no-face.jpg'), audio: url('/speech.mp3'), error: /^No face found in image$/ },
      { what: '40000×40000 PNG header', image: url('/bomb.png'), audio: url('/speech.mp3'), error: /40000/ },
      { what: 'audio over the limit', image: url('/portrait.jpg'), audio: url('/long.mp3'), error: new RegExp(`limit is ${MAX_AUDIO_SECONDS} s|${MAX_AUDIO_SECONDS} s limit`) },
    ];
    const ids = await Promise.all(cases.map((c) => client.submit('lipsync-image', { image: c.image, audio: c.audio })));
    const jobs = await Promise.all(ids.map((id) => client.finished(id)));
    const problems: string[] = [];
    cases.forEach((c, i) => {
      const job = jobs[i];
      if (job.status !== 'failed' || !c.error.test(String(job.error))) {
        problems.push(`${c.what}: ${String(job.status)} "${String(job.error)}" (expected ${c.error})`);
      }
    });
    assert.deepEqual(problems, []);

    assert.equal((await fetch(`${server.baseUrl}/healthz`)).status, 200);
    const next = await client.submit('lipsync-image', { image: url('/portrait.jpg'), audio: url('/bilabials.wav') });
    assert.equal((await client.finished(next)).status, 'completed');
  });

  test('lipsync-video and lipsync-image-multi jobs reach their engines and fail clearly on unusable input', async () => {
    const video = await client.submit('lipsync-video', { video: url('/portrait.jpg'), audio: url('/speech.mp3') });
    const multi = await client.submit('lipsync-image-multi', { image: url('/portrait.jpg'), left_audio: url('/speech.mp3'), right_audio: url('/speech.mp3') });
    assert.match(String((await client.finished(video)).error), /^Invalid video format: formState\.video could not be decoded \(it looks like a JPEG image\)$/);
    assert.equal((await client.finished(multi)).error, 'Found 1 face; lipsync-image-multi needs two');
  });
});

describe('a server that does not allow private URLs', { timeout: 300_000 }, () => {
  // The address guard runs in one place, at fetch time after DNS resolution (a host name can
  // resolve to loopback too), so such a request is accepted and its job fails; it is not a 400.
  test('accepts a loopback media URL at submit, then fails the job naming the blocked address', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mouthpiece-e2e-strict-'));
    const media = await startMediaServer({ '/portrait.jpg': { body: fixture('portrait-astronaut.jpg'), contentType: 'image/jpeg' } });
    const server = await startServer({ MOUTHPIECE_DATA_DIR: dataDir, MOUTHPIECE_WORKERS: '1' });
    try {
      const key = server.stdout().split('\n').find((line) => line.startsWith('sk_'))!;
      const client = apiClient(server.baseUrl, key);
      const id = await client.submit('lipsync-image', { image: `${media.baseUrl}/portrait.jpg`, audio: `${media.baseUrl}/speech.mp3` });
      const job = await client.finished(id);
      assert.equal(job.status, 'failed');
      assert.match(String(job.error), /formState\.image points to 127\.0\.0\.1, a loopback address; media URLs must be public/);
    } finally {
      assert.equal(await server.stop(), 0);
      await media.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
