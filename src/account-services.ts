// The account-side services (keys, log-ins, sessions, credits, plans) wired over one store, the
// same way for the server, the CLI and the tests.
import { AccountService, ApiKeyService, SessionService, type SignupPolicy } from './accounts/index.js';
import { BillingService, CreditService, PlanCatalog, startingGrants } from './billing/index.js';
import type { Store } from './store/index.js';

export interface AccountServices {
  apiKeys: ApiKeyService;
  accounts: AccountService;
  sessions: SessionService;
  credits: CreditService;
  billing: BillingService;
}

export function createAccountServices(store: Store, options: { signupPolicy: SignupPolicy; plansFile: string }): AccountServices {
  const credits = new CreditService(store.credits);
  const billing = new BillingService(store, PlanCatalog.fromFile(options.plansFile), credits);
  // With a default plan, a new account's credits are that plan's first month; without one, the
  // fixed starting grant.
  const hasDefaultPlan = billing.catalog.defaultPlan !== null;
  return {
    apiKeys: new ApiKeyService(store.apiKeys),
    accounts: new AccountService(store, {
      signupPolicy: options.signupPolicy,
      openingGrants: hasDefaultPlan ? [] : startingGrants(false),
      onboard: async (accountId, now) => {
        await billing.onboard(accountId, now);
      },
    }),
    sessions: new SessionService(store),
    credits,
    billing,
  };
}
