import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../api/test-app.js';

describe('unknown addresses', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('a browser gets a 404 page in its language', async () => {
    const response = await t.app.inject({ url: '/no-such-page', headers: { accept: 'text/html', 'accept-language': 'it-IT,it;q=0.9' } });
    assert.equal(response.statusCode, 404);
    assert.match(String(response.headers['content-type']), /^text\/html/);
    assert.match(response.body, /<html lang="it"/);
  });

  test('API clients keep the contract\'s JSON error, under /api/ even when they accept HTML', async () => {
    for (const [url, accept] of [['/no-such-page', 'application/json'], ['/api/v1/no-such-route', 'text/html']]) {
      const response = await t.app.inject({ url, headers: { accept } });
      assert.equal(response.statusCode, 404);
      assert.equal(response.json().error.code, 'not_found');
    }
  });
});
