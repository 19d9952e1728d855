// Entry of the `mouthpiece` command (bin/mouthpiece.js loads the compiled copy of this file).
import { runCli } from './program.js';
import { processIo } from './io.js';

// Exit explicitly: the engine's model runtime can keep handles open after a render.
process.exit(await runCli(process.argv.slice(2), processIo()));
