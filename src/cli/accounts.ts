// `mouthpiece accounts list|invite|claim-link`: dashboard accounts from the operator's shell —
// the way back in when the first start's admin link was lost, and invites for invite-only sign-up.
import type { Command } from 'commander';
import { createAccountServices } from '../account-services.js';
import { findOrCreateAdminAccount } from '../accounts/index.js';
import { loadConfig } from '../config.js';
import { CliError, type CliIo } from './io.js';
import { withStore } from './keys.js';

export function registerAccountCommands(program: Command, io: CliIo): void {
  const accounts = program.command('accounts').description('dashboard accounts: list, invite, admin claim link');

  accounts
    .command('list')
    .description('list accounts (id, e-mail, admin, plan)')
    .action(() =>
      withStore(io, async (store) => {
        const rows = await store.accounts.list();
        const lines = rows.map((a) =>
          [a.id, a.email ?? '(no e-mail yet)', a.isAdmin ? 'admin' : 'member', a.plan ?? '-', a.hasPassword ? 'can log in' : 'no password'].join('\t'),
        );
        io.stdout(['ID\tE-MAIL\tROLE\tPLAN\tLOG-IN', ...lines].join('\n') + '\n');
      }),
    );

  accounts
    .command('invite')
    .description('print a one-time sign-up link (for MOUTHPIECE_SIGNUP=invite-only)')
    .action(() =>
      withStore(io, async (store) => {
        const config = loadConfig(io.env, io.cwd);
        const services = createAccountServices(store, config);
        const admin = await findOrCreateAdminAccount(store);
        const { code } = await services.accounts.createInvite(admin.id);
        io.stdout(`${config.publicUrl}/signup?invite=${encodeURIComponent(code)}\n`);
      }),
    );

  accounts
    .command('claim-link')
    .description("print a one-time link that sets an account's e-mail and password (default: the admin's)")
    .option('--account <id>', 'the account to claim (default: the first admin)')
    .action((options: { account?: string }) =>
      withStore(io, async (store) => {
        const config = loadConfig(io.env, io.cwd);
        const services = createAccountServices(store, config);
        const account = options.account ? await store.accounts.findById(options.account) : await findOrCreateAdminAccount(store);
        if (!account) throw new CliError(`No account ${options.account}`);
        const { code } = await services.accounts.createInvite(null, account.id);
        io.stderr(`Anyone with this link can set the e-mail and password of ${account.id}; it works once, for 7 days:\n`);
        io.stdout(`${config.publicUrl}/signup?invite=${encodeURIComponent(code)}\n`);
      }),
    );
}
