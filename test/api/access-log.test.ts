import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { AccessLog } from '../../src/api/access-log.js';
import { requestIdFor } from '../../src/api/request-id.js';
import { waitFor } from '../store/temp-store.js';

/** The request's lines once its access line is written (on the response's 'finish'). */
function linesOf(lines: Record<string, unknown>[], reqId: string): Promise<Record<string, unknown>[]> {
  return waitFor(`the access line of ${reqId}`, () => {
    const own = lines.filter((line) => line.reqId === reqId);
    return own.some((line) => line.msg === 'request completed') ? own : undefined;
  });
}

/** A server logging as src/server.ts does, its log lines kept in `lines`. */
async function startServer(level: string): Promise<{ app: FastifyInstance; baseUrl: string; lines: Record<string, unknown>[] }> {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  const app = Fastify({ loggerInstance: pino({ level }, sink) as FastifyBaseLogger, genReqId: requestIdFor, logController: new AccessLog() });
  app.get('/jobs/:id', async (request, reply) => (request.params as { id: string }).id === 'gone' ? reply.code(404).send({}) : { ok: true });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, baseUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, lines };
}

describe('access log', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  before(async () => {
    server = await startServer('info');
  });
  after(() => server.app.close());

  test('one line per request at info: method, url, status, response time and the request id', async () => {
    await fetch(`${server.baseUrl}/jobs/42?verbose=1`, { headers: { 'x-request-id': 'req-one' } });
    await fetch(`${server.baseUrl}/jobs/gone`, { headers: { 'x-request-id': 'req-two' } });

    const first = await linesOf(server.lines, 'req-one');
    assert.equal(first.length, 1);
    const { time, pid, hostname, responseTime, ...rest } = first[0];
    assert.deepEqual(rest, { level: 30, reqId: 'req-one', method: 'GET', url: '/jobs/42?verbose=1', status: 200, msg: 'request completed' });
    assert.equal(typeof responseTime, 'number');
    assert.ok((responseTime as number) >= 0);

    const second = await linesOf(server.lines, 'req-two');
    assert.deepEqual(second.map((line) => [line.status, line.msg]), [[404, 'request completed']]);
  });

  test('at debug, the arrival of each request is logged too, with its request id', async () => {
    const debug = await startServer('debug');
    after(() => debug.app.close());
    await fetch(`${debug.baseUrl}/jobs/7`, { headers: { 'x-request-id': 'req-debug' } });
    assert.deepEqual(
      (await linesOf(debug.lines, 'req-debug')).map((line) => line.msg),
      ['incoming request', 'request completed'],
    );
  });
});
