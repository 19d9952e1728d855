// First start: an empty database gets an admin account and one key named "default", so a fresh
// install is usable at once. The key is returned for printing exactly once; later starts see an
// account and return nothing.
import { ADMIN_STARTING_CREDITS, startingGrants } from '../billing/index.js';
import type { Account, NewAccount, Store } from '../store/index.js';
import { mintApiKey, randomId } from './api-keys.js';

export const BOOTSTRAP_KEY_NAME = 'default';

export type BootstrapResult = { created: true; accountId: string; key: string } | { created: false };

export async function ensureBootstrapAccount(store: Store, now = Date.now()): Promise<BootstrapResult> {
  const account = newAdminAccount(now);
  const { key, record } = mintApiKey(account.id, BOOTSTRAP_KEY_NAME, now);
  const created = await store.accounts.createFirstAccountWithKey(account, record, startingGrants(true));
  return created ? { created: true, accountId: account.id, key } : { created: false };
}

/**
 * The account operator commands act on when none is named: the first admin, created (without a
 * key) if the database is still empty, e.g. `keys create` run before the first server start.
 */
export async function findOrCreateAdminAccount(store: Store, now = Date.now()): Promise<Account> {
  const existing = await store.accounts.findFirstAdmin();
  if (existing) return existing;
  const account = newAdminAccount(now);
  await store.accounts.create(account, startingGrants(true));
  return (await store.accounts.findById(account.id))!;
}

function newAdminAccount(now: number): NewAccount {
  return { id: randomId('acct_'), email: null, isAdmin: true, createdAt: now };
}

/** The text printed once on first start, the key on a line of its own. */
export function bootstrapKeyNotice(key: string, claimUrl?: string): string {
  return [
    '',
    'Mouthpiece created an admin account and its first API key. It is shown only this once; store it now:',
    '',
    key,
    '',
    `The account starts with ${ADMIN_STARTING_CREDITS.toLocaleString('en-US')} API credits (and as many user credits).`,
    'More keys: npx mouthpiece keys create --name NAME',
    ...(claimUrl
      ? ['', 'Set the admin\'s e-mail and password for the dashboard (link valid 7 days, usable once):', claimUrl]
      : []),
    '',
  ].join('\n');
}
