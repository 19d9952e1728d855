import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { get, startTestApp, type TestApp } from './test-app.js';

describe('OpenAPI document and reference page', () => {
  let t: TestApp;
  let doc: Record<string, any>;
  before(async () => {
    t = await startTestApp();
    const response = await get(t, '/api/v1/openapi.json', null);
    assert.equal(response.statusCode, 200);
    doc = response.json();
  });
  after(() => t.close());

  test('is OpenAPI 3.1, served without a key, and lists every endpoint', async () => {
    assert.equal(doc.openapi, '3.1.0');
    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    for (const op of [
      'POST /api/v1/lipsync-image',
      'POST /api/v1/lipsync-video',
      'POST /api/v1/lipsync-image-multi',
      'GET /api/v1/jobs/{id}',
      'GET /api/v1/jobs',
      'POST /api/v1/jobs/{id}/cancel',
      'DELETE /api/v1/jobs/{id}',
      'POST /api/v1/estimate',
      'GET /api/v1/account',
    ]) {
      assert.ok(operations.includes(op), `${op} is documented`);
    }
    assert.ok(!operations.some((op) => op.includes('openapi.json') || op.includes('/docs')), 'the docs do not document themselves');
  });

  test('comes from the validation schemas: fields, enums, ranges and unknown-field rejection', () => {
    const form = doc.paths['/api/v1/lipsync-image'].post.requestBody.content['application/json'].schema.properties.formState;
    assert.deepEqual(form.required, ['image', 'audio']);
    assert.equal(form.additionalProperties, false);
    assert.deepEqual(form.properties.resolution.enum, ['480p', '720p']);
    assert.equal(form.properties.seed.minimum, -1);
    assert.equal(form.properties.seed.maximum, 2147483647);
    const multi = doc.paths['/api/v1/lipsync-image-multi'].post.requestBody.content['application/json'].schema.properties.formState;
    assert.deepEqual(multi.properties.order.enum, ['meanwhile', 'left_right', 'right_left']);
  });

  test('documents the extensions sync_mode and on_no_face, the Idempotency-Key header and the job extensions', () => {
    const video = doc.paths['/api/v1/lipsync-video'].post;
    const form = video.requestBody.content['application/json'].schema.properties.formState.properties;
    assert.deepEqual(form.sync_mode.enum, ['bounce', 'loop', 'cut_off', 'silence']);
    assert.match(form.sync_mode.description, /^Extension/);
    assert.deepEqual(form.on_no_face.enum, ['passthrough', 'fail']);
    assert.match(form.on_no_face.description, /^Extension/);
    assert.ok(video.parameters.some((p: { in: string; name: string }) => p.in === 'header' && p.name === 'idempotency-key'));
    const job = doc.paths['/api/v1/jobs/{id}'].get.responses['200'].content['application/json'].schema;
    for (const field of ['progress', 'stage', 'credits', 'outputDeleted', 'seed', 'input']) assert.ok(job.properties[field], field);
  });

  test('documents the error shape on every error status and the Bearer key', () => {
    const error = doc.paths['/api/v1/lipsync-image'].post.responses['400'].content['application/json'].schema;
    assert.deepEqual(Object.keys(error.properties.error.properties), ['code', 'message', 'field']);
    for (const status of ['401', '402', '413', '422', '429']) assert.ok(doc.paths['/api/v1/lipsync-image'].post.responses[status], status);
    assert.ok(doc.components.schemas.Error);
    assert.deepEqual(doc.components.securitySchemes.apiKey, { type: 'http', scheme: 'bearer', description: 'sk_<keyId>_<secret>' });
    assert.deepEqual(doc.paths['/api/v1/jobs'].get.security, [{ apiKey: [] }]);
    assert.equal(doc.paths['/healthz'].get.security, undefined);
    assert.match(doc.info.description, /"error": \{"code"/);
  });

  test('/docs is a reference page whose every asset comes from this server, under a self-only CSP', async () => {
    const page = await get(t, '/docs/', null);
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
    assert.doesNotMatch(String(page.headers['content-security-policy']), /https?:/);
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(assets.length >= 5);
    for (const asset of assets) {
      assert.doesNotMatch(asset, /^(https?:)?\/\//, `${asset} is same-origin`);
      const response = await get(t, `/docs/${asset.replace(/^\.\//, '')}`, null);
      assert.equal(response.statusCode, 200, asset);
    }
    const initializer = await get(t, '/docs/static/swagger-initializer.js', null);
    assert.match(initializer.body, /validatorUrl: null/, 'no online validator badge');
  });
});
