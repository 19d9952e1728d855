import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import {
  AuthenticationError,
  InvalidRequestError,
  JobWaitTimeoutError,
  MouthpieceApiError,
  MouthpieceClient,
  MouthpieceConnectionError,
  NotFoundError,
  type JobObject as ClientJobObject,
} from '../../src/client/index.js';
import type { JobObject as ServerJobObject } from '../../src/jobs/index.js';
import { AUDIO, IMAGE } from '../api/test-app.js';
import { freePort } from '../e2e/harness.js';
import { finishJob, startWebhookBed, type WebhookBed } from '../jobs/webhooks/harness.js';

// Compile-time: the SDK's job object and the server's are the same type (npm run typecheck).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const jobObjectsAgree: Same<ServerJobObject, ClientJobObject> = true;

const FORM = { image: IMAGE, audio: AUDIO };
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the SDK (mouthpiece/client) against a real server', () => {
  let bed: WebhookBed;
  before(async () => {
    bed = await startWebhookBed();
  });
  after(() => bed.close());

  test('lipsyncImage submits and answers the contract response; getJob reads the job object', async () => {
    const submitted = await bed.client.lipsyncImage({ ...FORM, resolution: '720p', seed: 42 });
    assert.deepEqual(Object.keys(submitted), ['id', 'status']);
    assert.equal(submitted.status, 'processing');
    const job = await bed.client.getJob(submitted.id);
    assert.equal(job.id, submitted.id);
    assert.equal(job.model, 'lipsync-image');
    assert.deepEqual(job.input, { ...FORM, resolution: '720p', seed: 42 });
    assert.ok(jobObjectsAgree);
  });

  test('lipsyncVideo and lipsyncImageMulti reach their endpoints', async () => {
    const video = await bed.client.lipsyncVideo({ video: 'https://media.example.com/v.mp4', audio: AUDIO, sync_mode: 'loop' });
    assert.equal((await bed.client.getJob(video.id)).model, 'lipsync-video');
    const multi = await bed.client.lipsyncImageMulti({ image: IMAGE, left_audio: AUDIO, right_audio: AUDIO, order: 'left_right' });
    assert.equal((await bed.client.getJob(multi.id)).model, 'lipsync-image-multi');
  });

  test('API errors are typed and carry the contract error body and the request id', async () => {
    const invalid = await bed.client.lipsyncImage({ image: IMAGE } as never).then(() => null, (e: unknown) => e);
    assert.ok(invalid instanceof InvalidRequestError && invalid instanceof MouthpieceApiError);
    assert.equal(invalid.status, 400);
    assert.deepEqual(invalid.body, { error: { code: 'invalid_request', message: 'formState.audio is required', field: 'formState.audio' } });
    assert.equal(invalid.field, 'formState.audio');
    assert.match(String(invalid.requestId), /^[0-9a-f-]{36}$/);

    const badKey = new MouthpieceClient({ baseUrl: bed.baseUrl, apiKey: 'sk_nope' });
    await assert.rejects(badKey.getJob('00000000-0000-4000-8000-000000000000'), (e) => e instanceof AuthenticationError && e.code === 'unauthorized');
    await assert.rejects(bed.client.getJob('00000000-0000-4000-8000-000000000000'), (e) => e instanceof NotFoundError && e.status === 404);
  });

  test('another account cannot read, cancel or wait for my job', async () => {
    const { id } = await bed.client.lipsyncImage(FORM);
    await assert.rejects(bed.clientB.getJob(id), NotFoundError);
    await assert.rejects(bed.clientB.cancelJob(id), NotFoundError);
    await assert.rejects(bed.clientB.waitForJob(id, { pollIntervalMs: 10 }), NotFoundError);
  });

  test('listJobs pages newest first and filters by status; cancelJob cancels', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await bed.client.lipsyncImage(FORM)).id);
    const canceled = await bed.client.cancelJob(ids[1]);
    assert.equal(canceled.status, 'canceled');
    const first = await bed.client.listJobs({ limit: 2 });
    assert.deepEqual(first.data.map((j) => j.id), [ids[2], ids[1]]);
    assert.ok(first.nextCursor);
    const second = await bed.client.listJobs({ limit: 2, cursor: first.nextCursor! });
    assert.equal(second.data[0].id, ids[0]);
    const onlyCanceled = await bed.client.listJobs({ status: 'canceled', createdAfter: new Date(Date.now() - 60_000) });
    assert.ok(onlyCanceled.data.some((j) => j.id === ids[1]));
    assert.ok(onlyCanceled.data.every((j) => j.status === 'canceled'));
  });

  test('waitForJob polls until the job finishes and answers it', async () => {
    const { id } = await bed.client.lipsyncImage(FORM);
    const polled: string[] = [];
    const waiting = bed.client.waitForJob(id, { pollIntervalMs: 10, onPoll: (job) => polled.push(job.status) });
    await finishJob(bed.t.temp.store, id, 'completed');
    const job = await waiting;
    assert.equal(job.status, 'completed');
    assert.match(String(job.output), /\.mp4$/);
    assert.ok(polled.every((status) => status === 'processing'));
  });

  test('waitForJob answers failed jobs too (the caller checks status)', async () => {
    const { id } = await bed.client.lipsyncImage(FORM);
    await finishJob(bed.t.temp.store, id, 'failed');
    const job = await bed.client.waitForJob(id);
    assert.deepEqual([job.status, job.error], ['failed', 'No face found in image']);
  });

  test('waitForJob stops when its AbortSignal aborts, with the signal’s reason', async () => {
    const { id } = await bed.client.lipsyncImage(FORM);
    const controller = new AbortController();
    const reason = new Error('user went away');
    const waiting = bed.client.waitForJob(id, { pollIntervalMs: 10, signal: controller.signal, onPoll: () => controller.abort(reason) });
    await assert.rejects(waiting, (e) => e === reason);
    await finishJob(bed.t.temp.store, id, 'failed');
  });

  test('waitForJob gives up after timeoutMs with JobWaitTimeoutError', async () => {
    const { id } = await bed.client.lipsyncImage(FORM);
    await assert.rejects(bed.client.waitForJob(id, { pollIntervalMs: 20, timeoutMs: 100 }), JobWaitTimeoutError);
    await finishJob(bed.t.temp.store, id, 'failed');
  });

  test('waitForJob rides out network errors and 5xx answers between polls', async () => {
    const { id } = await bed.client.lipsyncImage(FORM);
    await finishJob(bed.t.temp.store, id, 'completed');
    let calls = 0;
    const flaky: typeof fetch = async (input, init) => {
      calls++;
      if (calls === 1) throw new TypeError('fetch failed');
      if (calls === 2) return new Response('{"error":{"code":"internal_error","message":"Internal server error","field":null}}', { status: 503 });
      return fetch(input, init);
    };
    const client = new MouthpieceClient({ baseUrl: `${bed.baseUrl}/api/v1/`, apiKey: bed.t.keyA, fetch: flaky });
    assert.equal((await client.waitForJob(id, { pollIntervalMs: 5 })).status, 'completed');
    assert.equal(calls, 3);
  });

  test('an unreachable server is a MouthpieceConnectionError naming the URL', async () => {
    const client = new MouthpieceClient({ baseUrl: `http://127.0.0.1:${await freePort()}`, apiKey: bed.t.keyA });
    await assert.rejects(client.getJob('x'), (e) => e instanceof MouthpieceConnectionError && /GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/jobs\/x failed/.test(e.message));
  });
});

describe('the SDK as a package', () => {
  test('depends on nothing but fetch and Web Crypto: every import is another client file', () => {
    const dir = new URL('../../src/client/', import.meta.url);
    for (const file of readdirSync(dir)) {
      const source = readFileSync(new URL(file, dir), 'utf8');
      const imports = [...source.matchAll(/(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]);
      for (const specifier of imports) assert.match(specifier, /^\.\/[a-z-]+\.js$/, `${file} imports ${specifier}`);
    }
  });

  test('is exported as mouthpiece/client, compiled with its type declarations', { skip: !existsSync(`${REPO_ROOT}dist/src/client/index.js`) && 'not built (npm run build)' }, async () => {
    const require = createRequire(`${REPO_ROOT}package.json`);
    const resolved = require.resolve('mouthpiece/client');
    assert.equal(resolved, `${REPO_ROOT}dist/src/client/index.js`);
    assert.ok(existsSync(`${REPO_ROOT}dist/src/client/index.d.ts`));
    const sdk = (await import('mouthpiece/client' as string)) as typeof import('../../src/client/index.js');
    assert.equal(typeof sdk.MouthpieceClient, 'function');
    assert.equal(typeof sdk.verifyWebhook, 'function');
  });
});
