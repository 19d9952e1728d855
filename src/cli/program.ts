// The `mouthpiece` command line: a thin layer over the same services the server uses.
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { registerAccountCommands } from './accounts.js';
import { registerClientCommands } from './client-commands.js';
import { registerCreditCommands } from './credits.js';
import { CliError, type CliIo } from './io.js';
import { registerKeyCommands } from './keys.js';
import { registerRenderCommand } from './render.js';

/** Runs one command line (without the node/script prefix); resolves with the exit code. */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  const program = new Command('mouthpiece')
    .description('Mouthpiece: portrait + voice → talking video. Server settings come from the environment (see README).')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerKeyCommands(program, io);
  registerRenderCommand(program, io);
  registerClientCommands(program, io);
  registerCreditCommands(program, io);
  registerAccountCommands(program, io);

  try {
    await program.parseAsync(args, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode; // usage/help: commander printed it
    if (error instanceof CliError) {
      io.stderr(`mouthpiece: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof ConfigError) {
      io.stderr(`mouthpiece: invalid configuration: ${error.message}\n`);
      return 2;
    }
    io.stderr(`mouthpiece: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}
