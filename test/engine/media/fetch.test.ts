import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BlockedAddressError, FetchError, InvalidMediaError } from '../../../src/engine/errors.js';
import { DEFAULT_LIMITS, type EngineLimits } from '../../../src/engine/types.js';
import { fetchMedia, type HostResolver } from '../../../src/engine/media/index.js';
import { makeTempDir } from './media-fixtures.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface TestServer {
  origin: string;
  port: number;
  /** Requests received, by path. */
  hits: Map<string, number>;
}

async function startServer(t: TestContext, routes: Record<string, Handler>, host = '127.0.0.1', port = 0): Promise<TestServer> {
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    (routes[path] ?? ((_, r) => r.writeHead(404).end('not found')))(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  t.after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  const bound = (server.address() as AddressInfo).port;
  return { origin: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`, port: bound, hits };
}

const VOICE = Buffer.from('ID3 pretend this is an mp3 '.repeat(1000));

const limits = (overrides: Partial<EngineLimits> = {}): EngineLimits => ({
  ...DEFAULT_LIMITS,
  allowPrivateUrls: true,
  fetchTimeoutMs: 5000,
  ...overrides,
});

function mediaRoutes(): Record<string, Handler> {
  return {
    '/voice.mp3': (_, res) => res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': VOICE.length }).end(VOICE),
    '/no-extension': (_, res) => res.writeHead(200, { 'content-type': 'audio/mpeg' }).end(VOICE),
    '/empty.mp3': (_, res) => res.writeHead(200, { 'content-length': 0 }).end(),
    '/missing.mp3': (_, res) => res.writeHead(404).end('nope'),
    '/broken.mp3': (_, res) => res.writeHead(500).end('oops'),
    '/declared-huge.mp3': (_, res) => res.writeHead(200, { 'content-length': 10_000_000 }).end(),
    '/streams-too-much.mp3': (_, res) => {
      // No Content-Length: the size only shows while streaming.
      res.writeHead(200, { 'content-type': 'audio/mpeg' });
      for (let i = 0; i < 50; i += 1) res.write(Buffer.alloc(16 * 1024, i));
      res.end();
    },
    '/stalls.mp3': (_, res) => {
      res.writeHead(200, { 'content-length': VOICE.length });
      res.write(VOICE.subarray(0, 100)); // and never the rest
    },
    '/hop1': (_, res) => res.writeHead(302, { location: '/hop2' }).end(),
    '/hop2': (_, res) => res.writeHead(301, { location: '/voice.mp3' }).end(),
    '/loop': (_, res) => res.writeHead(302, { location: '/loop' }).end(),
    '/to-file': (_, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end(),
  };
}

/** No file, finished or partial, left in `dir`. */
async function assertNoFiles(dir: string): Promise<void> {
  assert.deepEqual(await readdir(dir), []);
}

describe('fetchMedia from a local path', () => {
  test('returns the path of a non-empty file unchanged', async (t) => {
    const dir = await makeTempDir(t);
    const path = join(dir, 'voice.wav');
    await writeFile(path, 'RIFF');
    assert.equal(await fetchMedia({ path }, { destDir: dir, field: 'formState.audio', limits: limits() }), path);
  });

  test('refuses an empty file, naming the field', async (t) => {
    const dir = await makeTempDir(t);
    const path = join(dir, 'voice.wav');
    await writeFile(path, '');
    await assert.rejects(fetchMedia({ path }, { destDir: dir, field: 'formState.audio', limits: limits() }), {
      name: 'InvalidMediaError',
      message: 'The audio file at formState.audio is empty',
    });
  });

  test('refuses a path that does not exist', async (t) => {
    const dir = await makeTempDir(t);
    await assert.rejects(
      fetchMedia({ path: join(dir, 'nothing.png') }, { destDir: dir, field: 'formState.image', limits: limits() }),
      InvalidMediaError,
    );
  });
});

describe('fetchMedia over HTTP', () => {
  test('downloads the body into destDir, named after the field and the URL', async (t) => {
    const server = await startServer(t, mediaRoutes());
    const dir = await makeTempDir(t);
    const path = await fetchMedia({ url: `${server.origin}/voice.mp3` }, { destDir: dir, field: 'formState.audio', limits: limits() });
    assert.equal(path, join(dir, 'formState.audio.mp3'));
    assert.deepEqual(await readFile(path), VOICE);
    assert.deepEqual(await readdir(dir), ['formState.audio.mp3']);
  });

  test('takes the file suffix from Content-Type when the URL has none', async (t) => {
    const server = await startServer(t, mediaRoutes());
    const dir = await makeTempDir(t);
    const path = await fetchMedia({ url: `${server.origin}/no-extension` }, { destDir: dir, field: 'formState.left_audio', limits: limits() });
    assert.equal(path, join(dir, 'formState.left_audio.mp3'));
  });

  test('follows redirects', async (t) => {
    const server = await startServer(t, mediaRoutes());
    const dir = await makeTempDir(t);
    const path = await fetchMedia({ url: `${server.origin}/hop1` }, { destDir: dir, field: 'formState.audio', limits: limits() });
    assert.deepEqual(await readFile(path), VOICE);
  });

  test('gives up after 5 redirects', async (t) => {
    const server = await startServer(t, mediaRoutes());
    const dir = await makeTempDir(t);
    await assert.rejects(fetchMedia({ url: `${server.origin}/loop` }, { destDir: dir, field: 'formState.audio', limits: limits() }), {
      name: 'FetchError',
      message: /more than 5 redirects/,
    });
    assert.equal(server.hits.get('/loop'), 6);
    await assertNoFiles(dir);
  });

  test('names the HTTP status of a failed answer', async (t) => {
    const server = await startServer(t, mediaRoutes());
    const dir = await makeTempDir(t);
    await assert.rejects(fetchMedia({ url: `${server.origin}/missing.mp3` }, { destDir: dir, field: 'formState.audio', limits: limits() }), {
      name: 'FetchError',
      message: 'Could not fetch formState.audio: the server answered HTTP 404',
    });
    await assert.rejects(fetchMedia({ url: `${server.origin}/broken.mp3` }, { destDir: dir, field: 'formState.audio', limits: limits() }), /HTTP 500/);
    await assertNoFiles(dir);
  });

  test('refuses an empty body as empty media', async (t) => {
    const server = await startServer(t, mediaRoutes());
    const dir = await makeTempDir(t);
    await assert.rejects(fetchMedia({ url: `${server.origin}/empty.mp3` }, { destDir: dir, field: 'formState.audio', limits: limits() }), {
      name: 'InvalidMediaError',
      message: 'The audio file at formState.audio is empty',
    });
    await assertNoFiles(dir);
  });

  test('refuses a download whose Content-Length is over the limit without reading it', async (t) => {
    const server = await startServer(t, mediaRoutes());
    const dir = await makeTempDir(t);
    await assert.rejects(
      fetchMedia({ url: `${server.origin}/declared-huge.mp3` }, { destDir: dir, field: 'formState.audio', limits: limits({ maxDownloadBytes: 1_000_000 }) }),
      { name: 'FetchError', message: /9\.5 MB, more than the 976\.6 KB limit/ },
    );
    await assertNoFiles(dir);
  });

  test('stops a download that streams past the limit and removes the partial file', async (t) => {
    const server = await startServer(t, mediaRoutes());
    const dir = await makeTempDir(t);
    await assert.rejects(
      fetchMedia({ url: `${server.origin}/streams-too-much.mp3` }, { destDir: dir, field: 'formState.audio', limits: limits({ maxDownloadBytes: 100_000 }) }),
      { name: 'FetchError', message: /more than the 97\.7 KB limit/ },
    );
    await assertNoFiles(dir);
  });

  test('times out a download that stalls and removes the partial file', async (t) => {
    const server = await startServer(t, mediaRoutes());
    const dir = await makeTempDir(t);
    await assert.rejects(
      fetchMedia({ url: `${server.origin}/stalls.mp3` }, { destDir: dir, field: 'formState.audio', limits: limits({ fetchTimeoutMs: 300 }) }),
      { name: 'FetchError', message: 'Could not fetch formState.audio: no complete answer within 0.3 s' },
    );
    await assertNoFiles(dir);
  });

  test('stops when the caller aborts', async (t) => {
    const server = await startServer(t, mediaRoutes());
    const dir = await makeTempDir(t);
    const controller = new AbortController();
    const pending = fetchMedia({ url: `${server.origin}/stalls.mp3` }, { destDir: dir, field: 'formState.audio', limits: limits(), signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, { name: 'AbortedError' });
    await assertNoFiles(dir);
  });

  test('fetches only http and https URLs', async (t) => {
    const dir = await makeTempDir(t);
    for (const url of ['file:///etc/passwd', 'ftp://example.com/a.mp3', 'gopher://127.0.0.1:6379/_INFO', 'not a url']) {
      await assert.rejects(fetchMedia({ url }, { destDir: dir, field: 'formState.audio', limits: limits() }), FetchError, url);
    }
  });

  test('refuses a redirect to a non-HTTP URL', async (t) => {
    const server = await startServer(t, mediaRoutes());
    const dir = await makeTempDir(t);
    await assert.rejects(fetchMedia({ url: `${server.origin}/to-file` }, { destDir: dir, field: 'formState.audio', limits: limits() }), {
      name: 'FetchError',
      message: 'formState.audio redirects to a file URL; only http and https are fetched',
    });
    await assertNoFiles(dir);
  });

  test('reports a refused connection as a fetch error', async (t) => {
    const dir = await makeTempDir(t);
    // A port nobody listens on: bind one, note it, close it.
    const spare = createServer();
    await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', resolve));
    const sparePort = (spare.address() as AddressInfo).port;
    await new Promise<void>((resolve) => spare.close(() => resolve()));
    await assert.rejects(
      fetchMedia({ url: `http://127.0.0.1:${sparePort}/x.mp3` }, { destDir: dir, field: 'formState.audio', limits: limits() }),
      { name: 'FetchError', message: /connection to 127\.0\.0\.1:\d+ was refused/ },
    );
  });
});

describe('fetchMedia SSRF guard', () => {
  const guarded = limits({ allowPrivateUrls: false, fetchTimeoutMs: 2000 });

  test('refuses loopback, private and metadata addresses before connecting', async (t) => {
    const server = await startServer(t, mediaRoutes());
    const dir = await makeTempDir(t);
    const cases: Array<[string, RegExp]> = [
      [`${server.origin}/voice.mp3`, /127\.0\.0\.1, a loopback address/],
      [`http://[::1]:${server.port}/voice.mp3`, /::1, a loopback address/],
      ['http://10.1.2.3/voice.mp3', /10\.1\.2\.3, a private network address/],
      ['http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254, a cloud metadata address/],
      ['http://[fd00:ec2::254]/latest/meta-data/', /a cloud metadata address/],
      ['http://[::ffff:127.0.0.1]/voice.mp3', /loopback/],
    ];
    for (const [url, message] of cases) {
      await assert.rejects(fetchMedia({ url }, { destDir: dir, field: 'formState.audio', limits: guarded }), (error: unknown) => {
        assert.ok(error instanceof BlockedAddressError, `${url}: ${String(error)}`);
        assert.match(error.message, message);
        assert.match(error.message, /^formState\.audio points to .*; media URLs must be public$/);
        return true;
      });
    }
    assert.equal(server.hits.size, 0, 'the guarded server must not have been contacted');
    await assertNoFiles(dir);
  });

  test('refuses a host name that resolves to loopback (localhost)', async (t) => {
    const server = await startServer(t, mediaRoutes());
    const dir = await makeTempDir(t);
    await assert.rejects(
      fetchMedia({ url: `http://localhost:${server.port}/voice.mp3` }, { destDir: dir, field: 'formState.audio', limits: guarded }),
      { name: 'BlockedAddressError', message: /formState\.audio points to localhost \((127\.0\.0\.1|::1)\), a loopback address/ },
    );
    assert.equal(server.hits.size, 0);
  });

  // The redirect case needs a first hop the guard accepts, and no public host is reachable here.
  // So the "public" host is a name resolved by an injected resolver to 127.0.0.2, which the
  // operator allow-list admits; the internal service listens on 127.0.0.1, which it does not.
  // The same setup with private URLs allowed proves the redirect itself works, so the refusal is
  // the guard's doing, not a broken redirect.
  async function redirectSetup(t: TestContext): Promise<{ internal: TestServer; url: string; resolveHost: HostResolver } | undefined> {
    const internal = await startServer(t, { '/secret': (_, res) => res.writeHead(200).end('internal secret') });
    let front: TestServer;
    try {
      front = await startServer(t, { '/voice.mp3': (_, res) => res.writeHead(302, { location: `${internal.origin}/secret` }).end() }, '127.0.0.2');
    } catch {
      t.skip('cannot listen on 127.0.0.2 on this machine');
      return undefined;
    }
    const resolveHost: HostResolver = async (hostname) => {
      assert.equal(hostname, 'cdn.media-example.com');
      return [{ address: '127.0.0.2', family: 4 }];
    };
    return { internal, url: `http://cdn.media-example.com:${front.port}/voice.mp3`, resolveHost };
  }

  test('refuses a public-looking URL that redirects to loopback', async (t) => {
    const setup = await redirectSetup(t);
    if (!setup) return;
    const dir = await makeTempDir(t);
    await assert.rejects(
      fetchMedia({ url: setup.url }, { destDir: dir, field: 'formState.audio', limits: guarded, allowAddresses: ['127.0.0.2'], resolveHost: setup.resolveHost }),
      { name: 'BlockedAddressError', message: /formState\.audio points to 127\.0\.0\.1, a loopback address/ },
    );
    assert.equal(setup.internal.hits.size, 0, 'the internal service must not have been contacted');
    await assertNoFiles(dir);
  });

  test('follows that same redirect when private URLs are allowed', async (t) => {
    const setup = await redirectSetup(t);
    if (!setup) return;
    const dir = await makeTempDir(t);
    const path = await fetchMedia({ url: setup.url }, { destDir: dir, field: 'formState.audio', limits: limits(), resolveHost: setup.resolveHost });
    assert.equal(await readFile(path, 'utf8'), 'internal secret');
  });

  test('connects to the address it checked, not to a later DNS answer (no rebinding)', async (t) => {
    let front: TestServer;
    try {
      front = await startServer(t, { '/voice.mp3': (_, res) => res.writeHead(200).end('public media') }, '127.0.0.2');
    } catch {
      t.skip('cannot listen on 127.0.0.2 on this machine');
      return;
    }
    // The internal service listens on the same port at 127.0.0.1, so a connection made with a
    // second DNS answer would reach it.
    let internal: TestServer;
    try {
      internal = await startServer(t, { '/voice.mp3': (_, res) => res.writeHead(200).end('internal secret') }, '127.0.0.1', front.port);
    } catch {
      t.skip(`port ${front.port} is taken on 127.0.0.1`);
      return;
    }
    let answers = 0;
    // The first answer passes the check (allow-listed); every later one points at loopback.
    const rebinding: HostResolver = async () => {
      answers += 1;
      return [{ address: answers === 1 ? '127.0.0.2' : '127.0.0.1', family: 4 }];
    };
    const dir = await makeTempDir(t);
    const path = await fetchMedia(
      { url: `http://rebind.media-example.com:${front.port}/voice.mp3` },
      { destDir: dir, field: 'formState.audio', limits: guarded, allowAddresses: ['127.0.0.2'], resolveHost: rebinding },
    );
    assert.equal(await readFile(path, 'utf8'), 'public media');
    assert.equal(internal.hits.size, 0);
  });
});
