// Parts of the webhook tests: the real API listening on loopback over a temp SQLite store, the
// SDK talking to it, a webhook dispatcher with a fast retry schedule, jobs settled through the
// store (no rendering needed to finish a job), and HTTP receivers that record what arrives.
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { MouthpieceClient } from '../../../src/client/index.js';
import {
  WebhookDeliveryService,
  WebhookDispatcher,
  WebhookSecretService,
  type WebhookDispatcherOptions,
} from '../../../src/jobs/webhooks/index.js';
import type { Store } from '../../../src/store/index.js';
import { PUBLIC_URL, startTestApp, type TestApp } from '../../api/test-app.js';

/** The ten attempts, with every delay shrunk to 30 ms. */
export const FAST_SCHEDULE = [0, 30, 30, 30, 30, 30, 30, 30, 30, 30];

export type DispatcherOverrides = Partial<Omit<WebhookDispatcherOptions, 'store' | 'deliveries' | 'secrets' | 'logger'>>;

export interface WebhookBed {
  t: TestApp;
  baseUrl: string;
  /** SDK clients of account A and account B. */
  client: MouthpieceClient;
  clientB: MouthpieceClient;
  /** Starts a dispatcher on the bed's store (stopped by close()). */
  startDispatcher(overrides?: DispatcherOverrides): WebhookDispatcher;
  close(): Promise<void>;
}

export async function startWebhookBed(options: { allowPrivateUrls?: boolean } = {}): Promise<WebhookBed> {
  const allowPrivateUrls = options.allowPrivateUrls ?? true;
  const t = await startTestApp({ allowPrivateUrls });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const dispatchers: WebhookDispatcher[] = [];
  return {
    t,
    baseUrl,
    client: new MouthpieceClient({ baseUrl, apiKey: t.keyA }),
    clientB: new MouthpieceClient({ baseUrl, apiKey: t.keyB }),
    startDispatcher(overrides = {}) {
      const dispatcher = newDispatcher(t.temp.store, { allowPrivateUrls, ...overrides });
      dispatcher.start();
      dispatchers.push(dispatcher);
      return dispatcher;
    },
    async close() {
      await Promise.all(dispatchers.map((d) => d.stop()));
      await t.close();
    },
  };
}

/** A dispatcher as the server builds one, with test timings unless overridden. */
export function newDispatcher(store: Store, overrides: DispatcherOverrides = {}): WebhookDispatcher {
  return new WebhookDispatcher({
    store,
    deliveries: new WebhookDeliveryService(store, PUBLIC_URL),
    secrets: new WebhookSecretService(store.webhookSecrets),
    allowPrivateUrls: true,
    logger: pino({ level: 'silent' }),
    retrySchedule: FAST_SCHEDULE,
    jitter: (ms) => ms,
    pollMs: 20,
    timeoutMs: 2_000,
    ...overrides,
  });
}

/** Ends a processing job as a render would: completed with an output, or failed with an error. */
export async function finishJob(store: Store, id: string, how: 'completed' | 'failed'): Promise<void> {
  const now = Date.now();
  if (how === 'failed') {
    const failed = await store.jobs.fail(id, null, { error: 'No face found in image', timings: { fetch: 5 }, completedAt: now });
    if (!failed) throw new Error(`job ${id} was not processing`);
    return;
  }
  // Other queued jobs may be older: claim until this one is ours, then hand the others back.
  const others: string[] = [];
  for (;;) {
    const claimed = await store.jobs.claimNext('test-renderer', 60_000);
    if (!claimed) throw new Error(`job ${id} was not claimable`);
    if (claimed.id !== id) {
      others.push(claimed.id);
      continue;
    }
    const outputFile = `${id}-${claimed.outputToken}.mp4`;
    await store.jobs.complete(id, 'test-renderer', { outputFile, timings: { fetch: 5, render: 40 }, executionMs: 45, completedAt: now });
    break;
  }
  for (const other of others) await store.jobs.release(other, 'test-renderer');
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: Buffer;
  receivedAt: number;
}

/** What a receiver answers to its n-th request (1-based); 'hang' never answers. */
export type ReceiverReply = { status: number; headers?: Record<string, string> } | 'hang';

export interface Receiver {
  url: string;
  received: ReceivedWebhook[];
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 that records every request and answers as `reply` says. */
export async function startReceiver(reply: (n: number) => ReceiverReply = () => ({ status: 200 }), path = '/hook'): Promise<Receiver> {
  const received: ReceivedWebhook[] = [];
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    received.push({ headers: request.headers, body: Buffer.concat(chunks), receivedAt: Date.now() });
    const answer = reply(received.length);
    if (answer === 'hang') return;
    response.writeHead(answer.status, answer.headers ?? {}).end('{"ok":true}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
