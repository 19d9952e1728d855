#!/usr/bin/env node
// The `mouthpiece` command. Runs the compiled CLI in dist/, which `npm install` builds through
// the package's prepare script (or `npm run build` after changing the sources).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('mouthpiece: the compiled CLI is missing (dist/); run `npm run build` in the repository first\n');
  process.exit(1);
}
await import(entry.href);
