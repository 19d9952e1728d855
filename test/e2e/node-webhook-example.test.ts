// The integration example clients copy (examples/node-webhook.mjs: Express receiver + fetch
// submit with a Bearer key), run unchanged as a child process against the real server: only its
// environment says where the server, the media and the receiver are.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MouthpieceClient } from '../../src/client/index.js';
import { REPO_ROOT, fixture, freePort, startMediaServer, startServer, waitFor, type RunningServer } from './harness.js';

interface ExampleRun {
  child: ChildProcess;
  output(): string;
}

function runExample(env: Record<string, string>, args: string[] = []): ExampleRun {
  const child = spawn(process.execPath, ['examples/node-webhook.mjs', ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

describe('examples/node-webhook.mjs against the real server', { timeout: 600_000 }, () => {
  let dataDir: string;
  let media: Awaited<ReturnType<typeof startMediaServer>>;
  let server: RunningServer;
  let client: MouthpieceClient;
  let key: string;
  const running: ChildProcess[] = [];

  before(async () => {
    media = await startMediaServer({
      '/face.jpg': { body: fixture('portrait-astronaut.jpg'), contentType: 'image/jpeg' },
      '/voice.wav': { body: fixture('speech-short.wav'), contentType: 'audio/wav' },
    });
    dataDir = await mkdtemp(join(tmpdir(), 'mouthpiece-example-'));
    server = await startServer({ MOUTHPIECE_DATA_DIR: dataDir, MOUTHPIECE_ALLOW_PRIVATE_URLS: '1', MOUTHPIECE_WORKERS: '1' });
    key = server.stdout().split('\n').find((line) => line.startsWith('sk_'))!;
    client = new MouthpieceClient({ baseUrl: server.baseUrl, apiKey: key });
  });

  after(async () => {
    for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
    const code = server ? await server.stop() : 0;
    await media?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    assert.equal(code, 0, server?.output());
  });

  function exampleEnv(port: number, secret: string): Record<string, string> {
    return {
      BASE_URL: `${server.baseUrl}/api/v1`,
      API_KEY: key,
      PORT: String(port),
      WEBHOOK_URL: `http://127.0.0.1:${port}/webhooks/lipsync`,
      IMAGE_URL: `${media.baseUrl}/face.jpg`,
      AUDIO_URL: `${media.baseUrl}/voice.wav`,
      WEBHOOK_SECRET: secret,
    };
  }

  test('the webhook flow: the signed webhook of the completed job arrives and the example logs the video URL', async () => {
    const { webhookSecret } = await client.getAccount();
    const example = runExample(exampleEnv(await freePort(), webhookSecret));
    running.push(example.child);
    const logged = await waitFor('the example to log the video URL', async () => {
      if (example.child.exitCode !== null) throw new Error(`the example exited:\n${example.output()}\n${server.output()}`);
      const match = /Job ([0-9a-f-]{36}) \(lipsync-image\) completed\. Video: (\S+)/.exec(example.output());
      return match ? { id: match[1], url: match[2] } : undefined;
    }, 300_000, 200);
    example.child.kill('SIGTERM');

    assert.match(example.output(), new RegExp(`Job submitted: ${logged.id}`));
    const job = await client.getJob(logged.id);
    assert.equal(job.status, 'completed');
    assert.equal(job.output, logged.url);
    assert.deepEqual(job.input, { image: `${media.baseUrl}/face.jpg`, audio: `${media.baseUrl}/voice.wav`, resolution: '720p' });
    const video = await fetch(logged.url);
    assert.equal(video.status, 200);
    assert.equal(video.headers.get('content-type'), 'video/mp4');

    // The example verified the signature (it answers 401 otherwise) and said {"received": true}.
    // The example logs before it answers; the server records the attempt once the answer is in.
    const deliveries = await waitFor('the attempt to be recorded', async () => {
      const report = await client.getDeliveries(logged.id);
      return report.attempts.length > 0 ? report : undefined;
    }, 30_000, 50);
    assert.equal(deliveries.state, 'delivered');
    assert.deepEqual(deliveries.attempts.map((a) => a.statusCode), [200]);
  });

  test('a receiver with the wrong secret refuses the webhook (401), so the server keeps retrying', async () => {
    const wrong = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const example = runExample(exampleEnv(await freePort(), wrong));
    running.push(example.child);
    const id = await waitFor('the example to submit', async () => /Job submitted: (\S+)/.exec(example.output())?.[1], 60_000, 100);
    const report = await waitFor('a first, refused attempt', async () => {
      const r = await client.getDeliveries(id);
      return r.attempts.length > 0 ? r : undefined;
    }, 300_000, 200);
    example.child.kill('SIGTERM');
    assert.equal(report.attempts[0].statusCode, 401);
    assert.equal(report.state, 'pending', 'retried later');
    assert.doesNotMatch(example.output(), /Video:/);
  });

  test('the polling flow: submit without a webhook, poll until completed, log the video URL', async () => {
    const example = runExample(exampleEnv(await freePort(), ''), ['--poll']);
    running.push(example.child);
    const [code] = (await once(example.child, 'exit')) as [number | null];
    assert.equal(code, 0, example.output());
    const match = /Job ([0-9a-f-]{36}) \(lipsync-image\) completed\. Video: (\S+)/.exec(example.output());
    assert.ok(match, example.output());
    const job = await client.getJob(match[1]);
    assert.equal(job.output, match[2]);
    assert.equal((await client.getDeliveries(match[1])).state, 'no_webhook');
  });
});
