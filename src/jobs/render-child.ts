// One render process as the parent sees it: fork it, wait until its engine is ready, hand it a
// job, get the outcome. Rendering in a separate process keeps CPU-heavy work off the HTTP event
// loop and lets us kill a stuck or runaway render (and its ffmpeg children) without harm.
import { fork, type ChildProcess } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RenderPlan, RunResult } from '../engine/types.js';
import type { ChildMessage, HoldAnswer, ParentMessage, RenderFailure, RenderRequest } from './ipc.js';

export type RenderOutcome =
  | { type: 'done'; result: RunResult }
  | { type: 'failed'; failure: RenderFailure }
  | { type: 'exited'; code: number | null; signal: NodeJS.Signals | null };

export type ProgressListener = (stage: string, progress: number) => void;

export interface RenderListeners {
  onProgress: ProgressListener;
  /** The render asks for its credits to be held before it renders; the answer goes back to it. */
  onInputsProbed: (plan: RenderPlan) => Promise<HoldAnswer>;
}

/**
 * The real render worker module, with the extension this file runs under: `.ts` under tsx
 * (tests, `node --import tsx src/main.ts`), `.js` from the compiled dist/.
 */
export const DEFAULT_RENDER_WORKER = new URL(
  `./render-worker${extname(fileURLToPath(import.meta.url))}`,
  import.meta.url,
);

export class RenderChild {
  /** Resolves once the engine is prepared; rejects if the process fails or exits before. */
  readonly ready: Promise<void>;
  /** Resolves when the process has exited, for whatever reason. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly process: ChildProcess;
  private hasExited = false;
  private current: ({ jobId: string; settle: (o: RenderOutcome) => void } & RenderListeners) | null = null;

  constructor(workerModule: URL = DEFAULT_RENDER_WORKER) {
    this.process = fork(fileURLToPath(workerModule), [], {
      execArgv: [...loaderExecArgv(process.execArgv), ...RENDER_V8_FLAGS],
      env: childEnv(process.env),
      // Own process group: a terminal's Ctrl-C must not reach the renders (the parent decides
      // how they end), and kill() can take down the child's ffmpeg processes in one call.
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });

    let markReady!: () => void;
    let failReady!: (error: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    this.ready.catch(() => {}); // observed through `exited` too; never an unhandled rejection

    this.exited = new Promise((resolve) => {
      this.process.once('exit', (code, signal) => {
        this.hasExited = true;
        failReady(new Error(`render process exited before it was ready (code ${code}, signal ${signal})`));
        this.current?.settle({ type: 'exited', code, signal });
        this.current = null;
        resolve({ code, signal });
      });
    });
    // A failed fork (e.g. ENOENT) emits 'error' and then maybe no 'exit'.
    this.process.once('error', (error) => {
      failReady(error);
      this.kill();
    });

    this.process.on('message', (message: ChildMessage) => {
      switch (message.type) {
        case 'ready':
          markReady();
          break;
        case 'fatal':
          failReady(new Error(`render engine failed to start: ${message.message}`));
          break;
        case 'progress':
          if (this.current?.jobId === message.jobId) this.current.onProgress(message.stage, message.progress);
          break;
        case 'inputs-probed':
          if (this.current?.jobId === message.jobId) this.answerHold(message.jobId, this.current.onInputsProbed(message.plan));
          break;
        case 'done':
          this.settle(message.jobId, { type: 'done', result: message.result });
          break;
        case 'failed':
          this.settle(message.jobId, { type: 'failed', failure: message.failure });
          break;
      }
    });
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get alive(): boolean {
    return !this.hasExited;
  }

  /** Renders one job; resolves with its outcome, including the process dying meanwhile. */
  render(request: RenderRequest, listeners: RenderListeners): Promise<RenderOutcome> {
    if (this.current) throw new Error('render process is busy');
    if (this.hasExited) return Promise.resolve({ type: 'exited', code: null, signal: null });
    return new Promise((settle) => {
      this.current = { jobId: request.job.id, settle, ...listeners };
      this.send(request);
    });
  }

  /** Asks the render of `jobId` to stop (through its AbortSignal); it then reports `failed`. */
  abort(jobId: string): void {
    if (this.current?.jobId === jobId) this.send({ type: 'abort', jobId });
  }

  /** Ends the process and everything it started (ffmpeg), at once. Safe to call repeatedly. */
  kill(): void {
    if (this.hasExited || this.process.pid === undefined) return;
    try {
      process.kill(-this.process.pid, 'SIGKILL');
    } catch {
      this.process.kill('SIGKILL');
    }
  }

  private answerHold(jobId: string, answer: Promise<HoldAnswer>): void {
    answer
      .catch((error: unknown): HoldAnswer => ({ ok: false, reason: 'stop', message: `The credit hold failed: ${String(error)}` }))
      .then((resolved) => this.send({ type: 'hold-answer', jobId, answer: resolved }));
  }

  /** A message to a process that just died is lost; its exit settles the render anyway. */
  private send(message: ParentMessage): void {
    if (this.hasExited || !this.process.connected) return;
    this.process.send(message, (error) => {
      if (error) this.kill();
    });
  }

  private settle(jobId: string, outcome: RenderOutcome): void {
    if (this.current?.jobId !== jobId) return;
    const { settle } = this.current;
    this.current = null;
    settle(outcome);
  }
}

/**
 * Node flags the child needs to load our modules the way the parent does (tsx's loader), minus
 * those that would change what the child is (test runner, inspector ports, watch mode).
 */
/**
 * V8 heap settings of a render process. A render holds ≈ 30 MB of live heap (mostly the face
 * model) and allocates fast; with V8's default sizing the old generation's limit after each full
 * collection sits so close to that live size that the next one starts at once: 35–65 full
 * collections per 10 s of 720p lipsync-video, 2–3 s of CPU. Starting the old generation at
 * 128 MB keeps the limit clear of it: 8–10 collections, the process's CPU 8.2–8.8 s instead of
 * 9.8–12 s (bench/video.ts source, alternating runs). bench/ runs the engine with the same flags.
 */
export const RENDER_V8_FLAGS: readonly string[] = ['--initial-old-space-size=128'];

export function loaderExecArgv(execArgv: readonly string[]): string[] {
  return execArgv.filter((arg) => !/^--(test|inspect|watch|debug)/.test(arg));
}

function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // Set by `node --test` in test files; a child inheriting it would act as a test reporter.
  const { NODE_TEST_CONTEXT: _ignored, ...rest } = env;
  return rest;
}
