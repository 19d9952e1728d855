// A real SQLite store in a fresh temp directory, with one account, for tests that need a
// database. Call cleanup() in an after() hook.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomId } from '../../src/accounts/index.js';
import { openSqliteStore, type Account, type NewJob, type Store } from '../../src/store/index.js';
import { randomUUID } from 'node:crypto';

export interface TempStore {
  store: Store;
  dataDir: string;
  account: Account;
  cleanup(): Promise<void>;
}

export async function openTempStore(): Promise<TempStore> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mouthpiece-test-'));
  const store = await openSqliteStore(dataDir);
  const account = await createAccount(store);
  return {
    store,
    dataDir,
    account,
    async cleanup() {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * An account with plenty of credits on both balances (1 000 000 each, what the admin account
 * starts with), so tests that are not about billing never meet a 402; pass `credits` to choose.
 */
export async function createAccount(
  store: Store,
  isAdmin = false,
  credits: { api: number; user: number } = { api: 1_000_000, user: 1_000_000 },
): Promise<Account> {
  const id = randomId('acct_');
  await store.accounts.create({ id, email: null, isAdmin, createdAt: Date.now() }, [
    { balance: 'api', amount: credits.api, note: 'test credits' },
    { balance: 'user', amount: credits.user, note: 'test credits' },
  ]);
  return (await store.accounts.findById(id))!;
}

/** A lipsync-image job as the API would queue it; override any field. */
export function newJob(accountId: string, overrides: Partial<NewJob> = {}): NewJob {
  return {
    id: randomUUID(),
    accountId,
    keyId: null,
    model: 'lipsync-image',
    input: { image: 'https://example.com/face.jpg', audio: 'https://example.com/voice.mp3', resolution: '480p' },
    seed: 42,
    webhook: null,
    outputToken: 'A'.repeat(32),
    createdAt: Date.now(),
    ...overrides,
  };
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
