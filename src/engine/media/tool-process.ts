// Runs ffmpeg/ffprobe as child processes that can never outlive their job: abort and timeout
// kill them (SIGTERM, then SIGKILL after a short grace), and any still alive when Node exits are
// SIGKILLed. Keeps the tail of stderr so failures can say what the tool said.
import { spawn, type ChildProcess } from 'node:child_process';

/** How long a tool gets to exit after SIGTERM before it is SIGKILLed. */
const KILL_GRACE_MS = 1000;
/** Stderr kept for error messages; ffmpeg's last lines are the ones that explain a failure. */
const STDERR_TAIL_LINES = 20;

export interface ToolExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The process could not be started at all (e.g. ENOENT). */
  spawnError?: Error;
  /** Killed because the caller's AbortSignal fired. */
  aborted: boolean;
  /** Killed because `timeoutMs` passed. */
  timedOut: boolean;
}

export interface ToolProcess {
  readonly child: ChildProcess;
  /** Resolves (never rejects) once the process has exited and its pipes are closed. */
  readonly exited: Promise<ToolExit>;
  /** The last stderr lines, joined with newlines. */
  stderrTail(): string;
  /** SIGTERM now, SIGKILL after a grace period if it is still running. Safe to call repeatedly. */
  kill(): void;
}

export interface StartToolOptions {
  stdin?: 'pipe' | 'ignore';
  stdout?: 'pipe' | 'ignore';
  /** More output pipes after stderr, as file descriptors 3, 4, …: `child.stdio[3]` and on. */
  extraOutputPipes?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Called for every complete stderr line. */
  onStderrLine?: (line: string) => void;
}

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous; kill() is, and SIGKILL cannot be ignored.
  process.on('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL');
  });
}

export function startTool(bin: string, args: readonly string[], opts: StartToolOptions = {}): ToolProcess {
  installExitHook();
  const child = spawn(bin, args, {
    stdio: [opts.stdin ?? 'ignore', opts.stdout ?? 'pipe', 'pipe', ...Array<'pipe'>(opts.extraOutputPipes ?? 0).fill('pipe')],
    windowsHide: true,
  });
  liveChildren.add(child);

  const tail: string[] = [];
  let partialLine = '';
  const pushLine = (line: string): void => {
    const trimmed = line.trimEnd();
    if (!trimmed) return;
    tail.push(trimmed);
    if (tail.length > STDERR_TAIL_LINES) tail.shift();
    opts.onStderrLine?.(trimmed);
  };
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    const lines = (partialLine + chunk).split(/\r?\n|\r/);
    partialLine = lines.pop() ?? '';
    for (const line of lines) pushLine(line);
  });

  let aborted = false;
  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const isRunning = (): boolean => child.exitCode === null && child.signalCode === null;
  const kill = (): void => {
    if (!isRunning() || killTimer) return;
    child.kill('SIGTERM');
    killTimer = setTimeout(() => {
      if (isRunning()) child.kill('SIGKILL');
    }, KILL_GRACE_MS);
  };

  const onAbort = (): void => {
    aborted = true;
    kill();
  };
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  const timeout =
    opts.timeoutMs !== undefined
      ? setTimeout(() => {
          timedOut = true;
          kill();
        }, opts.timeoutMs)
      : undefined;

  const exited = new Promise<ToolExit>((resolve) => {
    const finish = (exit: Omit<ToolExit, 'aborted' | 'timedOut'>): void => {
      liveChildren.delete(child);
      clearTimeout(killTimer);
      clearTimeout(timeout);
      opts.signal?.removeEventListener('abort', onAbort);
      if (partialLine) pushLine(partialLine);
      partialLine = '';
      resolve({ ...exit, aborted, timedOut });
    };
    child.once('error', (error) => {
      // 'error' without a pid means spawn failed and no 'close' will follow.
      if (child.pid === undefined) finish({ code: null, signal: null, spawnError: error });
    });
    child.once('close', (code, signal) => finish({ code, signal }));
  });
  // A tool that dies early makes writes to its stdin fail with EPIPE; callers see that through
  // their write callbacks and `exited`, so the stream's own error event must not crash Node.
  child.stdin?.on('error', () => {});

  return { child, exited, stderrTail: () => tail.join('\n'), kill };
}

export interface ToolResult {
  stdout: Buffer;
  exit: ToolExit;
  stderrTail: string;
}

/** Runs a tool to completion, collecting stdout (for small outputs such as ffprobe's JSON). */
export async function runTool(
  bin: string,
  args: readonly string[],
  opts: Omit<StartToolOptions, 'stdin' | 'stdout'> = {},
): Promise<ToolResult> {
  const tool = startTool(bin, args, { ...opts, stdout: 'pipe' });
  const chunks: Buffer[] = [];
  tool.child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
  const exit = await tool.exited;
  return { stdout: Buffer.concat(chunks), exit, stderrTail: tool.stderrTail() };
}

/** A one-line account of how a tool ended, for error messages. */
export function describeExit(name: string, exit: ToolExit, stderrTail: string): string {
  const how = exit.spawnError
    ? `could not be started (${exit.spawnError.message})`
    : exit.signal
      ? `was killed by ${exit.signal}`
      : `exited with code ${exit.code}`;
  return stderrTail ? `${name} ${how}:\n${stderrTail}` : `${name} ${how}`;
}
