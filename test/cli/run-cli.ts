// Runs the `mouthpiece` CLI in this process against a data dir, capturing what it prints.
import { runCli } from '../../src/cli/program.js';

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** `cli('keys', 'list')` with MOUTHPIECE_DATA_DIR=`dataDir` (plus `env`), non-interactive. */
export async function runCliIn(dataDir: string, args: string[], env: Record<string, string> = {}): Promise<CliOutcome> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: { MOUTHPIECE_DATA_DIR: dataDir, ...env },
    cwd: dataDir,
    interactive: false,
  });
  return { code, stdout, stderr };
}
