// `mouthpiece credits grant|show`: operators add credits and look at balances, straight on the
// data dir's database (safe while the server runs). Every grant is a ledger row.
import { InvalidArgumentError, type Command } from 'commander';
import { CreditService } from '../billing/index.js';
import type { LedgerEntry, Store } from '../store/index.js';
import { CliError, type CliIo } from './io.js';
import { withStore } from './keys.js';

interface GrantOptions {
  account?: string;
  api?: number;
  user?: number;
  note: string;
}

export function registerCreditCommands(program: Command, io: CliIo): void {
  const credits = program.command('credits').description("grant credits and show an account's balances");

  credits
    .command('grant')
    .description('add API and/or user credits to an account (the two balances never convert)')
    .option('--account <id>', 'the account (default: the admin account)')
    .option('--api <n>', 'API credits to add (what API calls spend)', parseAmount)
    .option('--user <n>', 'user credits to add (what the dashboard playground spends)', parseAmount)
    .option('--note <text>', 'why, kept in the ledger', 'granted by an operator')
    .action((options: GrantOptions) =>
      withStore(io, async (store) => {
        if (options.api === undefined && options.user === undefined) throw new CliError('Nothing to grant: give --api and/or --user');
        const accountId = await resolveAccount(store, options.account);
        const service = new CreditService(store.credits);
        await service.grant(accountId, { api: options.api, user: options.user }, options.note);
        const { balances } = await service.summary(accountId);
        const granted = [
          options.api ? `${options.api} API credits` : null,
          options.user ? `${options.user} user credits` : null,
        ].filter(Boolean);
        io.stdout(`Granted ${granted.join(' and ')} to ${accountId}. Balances: API ${balances.api}, user ${balances.user}\n`);
      }),
    );

  credits
    .command('show')
    .description("an account's balances, credits held for running jobs, and its latest ledger rows")
    .option('--account <id>', 'the account (default: the admin account)')
    .option('--history <n>', 'ledger rows to list', parseAmount, 10)
    .action((options: { account?: string; history: number }) =>
      withStore(io, async (store) => {
        const accountId = await resolveAccount(store, options.account);
        const service = new CreditService(store.credits);
        const { balances, held } = await service.summary(accountId);
        io.stdout(
          `Account ${accountId}\n` +
            `API credits:  ${balances.api} spendable, ${held.api} held for running jobs\n` +
            `User credits: ${balances.user} spendable, ${held.user} held for running jobs\n`,
        );
        const history = await service.history(accountId, options.history);
        if (history.length > 0) io.stdout(`\n${formatLedger(history)}`);
      }),
    );
}

async function resolveAccount(store: Store, accountId: string | undefined): Promise<string> {
  if (accountId !== undefined) {
    if (!(await store.accounts.findById(accountId))) throw new CliError(`No account ${accountId}`);
    return accountId;
  }
  const admin = await store.accounts.findFirstAdmin();
  if (!admin) throw new CliError('No account yet: start the server once (it creates the admin account) or pass --account');
  return admin.id;
}

function parseAmount(value: string): number {
  const amount = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(amount) || amount <= 0) {
    throw new InvalidArgumentError('must be a positive whole number');
  }
  return amount;
}

function formatLedger(entries: LedgerEntry[]): string {
  const rows = [
    ['WHEN', 'BALANCE', 'KIND', 'AMOUNT', 'JOB', 'NOTE'],
    ...entries.map((e) => [
      new Date(e.createdAt).toISOString().slice(0, 19).replace('T', ' '),
      e.balance,
      e.kind,
      e.amount > 0 ? `+${e.amount}` : String(e.amount),
      e.jobId ?? '-',
      e.note,
    ]),
  ];
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  return rows.map((row) => row.map((cell, col) => cell.padEnd(widths[col])).join('  ').trimEnd()).join('\n') + '\n';
}
