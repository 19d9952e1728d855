// The credit ledger in SQLite: every movement is a row and a balance is the sum of its rows.
// The helpers below run inside the callers' transactions (job completion, account creation) so a
// movement is written together with the change that causes it, or not at all.
import { sql, type Kysely, type Selectable } from 'kysely';
import {
  CREDIT_BALANCES,
  type CreditBalanceName,
  type CreditBalances,
  type CreditGrant,
  type LedgerEntry,
  type LedgerKind,
} from '../records.js';
import type { CreditLedgerRepository } from '../repositories.js';
import type { CreditLedgerTable, Database } from '../schema.js';

export class SqliteCreditLedgerRepository implements CreditLedgerRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async balances(accountId: string): Promise<CreditBalances> {
    const rows = await this.db
      .selectFrom('credit_ledger')
      .select(['balance', (eb) => eb.fn.sum<number>('amount').as('total')])
      .where('account_id', '=', accountId)
      .groupBy('balance')
      .execute();
    return toBalances(rows.map((r) => ({ balance: r.balance, total: Number(r.total) })));
  }

  async held(accountId: string): Promise<CreditBalances> {
    // A hold is outstanding until its job's release row exists.
    const rows = await this.db
      .selectFrom('credit_ledger as hold')
      .select(['hold.balance', (eb) => eb.fn.sum<number>('hold.amount').as('total')])
      .where('hold.account_id', '=', accountId)
      .where('hold.kind', '=', 'hold')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('credit_ledger as rel')
              .select('rel.id')
              .whereRef('rel.job_id', '=', 'hold.job_id')
              .where('rel.kind', '=', 'release'),
          ),
        ),
      )
      .groupBy('hold.balance')
      .execute();
    return toBalances(rows.map((r) => ({ balance: r.balance, total: -Number(r.total) })));
  }

  async grant(accountId: string, grant: CreditGrant, now = Date.now()): Promise<LedgerEntry> {
    const row = await this.db
      .insertInto('credit_ledger')
      .values(grantRow(accountId, grant, now))
      .returningAll()
      .executeTakeFirstOrThrow();
    return entryFromRow(row);
  }

  async entries(accountId: string, limit: number): Promise<LedgerEntry[]> {
    const rows = await this.db
      .selectFrom('credit_ledger')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(entryFromRow);
  }

  async entriesForJob(jobId: string): Promise<LedgerEntry[]> {
    const rows = await this.db.selectFrom('credit_ledger').selectAll().where('job_id', '=', jobId).orderBy('id').execute();
    return rows.map(entryFromRow);
  }
}

/** Writes opening grants (zero amounts are skipped) inside the caller's transaction. */
export async function insertGrants(trx: Kysely<Database>, accountId: string, grants: CreditGrant[], now: number): Promise<void> {
  const rows = grants.filter((g) => g.amount !== 0).map((g) => grantRow(accountId, g, now));
  if (rows.length > 0) await trx.insertInto('credit_ledger').values(rows).execute();
}

/** Spendable credits of one balance: the sum of its rows. */
export async function balanceOf(trx: Kysely<Database>, accountId: string, balance: CreditBalanceName): Promise<number> {
  const row = await trx
    .selectFrom('credit_ledger')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), sql<number>`0`).as('total'))
    .where('account_id', '=', accountId)
    .where('balance', '=', balance)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

/** Places a job's hold (amount > 0 credits) inside the caller's transaction. */
export async function insertHold(
  trx: Kysely<Database>,
  hold: { jobId: string; accountId: string; balance: CreditBalanceName; amount: number },
  now: number,
): Promise<void> {
  await trx
    .insertInto('credit_ledger')
    .values(movementRow(hold.jobId, hold.accountId, hold.balance, 'hold', -hold.amount, now))
    .execute();
}

/** The job's hold row, if it has one. */
export async function findHold(trx: Kysely<Database>, jobId: string): Promise<Selectable<CreditLedgerTable> | undefined> {
  return trx.selectFrom('credit_ledger').selectAll().where('job_id', '=', jobId).where('kind', '=', 'hold').executeTakeFirst();
}

/**
 * Ends a job's hold: `charge` releases it and charges the same amount (the hold becomes a
 * charge), `release` only gives it back. Nothing happens without a hold, or when it was already
 * settled; the unique (job_id, kind) index makes a second settlement impossible anyway.
 */
export async function settleHold(trx: Kysely<Database>, jobId: string, how: 'charge' | 'release', now: number): Promise<void> {
  const hold = await findHold(trx, jobId);
  if (!hold) return;
  const released = await trx
    .insertInto('credit_ledger')
    .values(movementRow(jobId, hold.account_id, hold.balance as CreditBalanceName, 'release', -hold.amount, now))
    .orIgnore()
    .returning('id')
    .executeTakeFirst();
  if (!released) return;
  if (how === 'charge') {
    await trx
      .insertInto('credit_ledger')
      .values(movementRow(jobId, hold.account_id, hold.balance as CreditBalanceName, 'charge', hold.amount, now))
      .orIgnore()
      .execute();
  }
}

function grantRow(accountId: string, grant: CreditGrant, now: number) {
  return { account_id: accountId, balance: grant.balance, kind: 'grant', amount: grant.amount, job_id: null, note: grant.note, created_at: now };
}

function movementRow(jobId: string, accountId: string, balance: CreditBalanceName, kind: LedgerKind, amount: number, now: number) {
  return { account_id: accountId, balance, kind, amount, job_id: jobId, note: '', created_at: now };
}

function toBalances(rows: Array<{ balance: string; total: number }>): CreditBalances {
  const out = Object.fromEntries(CREDIT_BALANCES.map((b) => [b, 0])) as CreditBalances;
  for (const row of rows) if ((CREDIT_BALANCES as readonly string[]).includes(row.balance)) out[row.balance as CreditBalanceName] = row.total;
  return out;
}

function entryFromRow(row: Selectable<CreditLedgerTable>): LedgerEntry {
  return {
    id: row.id,
    accountId: row.account_id,
    balance: row.balance as CreditBalanceName,
    kind: row.kind as LedgerKind,
    amount: row.amount,
    jobId: row.job_id,
    note: row.note,
    createdAt: row.created_at,
  };
}
