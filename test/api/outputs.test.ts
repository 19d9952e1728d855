import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { outputFileName, outputsDir } from '../../src/jobs/index.js';
import { startTestApp, type TestApp } from './test-app.js';

describe('GET /outputs/<jobId>-<token>.mp4', () => {
  let t: TestApp;
  let name: string;
  const bytes = randomBytes(10_000);
  before(async () => {
    t = await startTestApp();
    name = outputFileName(randomUUID(), randomBytes(24).toString('base64url'));
    mkdirSync(outputsDir(t.temp.dataDir), { recursive: true });
    writeFileSync(join(outputsDir(t.temp.dataDir), name), bytes);
  });
  after(() => t.close());

  test('serves the whole file as video/mp4 without an API key, advertising byte ranges', async () => {
    const response = await t.app.inject({ method: 'GET', url: `/outputs/${name}` });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'video/mp4');
    assert.equal(response.headers['accept-ranges'], 'bytes');
    assert.equal(Number(response.headers['content-length']), bytes.length);
    assert.ok(response.rawPayload.equals(bytes));
  });

  test('a Range request answers 206 with exactly those bytes and a Content-Range', async () => {
    const response = await t.app.inject({ method: 'GET', url: `/outputs/${name}`, headers: { range: 'bytes=100-1099' } });
    assert.equal(response.statusCode, 206);
    assert.equal(response.headers['content-range'], `bytes 100-1099/${bytes.length}`);
    assert.equal(response.headers['content-type'], 'video/mp4');
    assert.ok(response.rawPayload.equals(bytes.subarray(100, 1100)));

    const tail = await t.app.inject({ method: 'GET', url: `/outputs/${name}`, headers: { range: 'bytes=-16' } });
    assert.equal(tail.statusCode, 206);
    assert.ok(tail.rawPayload.equals(bytes.subarray(bytes.length - 16)));
  });

  test('an unsatisfiable range is 416', async () => {
    const response = await t.app.inject({ method: 'GET', url: `/outputs/${name}`, headers: { range: 'bytes=20000-30000' } });
    assert.equal(response.statusCode, 416);
  });

  test('unknown tokens, other names and path tricks are 404 in the error shape', async () => {
    const wrongToken = outputFileName(name.slice(0, 36), randomBytes(24).toString('base64url'));
    for (const url of [`/outputs/${wrongToken}`, '/outputs/mouthpiece.db', '/outputs/..%2Fmouthpiece.db', '/outputs/']) {
      const response = await t.app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 404, url);
      assert.equal(response.json().error.code, 'not_found', url);
    }
  });
});
