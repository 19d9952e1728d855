// `mouthpiece keys create|list|revoke`: API key administration straight on the data dir's
// database. Safe while the server runs (SQLite WAL: one writer at a time, readers never wait).
import type { Command } from 'commander';
import { ApiKeyService, findOrCreateAdminAccount } from '../accounts/index.js';
import { loadConfig } from '../config.js';
import { openSqliteStore, type ApiKeyRecord, type Store } from '../store/index.js';
import { CliError, type CliIo } from './io.js';

export function registerKeyCommands(program: Command, io: CliIo): void {
  const keys = program.command('keys').description('create, list and revoke API keys');

  keys
    .command('create')
    .description('create an API key and print it (shown only this once)')
    .requiredOption('--name <name>', 'a label for the key, e.g. the app that uses it')
    .option('--account <id>', 'account that owns the key (default: the admin account)')
    .action((options: { name: string; account?: string }) =>
      withStore(io, async (store) => {
        const accountId = options.account ?? (await findOrCreateAdminAccount(store)).id;
        if (!(await store.accounts.findById(accountId))) throw new CliError(`No account ${accountId}`);
        const { key, record } = await new ApiKeyService(store.apiKeys).create(accountId, options.name.trim());
        io.stderr(`Created key ${record.keyId} "${record.name}" for account ${accountId}. It is shown only this once:\n`);
        io.stdout(`${key}\n`);
      }),
    );

  keys
    .command('list')
    .description('list API keys (ids and names; secrets are never stored)')
    .option('--account <id>', 'only this account')
    .action((options: { account?: string }) =>
      withStore(io, async (store) => {
        const records = await store.apiKeys.list(options.account);
        io.stdout(formatKeyTable(records));
      }),
    );

  keys
    .command('revoke')
    .description('revoke an API key: requests with it answer 401 (a running server stops trusting it within 5 s)')
    .argument('<keyId>', 'the key id (the part after sk_, before the second _)')
    .action((keyId: string) =>
      withStore(io, async (store) => {
        const revoked = await new ApiKeyService(store.apiKeys).revoke(keyId);
        if (!revoked) throw new CliError(`No active key ${keyId}`);
        io.stdout(`Revoked key ${keyId}\n`);
      }),
    );
}

/** Opens the data dir's database (from the same environment as the server) around `work`. */
export async function withStore(io: CliIo, work: (store: Store) => Promise<void>): Promise<void> {
  const config = loadConfig(io.env, io.cwd);
  const store = await openSqliteStore(config.dataDir);
  try {
    await work(store);
  } finally {
    await store.close();
  }
}

function formatKeyTable(records: ApiKeyRecord[]): string {
  if (records.length === 0) return 'No API keys.\n';
  const rows = [
    ['KEY ID', 'NAME', 'ACCOUNT', 'CREATED', 'LAST USED', 'STATUS'],
    ...records.map((k) => [
      k.keyId,
      k.name,
      k.accountId,
      isoMinute(k.createdAt),
      k.lastUsedAt === null ? '-' : isoMinute(k.lastUsedAt),
      k.revokedAt === null ? 'active' : `revoked ${isoMinute(k.revokedAt)}`,
    ]),
  ];
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  return rows.map((row) => row.map((cell, col) => cell.padEnd(widths[col])).join('  ').trimEnd()).join('\n') + '\n';
}

function isoMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}
