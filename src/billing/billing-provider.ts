// Who takes the money. No payment provider is reachable from a self-hosted box, so the one
// implementation here is manual: an administrator changes plans and grants credits in the
// dashboard (or the CLI), and that is the record. A real provider (Stripe, Paddle, …) implements
// the same interface: changePlan starts its checkout/subscription update and, when the
// provider's webhook confirms payment, calls `BillingService.applyPlan` — the ledger and the
// plan column stay the single source of truth either way (see README, "Plans and billing").
import type { CreditBalances, Store } from '../store/index.js';
import type { CreditService } from './credits.js';
import type { Plan, PlanCatalog } from './plan-catalog.js';

export interface BillingProvider {
  /** Shown to administrators ("manual"). */
  readonly name: string;
  /** Moves the account to `planId`; `actorId` is who asked (an admin, or the account itself). */
  changePlan(accountId: string, planId: string, actorId: string): Promise<void>;
  /** Adds credits outside any plan (a top-up, a goodwill grant). */
  grantCredits(accountId: string, amounts: Partial<CreditBalances>, note: string, actorId: string): Promise<void>;
}

export class UnknownPlanError extends Error {
  readonly code = 'unknown_plan';
  constructor(readonly planId: string) {
    super(`There is no plan "${planId}"`);
    this.name = 'UnknownPlanError';
  }
}

/** Plans last a month; their credits are granted at the start of each. */
export const PLAN_PERIOD_MS = 30 * 24 * 3600_000;

export class BillingService {
  readonly provider: BillingProvider;

  constructor(
    private readonly store: Pick<Store, 'accounts'>,
    readonly catalog: PlanCatalog,
    private readonly credits: CreditService,
    provider?: BillingProvider,
  ) {
    this.provider = provider ?? new ManualBillingProvider(this, credits);
  }

  plans(): readonly Plan[] {
    return this.catalog.plans;
  }

  async currentPlan(accountId: string): Promise<Plan | null> {
    const account = await this.store.accounts.findById(accountId);
    return account?.plan ? (this.catalog.find(account.plan) ?? null) : null;
  }

  /** Puts the account on `planId` now and grants the first month's credits with it. */
  async applyPlan(accountId: string, planId: string, now = Date.now()): Promise<void> {
    const plan = this.catalog.find(planId);
    if (!plan) throw new UnknownPlanError(planId);
    await this.store.accounts.setPlan(accountId, plan.id, now + PLAN_PERIOD_MS, monthlyGrants(plan), now);
  }

  /** A new account's plan: the plans file's default, when it names one. Answers whether it set one. */
  async onboard(accountId: string, now = Date.now()): Promise<boolean> {
    if (!this.catalog.defaultPlan) return false;
    await this.applyPlan(accountId, this.catalog.defaultPlan.id, now);
    return true;
  }

  /**
   * Grants the next month's credits to every account whose period ended. An account whose plan
   * left the plans file keeps its balance and gets no more grants (its plan shows as none).
   * Answers how many accounts were renewed.
   */
  async renewDue(now = Date.now()): Promise<number> {
    let renewed = 0;
    for (const account of await this.store.accounts.findPlanRenewalsDue(now, 500)) {
      const plan = account.plan ? this.catalog.find(account.plan) : undefined;
      if (!plan) {
        await this.store.accounts.setPlan(account.id, account.plan, null, [], now);
        continue;
      }
      // Several missed periods (the server was off) are granted once: credits are for use now.
      let next = account.planRenewsAt! + PLAN_PERIOD_MS;
      while (next <= now) next += PLAN_PERIOD_MS;
      await this.store.accounts.setPlan(account.id, plan.id, next, monthlyGrants(plan), now);
      renewed += 1;
    }
    return renewed;
  }
}

export class ManualBillingProvider implements BillingProvider {
  readonly name = 'manual';

  constructor(
    private readonly billing: BillingService,
    private readonly credits: CreditService,
  ) {}

  changePlan(accountId: string, planId: string): Promise<void> {
    return this.billing.applyPlan(accountId, planId);
  }

  async grantCredits(accountId: string, amounts: Partial<CreditBalances>, note: string): Promise<void> {
    await this.credits.grant(accountId, amounts, note);
  }
}

function monthlyGrants(plan: Plan) {
  const note = `${plan.name} plan: monthly credits`;
  return [
    { balance: 'api' as const, amount: plan.monthlyApiCredits, note },
    { balance: 'user' as const, amount: plan.monthlyUserCredits, note },
  ].filter((grant) => grant.amount > 0);
}
