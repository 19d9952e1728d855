// HTTP API throughput against a baseline measured in the same run, so the ratios hold on a
// shared, noisy machine: a bare Fastify app (no auth, no database) answering the same kinds of
// request, in its own process like ours. Measured with autocannon:
//  - polling: GET /api/v1/jobs/{id} (Bearer auth, one SQLite read) vs the bare GET;
//  - submission: POST /api/v1/lipsync-image (auth, validation, credit check, one SQLite insert)
//    vs a bare POST that parses and answers the same JSON. Our server runs with
//    MOUTHPIECE_WORKERS=0, so submissions are only accepted, never rendered.
// Targets (issue 3): polling ≥ 50 % of the bare GET's rate; submission ≥ 1 000 requests/s.
// Polling is measured in rounds, bare then ours, and judged on the median of the rounds' ratios:
// on this shared machine one run of the bare server alone swung 13,000–19,800 req/s.
// Run: `npm run bench:api` (BENCH_SECONDS=n per measurement, default 10; BENCH_ROUNDS, default 3;
// BENCH_CONNECTIONS, default 32; BENCH_LOG_LEVEL, default info as in production).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';

const SUBMIT_BODY = JSON.stringify({
  formState: { image: 'https://media.example.com/face.jpg', audio: 'https://media.example.com/voice.mp3', resolution: '720p', seed: 42 },
});

/** The baseline: Fastify with nothing of ours, answering JSON like our two routes do. */
const BARE_SERVER = `
import Fastify from 'fastify';
const app = Fastify();
const job = { id: '6f1c0000-0000-4000-8000-000000000000', model: 'lipsync-image', status: 'processing', output: null, error: '', executionTime: null, timings: null };
app.get('/jobs/:id', async () => job);
app.post('/lipsync-image', async (request) => ({ id: job.id, status: 'processing', echo: typeof request.body }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('ready');
`;

interface Measurement {
  name: string;
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mouthpiece-bench-api-'));
  const children: ChildProcess[] = [];
  try {
    const barePort = await freePort();
    children.push(await startProcess(['--input-type=module', '-e', BARE_SERVER], { PORT: String(barePort) }, /ready/, join(dataDir, 'bare.log')));
    const ourPort = await freePort();
    const ours = await startProcess(['--import', 'tsx', 'src/main.ts'], {
      PORT: String(ourPort),
      HOST: '127.0.0.1',
      MOUTHPIECE_DATA_DIR: dataDir,
      MOUTHPIECE_WORKERS: '0',
      MOUTHPIECE_RATE_LIMIT_PER_MINUTE: '0',
      MOUTHPIECE_MAX_PROCESSING_JOBS_PER_ACCOUNT: '0',
      LOG_LEVEL: LOG_LEVEL,
    }, /^sk_\S+$/m, join(dataDir, 'server.log'));
    children.push(ours);
    await waitUntilReady(`http://127.0.0.1:${ourPort}/healthz`);
    const key = /^(sk_\S+)$/m.exec(await readFile(join(dataDir, 'server.log'), 'utf8'))![1];
    const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const base = `http://127.0.0.1:${ourPort}/api/v1`;
    const bare = `http://127.0.0.1:${barePort}`;

    const submitted = await fetch(`${base}/lipsync-image`, { method: 'POST', headers: auth, body: SUBMIT_BODY });
    if (submitted.status !== 200) throw new Error(`submit answered ${submitted.status}: ${await submitted.text()}`);
    const { id } = (await submitted.json()) as { id: string };

    console.log(`API throughput: autocannon, ${CONNECTIONS} connections, ${SECONDS} s per run, our server at LOG_LEVEL=${LOG_LEVEL}, 0 render workers`);
    const results: Measurement[] = [];
    const pollRatios: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const bareGet = await measure(`bare Fastify GET (${round})`, { url: `${bare}/jobs/${id}` });
      const poll = await measure(`GET /api/v1/jobs/{id} (${round})`, { url: `${base}/jobs/${id}`, headers: auth });
      results.push(bareGet, poll);
      pollRatios.push(poll.requestsPerSecond / bareGet.requestsPerSecond);
    }
    const barePost = await measure('bare Fastify POST', { url: `${bare}/lipsync-image`, method: 'POST', headers: { 'content-type': 'application/json' }, body: SUBMIT_BODY });
    const submit = await measure('POST /api/v1/lipsync-image', { url: `${base}/lipsync-image`, method: 'POST', headers: auth, body: SUBMIT_BODY });
    results.push(barePost, submit);
    printTable(results);
    const pollRatio = median(pollRatios);
    const polls = results.filter((r) => r.name.startsWith('GET')).map((r) => r.requestsPerSecond);
    console.log('');
    console.log(`polling:    ${fmt(median(polls))} req/s (median of ${ROUNDS}); ratios to the bare GET of the same round: ` +
      `${pollRatios.map((r) => `${(r * 100).toFixed(0)} %`).join(', ')}; median ${(pollRatio * 100).toFixed(0)} % (target ≥ 50 %) ${pollRatio >= 0.5 ? 'OK' : 'MISSED'}`);
    console.log(`submission: ${fmt(submit.requestsPerSecond)} req/s (target ≥ 1 000/s) ${submit.requestsPerSecond >= 1000 ? 'OK' : 'MISSED'}; ` +
      `${((submit.requestsPerSecond / barePost.requestsPerSecond) * 100).toFixed(0)} % of bare POST`);
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function measure(name: string, request: { url: string; method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string }): Promise<Measurement> {
  const options = { ...request, connections: CONNECTIONS, pipelining: 1 };
  await autocannon({ ...options, duration: Math.min(2, SECONDS) }); // warm-up: JIT, connection setup
  const result = await autocannon({ ...options, duration: SECONDS });
  return {
    name,
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

function printTable(results: Measurement[]): void {
  console.log('');
  console.log('target                        req/s     p99 ms   non-2xx  errors');
  for (const r of results) {
    console.log(`${r.name.padEnd(28)} ${fmt(r.requestsPerSecond).padStart(7)} ${r.p99Ms.toFixed(1).padStart(10)} ${String(r.non2xx).padStart(9)} ${String(r.errors).padStart(7)}`);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

async function waitUntilReady(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await fetch(url).catch(() => null))?.status !== 200) {
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * A node process in the repository, its output going to `logFile` as a server's would in
 * production (a pipe into this process would make the benchmark pay for reading the logs).
 * Resolves once the log matches `ready`.
 */
async function startProcess(args: string[], env: Record<string, string>, ready: RegExp, logFile: string): Promise<ChildProcess> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MOUTHPIECE_')));
  const log = openSync(logFile, 'w');
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { ...clean, ...env }, stdio: ['ignore', log, log] });
  closeSync(log);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const output = await readFile(logFile, 'utf8');
    if (ready.test(output)) return child;
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`${args.join(' ')} did not start within 60 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

await main();
