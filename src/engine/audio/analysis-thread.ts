// analyseSpeech on a worker thread, so a render's main thread can go on meanwhile (finding the
// faces of a video's first second, which rendering waits for) while the other core, otherwise
// idle then, analyses the voice. Measured with bench/video.ts: the analysis of a 10 s voice took
// ≈ 200 ms of the main thread before the first frame could be dubbed. Same code, same numbers:
// the result is identical to calling analyseSpeech here. One worker per process, started on first
// use and kept (holding the process open only while a clip is being analysed).
import { Worker } from 'node:worker_threads';
import { InvalidMediaError } from '../errors.js';
import type { SpeechAnalysis } from './index.js';

interface Pending {
  resolve: (analysis: SpeechAnalysis) => void;
  reject: (error: Error) => void;
}

let worker: Worker | null = null;
const pending = new Map<number, Pending>();
let nextId = 1;

/** analyseSpeech(samples, sampleRate), computed on the process's analysis thread. */
export function analyseSpeechOffThread(samples: Float32Array, sampleRate: number): Promise<SpeechAnalysis> {
  const thread = analysisThread();
  const id = nextId++;
  const result = new Promise<SpeechAnalysis>((resolve, reject) => pending.set(id, { resolve, reject }));
  if (pending.size === 1) thread.ref();
  thread.postMessage({ id, samples, sampleRate });
  return result;
}

function analysisThread(): Worker {
  if (worker) return worker;
  // Built, the entry is JavaScript beside this file. Run from source (tests, benchmarks, `npm run
  // dev`) it is TypeScript, and a worker does not get the main thread's tsx loader: it registers
  // tsx itself first.
  // No command-line options are passed on: the process's (`--input-type`, `--import`, …) are not
  // the worker's business, and V8's flags apply to every thread anyway.
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(`./analysis-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  const started = fromSource
    ? new Worker(
      `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`,
      { eval: true, execArgv: [] },
    )
    : new Worker(entry, { execArgv: [] });
  started.unref();
  started.on('message', (reply: { id: number; analysis?: SpeechAnalysis; error?: { name: string; message: string } }) => {
    const request = pending.get(reply.id);
    if (!request) return;
    pending.delete(reply.id);
    if (pending.size === 0) started.unref();
    if (reply.analysis) request.resolve(reply.analysis);
    else request.reject(threadError(reply.error));
  });
  const failAll = (error: Error) => {
    if (worker === started) worker = null;
    for (const request of pending.values()) request.reject(error);
    pending.clear();
  };
  started.on('error', (error) => failAll(new Error(`speech analysis thread failed: ${error.message}`)));
  started.on('exit', (code) => failAll(new Error(`speech analysis thread exited (code ${code})`)));
  worker = started;
  return started;
}

/** The worker's error as this thread would have thrown it: unusable audio stays a typed media error (the job's readable error). */
function threadError(error: { name: string; message: string } | undefined): Error {
  if (error?.name === 'InvalidMediaError') return new InvalidMediaError(error.message);
  return new Error(`speech analysis failed: ${error ? `${error.name}: ${error.message}` : 'no result'}`);
}
