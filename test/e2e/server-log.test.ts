// The server's log on stdout is written in batches (src/main.ts, bufferedStdout): a line still
// shows up within a moment on a quiet server, and nothing buffered is lost when it stops.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, waitFor } from './harness.js';

const logLines = (stdout: string) =>
  stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);

describe('the server log', { timeout: 120_000 }, () => {
  test('a request’s access line appears without more traffic, and the last lines are written at shutdown', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mouthpiece-log-'));
    const server = await startServer({ MOUTHPIECE_DATA_DIR: dataDir, MOUTHPIECE_WORKERS: '0', LOG_LEVEL: 'info' });
    try {
      const response = await fetch(`${server.baseUrl}/api/v1/jobs/00000000-0000-4000-8000-000000000000`);
      assert.equal(response.status, 401);
      const requestId = response.headers.get('x-request-id');
      // Far less than the 4 KiB batch: only the periodic flush can write it.
      const line = await waitFor('the access line', async () =>
        logLines(server.stdout()).find((l) => l.reqId === requestId && l.msg === 'request completed'), 5_000, 50);
      assert.equal(line.status, 401);

      assert.equal(await server.stop(), 0);
      const messages = logLines(server.stdout()).map((l) => l.msg);
      assert.deepEqual(messages.slice(-2), ['shutting down', 'stopped'], server.output());
    } finally {
      await server.kill();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
