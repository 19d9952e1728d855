// An account's credits as operators and clients see them: spendable balances, what is held for
// running jobs, grants, and the movements behind them.
import type { CreditBalances, CreditLedgerRepository, LedgerEntry } from '../store/index.js';

export interface CreditSummary {
  /** Spendable now: the sum of the balance's rows (running jobs' holds already subtracted). */
  balances: CreditBalances;
  /** Reserved for processing jobs; returned if they fail or are canceled. */
  held: CreditBalances;
}

export class CreditService {
  constructor(private readonly ledger: CreditLedgerRepository) {}

  async summary(accountId: string): Promise<CreditSummary> {
    const [balances, held] = await Promise.all([this.ledger.balances(accountId), this.ledger.held(accountId)]);
    return { balances, held };
  }

  /** Adds credits to either or both balances; one ledger row per balance. */
  async grant(accountId: string, amounts: Partial<CreditBalances>, note: string): Promise<LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    for (const balance of ['api', 'user'] as const) {
      const amount = amounts[balance];
      if (amount === undefined || amount === 0) continue;
      if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`a grant must be a positive whole number, got ${amount}`);
      entries.push(await this.ledger.grant(accountId, { balance, amount, note }));
    }
    return entries;
  }

  history(accountId: string, limit: number): Promise<LedgerEntry[]> {
    return this.ledger.entries(accountId, limit);
  }
}
