// Webhook retries live in the database, not in the server's memory: a server killed with
// SIGKILL between two attempts is replaced by a new one that makes the next attempt on schedule,
// with the same webhook-id and body.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MouthpieceClient } from '../../src/client/index.js';
import { startReceiver } from '../jobs/webhooks/harness.js';
import { startMediaServer, startServer, waitFor, type RunningServer } from './harness.js';

describe('webhook retries across a crash', { timeout: 300_000 }, () => {
  test('a server killed after a failed attempt is followed by one that delivers on schedule, same webhook-id', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mouthpiece-webhook-restart-'));
    const media = await startMediaServer({});
    const receiver = await startReceiver((n) => ({ status: n === 1 ? 500 : 200 }));
    const env = { MOUTHPIECE_DATA_DIR: dataDir, MOUTHPIECE_ALLOW_PRIVATE_URLS: '1', MOUTHPIECE_WORKERS: '1' };
    let first: RunningServer | undefined;
    let second: RunningServer | undefined;
    try {
      first = await startServer(env);
      const key = first.stdout().split('\n').find((line) => line.startsWith('sk_'))!;
      const before = new MouthpieceClient({ baseUrl: first.baseUrl, apiKey: key });
      // The image is a 404: the job fails within a second, which is all a webhook needs.
      const { id } = await before.lipsyncImage({ image: `${media.baseUrl}/missing.jpg`, audio: `${media.baseUrl}/missing.mp3` }, { webhook: receiver.url });
      await waitFor('the first attempt to be recorded', async () => {
        const report = await before.getDeliveries(id);
        return report.attempts.length === 1 ? report : undefined;
      }, 120_000, 50);
      await first.kill();

      second = await startServer(env);
      const after = new MouthpieceClient({ baseUrl: second.baseUrl, apiKey: key });
      const report = await waitFor('the retry from the new server', async () => {
        const r = await after.getDeliveries(id);
        return r.state === 'delivered' ? r : undefined;
      }, 60_000, 100);

      assert.deepEqual(report.attempts.map((a) => a.statusCode), [500, 200]);
      assert.equal(receiver.received.length, 2);
      const [a, b] = receiver.received;
      assert.equal(b.headers['webhook-id'], a.headers['webhook-id']);
      assert.ok(b.body.equals(a.body), 'the same body');
      assert.equal(JSON.parse(b.body.toString()).status, 'failed');
      // The schedule's second delay is 5 s (±20 % jitter), counted from the first attempt.
      assert.ok(b.receivedAt - a.receivedAt >= 4_000, `retried after ${b.receivedAt - a.receivedAt} ms`);
    } finally {
      await first?.kill();
      if (second) assert.equal(await second.stop(), 0);
      await receiver.close();
      await media.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
