// Whole-system test parts: the real server as a child process (`node --import tsx src/main.ts`),
// a loopback HTTP server for media, the CLI, and polling with deadlines.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export function fixture(name: string): Buffer {
  return readFileSync(`${FIXTURES}${name}`);
}

/** A TCP port that was free a moment ago (the server needs it up front to print its URL). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

export interface MediaRoute {
  body: Buffer | string;
  contentType: string;
}

/** Serves fixed bodies on 127.0.0.1 (the "public" media host of the tests). */
export async function startMediaServer(routes: Record<string, MediaRoute>): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const route = routes[(request.url ?? '').split('?')[0]];
    if (!route) {
      response.writeHead(404).end();
      return;
    }
    const body = typeof route.body === 'string' ? Buffer.from(route.body) : route.body;
    response.writeHead(200, { 'content-type': route.contentType, 'content-length': body.length });
    response.end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

export interface RunningServer {
  baseUrl: string;
  env: Record<string, string>;
  /** The server process (its render processes are its children). */
  pid: number;
  /** Everything the server wrote to stdout so far (the first-start key notice, log lines). */
  stdout(): string;
  output(): string;
  /** SIGTERM, then wait for a graceful exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (a crash: no shutdown code runs), resolved once the process is gone. */
  kill(): Promise<void>;
}

/** Starts `src/main.ts` with `env` on a free port and waits until /healthz says ready. */
export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  const fullEnv = { ...stripTestEnv(process.env), HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: REPO_ROOT,
    env: fullEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const baseUrl = `http://127.0.0.1:${port}`;
  const server: RunningServer = {
    baseUrl,
    env: fullEnv,
    pid: child.pid!,
    stdout: () => stdout,
    output: () => `--- stdout ---\n${stdout.slice(-4000)}\n--- stderr ---\n${stderr.slice(-4000)}`,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      const [code] = await exited;
      clearTimeout(timer);
      return code;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  try {
    await waitFor('the server to be ready', async () => {
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}\n${server.output()}`);
      const response = await fetch(`${baseUrl}/healthz`).catch(() => null);
      return response?.status === 200 ? true : undefined;
    }, 60_000, 100);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return server;
}

/** Runs the `mouthpiece` CLI (from source) with `env`; resolves with its stdout and exit code. */
export async function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** The API as a client uses it: JSON over fetch with a Bearer key. */
export function apiClient(baseUrl: string, key: string) {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  return {
    async submit(model: string, formState: Record<string, unknown>): Promise<string> {
      const response = await fetch(`${baseUrl}/api/v1/${model}`, { method: 'POST', headers, body: JSON.stringify({ formState }) });
      const json = (await response.json()) as { id: string; status: string };
      if (response.status !== 200) throw new Error(`submit answered ${response.status}: ${JSON.stringify(json)}`);
      return json.id;
    },
    async job(id: string): Promise<Record<string, unknown>> {
      const response = await fetch(`${baseUrl}/api/v1/jobs/${id}`, { headers });
      if (response.status !== 200) throw new Error(`GET job answered ${response.status}`);
      return (await response.json()) as Record<string, unknown>;
    },
    /** Polls until the job is no longer processing. */
    async finished(id: string, timeoutMs = 180_000): Promise<Record<string, unknown>> {
      return waitFor(`job ${id} to finish`, async () => {
        const job = await this.job(id);
        return job.status === 'processing' ? undefined : job;
      }, timeoutMs, 200);
    },
  };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function stripTestEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && name !== 'NODE_TEST_CONTEXT' && !name.startsWith('MOUTHPIECE_')) out[name] = value;
  }
  return out;
}
