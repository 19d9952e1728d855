// POST /api/v1/uploads and GET /uploads/<token>: the real plugins over real HTTP on 127.0.0.1,
// then the whole server: a job made from uploads renders although private URLs are refused.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { ApiKeyService } from '../../src/accounts/index.js';
import { apiKeyAuth } from '../../src/api/auth.js';
import { errorHandling } from '../../src/api/error-handler.js';
import { uploadFileRoutes, uploadRoutes } from '../../src/api/routes/uploads.js';
import { sniffMediaType } from '../../src/jobs/uploads-media-type.js';
import { UploadStore, localUploadFiles, resolveUploadSource, uploadsDir } from '../../src/jobs/uploads.js';
import { apiClient, fixture, runCli, startServer, waitFor, type RunningServer } from '../e2e/harness.js';
import { openTempStore, type TempStore } from '../store/temp-store.js';

const MAX_BYTES = 256 * 1024;
const PUBLIC_URL = 'https://lipsync.example.test';
const HOUR = 3600_000;

/** multipart/form-data with one file part, the way a browser's FormData sends it. */
function formWith(bytes: Buffer, fileName: string, type = 'application/octet-stream', field = 'file'): FormData {
  const form = new FormData();
  form.append(field, new Blob([bytes], { type }), fileName);
  return form;
}

describe('uploads API', () => {
  let temp: TempStore;
  let app: FastifyInstance;
  let baseUrl: string;
  let key: string;
  let clock = Date.now();
  let store: UploadStore;
  /** What the answered URLs start with; downloads go to the same path on the test server. */
  const local = (url: string) => url.replace(PUBLIC_URL, baseUrl);

  const upload = (body: FormData | string, headers: Record<string, string> = {}, withKey = true) =>
    fetch(`${baseUrl}/api/v1/uploads`, {
      method: 'POST',
      headers: { ...(withKey ? { authorization: `Bearer ${key}` } : {}), ...headers },
      body,
    });

  before(async () => {
    temp = await openTempStore();
    const apiKeys = new ApiKeyService(temp.store.apiKeys);
    key = (await apiKeys.create(temp.account.id, 'uploads')).key;
    store = new UploadStore({ dir: uploadsDir(temp.dataDir), retentionHours: 24, now: () => clock });
    // As src/server.ts mounts them: the file route at the root, the upload inside the keyed scope.
    app = Fastify();
    await app.register(errorHandling);
    await app.register(uploadFileRoutes, { store });
    await app.register(
      async (v1) => {
        await v1.register(apiKeyAuth, { apiKeys });
        await v1.register(uploadRoutes, { store, publicUrl: PUBLIC_URL, maxBytes: MAX_BYTES });
      },
      { prefix: '/api/v1' },
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await app?.close();
    await temp?.cleanup();
  });

  test('stores a portrait sent with a Bearer key and answers 201 with an absolute URL that serves the same bytes', async () => {
    const portrait = fixture('portrait-hopper.jpg');
    const response = await upload(formWith(portrait, 'hopper.jpg', 'image/jpeg'));
    assert.equal(response.status, 201);
    const body = (await response.json()) as { id: string; url: string; contentType: string; size: number; expiresAt: string };
    assert.deepEqual(Object.keys(body), ['id', 'url', 'contentType', 'size', 'expiresAt']);
    assert.match(body.id, /^[A-Za-z0-9_-]{32}\.jpg$/);
    assert.equal(body.url, `${PUBLIC_URL}/uploads/${body.id}`);
    assert.equal(body.contentType, 'image/jpeg');
    assert.equal(body.size, portrait.length);
    assert.equal(Date.parse(body.expiresAt), clock + 24 * HOUR);

    const served = await fetch(local(body.url));
    assert.equal(served.status, 200);
    assert.equal(served.headers.get('content-type'), 'image/jpeg');
    assert.equal(served.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(Buffer.from(await served.arrayBuffer()).equals(portrait));
    const ranged = await fetch(local(body.url), { headers: { range: 'bytes=0-9' } });
    assert.equal(ranged.status, 206);
    assert.ok(Buffer.from(await ranged.arrayBuffer()).equals(portrait.subarray(0, 10)));
  });

  test('recognises the type from the bytes, not from the name or type the client sent', async () => {
    const speech = fixture('speech-en.mp3');
    const response = await upload(formWith(speech, 'looks-like.png', 'image/png'));
    assert.equal(response.status, 201);
    const body = (await response.json()) as { id: string; url: string; contentType: string };
    assert.equal(body.contentType, 'audio/mpeg');
    assert.match(body.id, /\.mp3$/);
    assert.equal((await fetch(local(body.url))).headers.get('content-type'), 'audio/mpeg');
  });

  test('refuses a file over the size limit with 413 naming the file, and keeps nothing', async () => {
    const before = await readdir(store.dir);
    const big = Buffer.concat([fixture('portrait-hopper.jpg'), Buffer.alloc(MAX_BYTES)]);
    const response = await upload(formWith(big, 'big.jpg', 'image/jpeg'));
    assert.equal(response.status, 413);
    const body = (await response.json()) as { error: { code: string; message: string; field: string } };
    assert.equal(body.error.code, 'payload_too_large');
    assert.equal(body.error.field, 'file');
    assert.match(body.error.message, /0\.3 MB upload limit|0\.25 MB upload limit/);
    assert.deepEqual(await readdir(store.dir), before);
  });

  test('refuses a request whose declared length is far over the limit before reading it', async () => {
    const response = await upload(formWith(Buffer.alloc(4 * MAX_BYTES, 0xff), 'huge.jpg', 'image/jpeg'));
    assert.equal(response.status, 413);
    assert.equal(((await response.json()) as { error: { field: string } }).error.field, 'file');
  });

  test('refuses a file that is no image, audio or video with 415 naming the file, and keeps nothing', async () => {
    const before = await readdir(store.dir);
    const response = await upload(formWith(fixture('not-media.mp3'), 'not-media.mp3', 'audio/mpeg'));
    assert.equal(response.status, 415);
    const body = (await response.json()) as { error: { code: string; field: string } };
    assert.equal(body.error.code, 'unsupported_media_type');
    assert.equal(body.error.field, 'file');
    assert.deepEqual(await readdir(store.dir), before);
  });

  test('a refused file in a form of several files is read to its end, so the parts after it still arrive', async () => {
    // The playground's form posts every file in one request and stores them one by one. The body
    // is sent in two writes split right after the refused file's bytes, so that file's part ends
    // only after the store has refused it: a store that destroyed the part's stream would leave
    // the parser waiting for that end forever, and this request would never be answered.
    const form = Fastify();
    await form.register(fastifyMultipart);
    form.post('/form', async (request) => {
      const outcome: string[] = [];
      for await (const part of request.parts()) {
        if (part.type !== 'file') continue;
        try {
          const saved = await store.save(part.file, { accountId: 'acct', originalName: part.filename, maxBytes: MAX_BYTES });
          outcome.push(`${part.fieldname}: ${saved.contentType}`);
          await store.remove(saved.token);
        } catch (error) {
          part.file.resume();
          outcome.push(`${part.fieldname}: ${(error as Error).name}`);
        }
      }
      return { outcome };
    });
    await form.listen({ port: 0, host: '127.0.0.1' });
    try {
      const boundary = 'mouthpiece-split-form';
      const head = (field: string, name: string) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
      const first = Buffer.concat([Buffer.from(head('image', 'not-media.mp3')), fixture('not-media.mp3')]);
      const rest = Buffer.concat([Buffer.from(`\r\n${head('audio', 'short.wav')}`), fixture('speech-short.wav'), Buffer.from(`\r\n--${boundary}--\r\n`)]);
      const port = (form.server.address() as AddressInfo).port;
      const answer = await new Promise<string>((resolve, reject) => {
        const request = httpRequest(
          { host: '127.0.0.1', port, path: '/form', method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': first.length + rest.length } },
          (response) => {
            let text = '';
            response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve(text));
          },
        );
        request.setTimeout(10_000, () => request.destroy(new Error('no answer within 10 s: the form stalled after the refused file')));
        request.on('error', reject);
        request.write(first);
        setTimeout(() => request.end(rest), 200);
      });
      assert.deepEqual(JSON.parse(answer), { outcome: ['image: UnsupportedUploadError', 'audio: audio/wav'] });
    } finally {
      await form.close();
    }
  });

  test('answers 415 to a body that is not multipart and 400 to a file in another field', async () => {
    const json = await upload(JSON.stringify({ file: 'x' }), { 'content-type': 'application/json' });
    assert.equal(json.status, 415);
    assert.equal(((await json.json()) as { error: { field: string } }).error.field, 'file');
    const raw = await upload('raw bytes', { 'content-type': 'application/octet-stream' });
    assert.equal(raw.status, 415);
    const wrongField = await upload(formWith(fixture('portrait-hopper.jpg'), 'a.jpg', 'image/jpeg', 'image'));
    assert.equal(wrongField.status, 400);
    assert.match(((await wrongField.json()) as { error: { message: string } }).error.message, /field "file"/);
  });

  test('needs an API key to upload but none to download', async () => {
    const response = await upload(formWith(fixture('portrait-hopper.jpg'), 'a.jpg'), {}, false);
    assert.equal(response.status, 401);
  });

  test('answers 404 for an unknown or malformed token', async () => {
    assert.equal((await fetch(`${baseUrl}/uploads/${'A'.repeat(32)}.jpg`)).status, 404);
    assert.equal((await fetch(`${baseUrl}/uploads/..%2F..%2Fetc%2Fpasswd`)).status, 404);
    assert.equal((await fetch(`${baseUrl}/uploads/${'A'.repeat(32)}.json`)).status, 404);
  });

  test('an upload expires: its URL answers 404, the sweep deletes its file, and jobs fetch its URL again', async () => {
    const response = await upload(formWith(fixture('speech-short.wav'), 'short.wav'));
    const { id, url } = (await response.json()) as { id: string; url: string };
    const context = { publicUrl: PUBLIC_URL, uploadsDir: store.dir, now: () => clock };
    assert.deepEqual(resolveUploadSource(url, context), { path: join(store.dir, id) });
    assert.deepEqual(localUploadFiles({ audio: url, image: 'https://elsewhere.example/a.jpg', seed: 3 }, context), {
      audio: join(store.dir, id),
    });
    assert.deepEqual(resolveUploadSource('https://elsewhere.example/uploads/x.jpg', context), { url: 'https://elsewhere.example/uploads/x.jpg' });

    clock += 24 * HOUR + 1;
    try {
      assert.equal((await fetch(local(url))).status, 404);
      assert.deepEqual(resolveUploadSource(url, context), { url });
      const deleted = await store.sweepExpired();
      assert.ok(deleted >= 1);
      assert.ok(!(await readdir(store.dir)).some((name) => name.startsWith(id)), 'file and sidecar are gone');
    } finally {
      clock -= 24 * HOUR + 1;
    }
  });
});

describe('media type sniffing', () => {
  test('names every fixture kind by its bytes and refuses text', () => {
    const cases: Array<[string, string | null]> = [
      ['portrait-hopper.jpg', 'image/jpeg'],
      ['mask-left.png', 'image/png'],
      ['speech-en.mp3', 'audio/mpeg'],
      ['speech-short.wav', 'audio/wav'],
      ['espeak/fee.flac', 'audio/flac'],
      ['video-astronaut.mp4', 'video/mp4'],
      ['not-media.mp3', null],
    ];
    for (const [name, type] of cases) assert.equal(sniffMediaType(fixture(name).subarray(0, 64))?.contentType ?? null, type, name);
  });

  test('tells WebP from WAV, WebM from Matroska, M4A from MP4 and QuickTime', () => {
    const bytes = (...parts: Array<string | number[]>) =>
      Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));
    assert.equal(sniffMediaType(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '))?.contentType, 'image/webp');
    assert.equal(sniffMediaType(bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '))?.contentType, 'audio/wav');
    assert.equal(sniffMediaType(bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84], 'webm'))?.contentType, 'video/webm');
    assert.equal(sniffMediaType(bytes([0x1a, 0x45, 0xdf, 0xa3, 0xa3, 0x42, 0x82, 0x88], 'matroska'))?.contentType, 'video/x-matroska');
    assert.equal(sniffMediaType(bytes([0, 0, 0, 0x20], 'ftypM4A ', [0, 0, 0, 0]))?.contentType, 'audio/mp4');
    assert.equal(sniffMediaType(bytes([0, 0, 0, 0x14], 'ftypqt  ', [0, 0, 0, 0]))?.contentType, 'video/quicktime');
    assert.equal(sniffMediaType(bytes([0, 0, 0, 0x20], 'ftypisom', [0, 0, 2, 0]))?.contentType, 'video/mp4');
    assert.equal(sniffMediaType(bytes([0xff, 0xf1, 0x50, 0x80]))?.contentType, 'audio/aac');
    assert.equal(sniffMediaType(bytes('OggS', [0]))?.contentType, 'audio/ogg');
    assert.equal(sniffMediaType(bytes('GIF89a'))?.contentType, 'image/gif');
    assert.equal(sniffMediaType(bytes('<!doctype html>')), null);
  });
});

describe('a job made from uploads on a server that refuses private URLs', { timeout: 300_000 }, () => {
  let dataDir: string;
  let server: RunningServer;
  let key: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mouthpiece-uploads-e2e-'));
    // No MOUTHPIECE_ALLOW_PRIVATE_URLS: the server's own loopback URLs are refused when fetched.
    server = await startServer({ MOUTHPIECE_DATA_DIR: dataDir, MOUTHPIECE_WORKERS: '1' });
    const created = await runCli(['keys', 'create', '--name', 'uploads'], server.env);
    assert.equal(created.code, 0, created.stderr);
    key = created.stdout.trim();
  });

  after(async () => {
    const code = server ? await server.stop() : 0;
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    assert.equal(code, 0, 'the server shut down cleanly');
  });

  const uploadFixture = async (name: string): Promise<string> => {
    const response = await fetch(`${server.baseUrl}/api/v1/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
      body: formWith(fixture(name), name),
    });
    assert.equal(response.status, 201, `${name}: ${await response.clone().text()}\n${server.output()}`);
    return ((await response.json()) as { url: string }).url;
  };

  test('estimates and renders from upload URLs, read from disk rather than fetched', async () => {
    const image = await uploadFixture('portrait-hopper.jpg');
    const audio = await uploadFixture('speech-en.mp3');
    assert.ok(image.startsWith(`http://localhost:${new URL(server.baseUrl).port}/uploads/`), image);

    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const estimate = await fetch(`${server.baseUrl}/api/v1/estimate`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'lipsync-image', formState: { image, audio } }),
    });
    assert.equal(estimate.status, 200, await estimate.clone().text());
    assert.equal(((await estimate.json()) as { billedSeconds: number }).billedSeconds, 7);

    const client = apiClient(server.baseUrl, key);
    const id = await client.submit('lipsync-image', { image, audio, seed: 7 });
    const job = await client.finished(id);
    assert.equal(job.status, 'completed', `job failed: ${String(job.error)}\n${server.output()}`);
    const input = job.input as Record<string, unknown>;
    assert.deepEqual([input.image, input.audio], [image, audio], 'the job keeps the URLs as submitted');
  });

  test('a loopback URL that is not a live upload is still refused', async () => {
    const client = apiClient(server.baseUrl, key);
    const image = await uploadFixture('portrait-hopper.jpg');
    const notAnUpload = `http://localhost:${new URL(server.baseUrl).port}/uploads/${'A'.repeat(32)}.mp3`;
    const id = await client.submit('lipsync-image', { image, audio: notAnUpload });
    const job = await waitFor('the job to fail', async () => {
      const current = await client.job(id);
      return current.status === 'processing' ? undefined : current;
    }, 120_000, 200);
    assert.equal(job.status, 'failed');
    assert.match(String(job.error), /formState\.audio/);
  });
});
