// lipsync-video and lipsync-image-multi through the real server and render processes: the
// contract's requests with the extension fields, polled to completion, the MP4s checked.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiClient, fixture, runCli, startMediaServer, startServer, type RunningServer } from './harness.js';
import { ffprobeStreams, lipGapPerFrame, percentile } from './output-checks.js';

const FPS = 25;

describe('lipsync-video and lipsync-image-multi end to end', { timeout: 600_000 }, () => {
  let dataDir: string;
  let media: Awaited<ReturnType<typeof startMediaServer>>;
  let server: RunningServer;
  let client: ReturnType<typeof apiClient>;
  const url = (path: string) => `${media.baseUrl}${path}`;

  before(async () => {
    media = await startMediaServer({
      '/astronaut.mp4': { body: fixture('video-astronaut.mp4'), contentType: 'video/mp4' },
      '/face-gap.mp4': { body: fixture('video-face-gap.mp4'), contentType: 'video/mp4' },
      '/two-faces.jpg': { body: fixture('two-faces.jpg'), contentType: 'image/jpeg' },
      '/short.wav': { body: fixture('speech-short.wav'), contentType: 'audio/wav' },
      '/bilabials.wav': { body: fixture('bilabials.wav'), contentType: 'audio/wav' },
    });
    dataDir = await mkdtemp(join(tmpdir(), 'mouthpiece-e2e-modes-'));
    server = await startServer({ MOUTHPIECE_DATA_DIR: dataDir, MOUTHPIECE_ALLOW_PRIVATE_URLS: '1', MOUTHPIECE_WORKERS: '2' });
    const created = await runCli(['keys', 'create', '--name', 'e2e-modes'], server.env);
    assert.equal(created.code, 0, created.stderr);
    client = apiClient(server.baseUrl, created.stdout.trim());
  });

  after(async () => {
    const code = server ? await server.stop() : 0;
    await media?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    assert.equal(code, 0, 'the server shut down cleanly');
  });

  async function download(job: Record<string, unknown>, name: string): Promise<string> {
    const local = String(job.output).replace(/^http:\/\/localhost:/, 'http://127.0.0.1:');
    const response = await fetch(local);
    assert.equal(response.status, 200);
    const file = join(dataDir, name);
    await writeFile(file, Buffer.from(await response.arrayBuffer()));
    return file;
  }

  test('lipsync-video re-syncs the video to the new voice with the sync mode asked for', async () => {
    const id = await client.submit('lipsync-video', {
      video: url('/astronaut.mp4'), audio: url('/bilabials.wav'), sync_mode: 'bounce', prompt: 'calmo', seed: 3,
    });
    const job = await client.finished(id);
    assert.equal(job.status, 'completed', `job failed: ${String(job.error)}\n${server.output()}`);
    const file = await download(job, 'video.mp4');
    const facts = await ffprobeStreams(file);
    assert.equal(facts.video.fps, '25/1');
    assert.equal(Math.min(facts.video.width, facts.video.height), 480);
    // bilabials.wav lasts 6.105 s; the 3 s video bounces to cover it.
    assert.equal(facts.video.frames, Math.round(6.105 * FPS));
    assert.ok(Math.abs(facts.audio.duration - 6.105) < 0.05, `audio lasts ${facts.audio.duration} s`);
    const gaps = await lipGapPerFrame(file);
    const spread = percentile(gaps, 0.9) - percentile(gaps, 0.1);
    assert.ok(spread > 0.04, `the mouth opens and closes (inner-lip gap spread ${spread.toFixed(3)})`);
  });

  test('lipsync-video with on_no_face "fail" fails naming where the face is lost', async () => {
    // silence keeps the whole 3 s video, so the whole gap (frames 25–49) is in the output.
    const id = await client.submit('lipsync-video', { video: url('/face-gap.mp4'), audio: url('/short.wav'), on_no_face: 'fail', sync_mode: 'silence' });
    const job = await client.finished(id);
    assert.equal(job.status, 'failed');
    assert.match(String(job.error), /The face is lost in the video at 1\.00 s–2\.00 s/);
  });

  test('lipsync-image-multi makes a conversation of the two voices, one after the other', async () => {
    const id = await client.submit('lipsync-image-multi', {
      image: url('/two-faces.jpg'), left_audio: url('/short.wav'), right_audio: url('/short.wav'), order: 'left_right', seed: 9,
    });
    const job = await client.finished(id);
    assert.equal(job.status, 'completed', `job failed: ${String(job.error)}\n${server.output()}`);
    const facts = await ffprobeStreams(await download(job, 'multi.mp4'));
    assert.equal(facts.video.frames, Math.round(2 * 1.428 * FPS));
    assert.ok(Math.abs(facts.audio.duration - 2 * 1.428) < 0.05, `the voices are joined: ${facts.audio.duration} s`);
    assert.equal(Math.min(facts.video.width, facts.video.height), 480);
  });
});
