import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { InvalidRequestError } from '../../../src/client/index.js';
import { systemResolver, type ResolvedAddress } from '../../../src/engine/media/address-guard.js';
import { AUDIO, IMAGE } from '../../api/test-app.js';
import { waitFor } from '../../store/temp-store.js';
import { finishJob, startWebhookBed, type WebhookBed } from './harness.js';

const FORM = { image: IMAGE, audio: AUDIO };

/** Names the tests' resolver answers without any DNS server. */
const FAKE_DNS: Record<string, ResolvedAddress[]> = {
  'internal.example.test': [{ address: '10.0.0.7', family: 4 }],
  'metadata.example.test': [{ address: '169.254.169.254', family: 4 }],
  // One public and one loopback answer: an attacker's rebinding setup. Any blocked answer refuses.
  'mixed.example.test': [{ address: '93.184.216.34', family: 4 }, { address: '127.0.0.1', family: 4 }],
};

describe('webhook URLs when private addresses are not allowed (SSRF)', () => {
  let bed: WebhookBed;
  let tcp: Server;
  let connections = 0;
  before(async () => {
    bed = await startWebhookBed({ allowPrivateUrls: false });
    bed.startDispatcher({
      allowPrivateUrls: false,
      resolveHost: async (host) => FAKE_DNS[host] ?? systemResolver(host),
    });
    // Counts connections: a refused webhook must not even connect.
    tcp = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    tcp.listen(0, '127.0.0.1');
    await once(tcp, 'listening');
  });
  after(async () => {
    await bed.close();
    tcp.close();
  });

  test('a literal private, loopback or metadata address is refused at submit with a 400 naming webhook', async () => {
    const refused = [
      ['https://127.0.0.1/hook', /127\.0\.0\.1, a loopback address/],
      ['https://[::1]/hook', /::1, a loopback address/],
      ['https://10.1.2.3/hook', /10\.1\.2\.3, a private network address/],
      ['https://169.254.169.254/latest/meta-data/', /169\.254\.169\.254, a cloud metadata address/],
      ['https://[::ffff:127.0.0.1]/hook', /a loopback address/],
      ['https://192.168.0.10:8443/hook', /a private network address/],
    ] as const;
    for (const [webhook, reason] of refused) {
      const error = await bed.client.lipsyncImage(FORM, { webhook }).then(() => null, (e: unknown) => e);
      assert.ok(error instanceof InvalidRequestError, `${webhook} was accepted`);
      assert.equal(error.status, 400);
      assert.equal(error.field, 'webhook');
      assert.match(error.message, reason);
      assert.match(error.message, /webhook URLs must be public$/);
    }
  });

  test('a plain http webhook is refused at submit', async () => {
    const error = await bed.client.lipsyncImage(FORM, { webhook: 'http://hooks.example.com/x' }).then(() => null, (e: unknown) => e);
    assert.ok(error instanceof InvalidRequestError);
    assert.deepEqual([error.field, error.message], ['webhook', 'webhook must be an https URL']);
  });

  test('a host name that resolves to a blocked address is refused at delivery, after DNS, without connecting', async () => {
    const { port } = tcp.address() as AddressInfo;
    const cases = [
      [`https://localhost:${port}/hook`, /^webhook points to localhost \((127\.0\.0\.1|::1)\), a loopback address; webhook URLs must be public$/],
      ['https://internal.example.test/hook', /internal\.example\.test \(10\.0\.0\.7\), a private network address/],
      ['https://metadata.example.test/latest', /metadata\.example\.test \(169\.254\.169\.254\), a cloud metadata address/],
      ['https://mixed.example.test/hook', /mixed\.example\.test \(127\.0\.0\.1\), a loopback address/],
    ] as const;
    for (const [webhook, reason] of cases) {
      const { id } = await bed.client.lipsyncImage(FORM, { webhook });
      await finishJob(bed.t.temp.store, id, 'failed');
      const report = await waitFor(`the delivery to ${webhook} to end`, async () => {
        const r = await bed.client.getDeliveries(id);
        return r.state === 'failed' ? r : undefined;
      });
      assert.equal(report.attempts.length, 1, 'refused once, not retried: retrying cannot make the address public');
      assert.equal(report.attempts[0].statusCode, null);
      assert.match(report.attempts[0].error, reason);
    }
    assert.equal(connections, 0, 'no connection was ever opened');
  });
});
