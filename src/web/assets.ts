// Files the dashboard reads from the repository: the static folder and the Node example. Found
// by walking up from this module, so the same code works from src/web (tsx) and dist/src/web
// (after the build), which sit at different depths.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MODULE_DIR = dirname(fileURLToPath(import.meta.url));

/** The absolute path of `relative` in the nearest ancestor folder that has it, or null. */
export function findUpwards(relative: string, from = MODULE_DIR): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/** web/static: the stylesheet and scripts served at /static/. */
export function staticDir(): string {
  const found = findUpwards(join('web', 'static'));
  if (!found) throw new Error(`web/static was not found above ${MODULE_DIR}: the dashboard's assets are missing`);
  return found;
}

/** examples/node-webhook.mjs as text, or null when the examples folder is not deployed. */
export function nodeWebhookExample(): string | null {
  const found = findUpwards(join('examples', 'node-webhook.mjs'));
  return found ? readFileSync(found, 'utf8') : null;
}
