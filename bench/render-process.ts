// The engine benchmarks render in their own process, as the server's render processes do; those
// run with RENDER_V8_FLAGS (src/jobs/render-child.ts), so a benchmark started without them
// starts itself again with them and passes on its exit code.
import { spawnSync } from 'node:child_process';
import { RENDER_V8_FLAGS } from '../src/jobs/render-child.js';

/** Returns when this process already has the render flags; otherwise runs the script again with them and exits. */
export function runAsRenderProcess(): void {
  if (RENDER_V8_FLAGS.every((flag) => process.execArgv.includes(flag))) return;
  const child = spawnSync(process.execPath, [...RENDER_V8_FLAGS, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}
