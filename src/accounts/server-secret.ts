// The server's signing secret (cookies): MOUTHPIECE_SECRET when set, else a random one made on
// first start and kept in <dataDir>/secret.key (readable by the owner only), so restarts keep
// sessions' CSRF cookies valid without any set-up.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SECRET_FILE_NAME = 'secret.key';

export function loadServerSecret(configured: string | null, dataDir: string): string {
  if (configured) return configured;
  const path = join(dataDir, SECRET_FILE_NAME);
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32).toString('base64url');
  try {
    // 'wx': two processes starting together must not overwrite each other's secret.
    writeFileSync(path, secret + '\n', { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8').trim();
    throw error;
  }
}
