// GET /api/v1/account's body: who the caller is and what it can spend. Built in one function
// from the services that own each part, so new parts (webhook secret, plan) are one line each.
import { Type, type Static } from 'typebox';
import type { BillingService, CreditService } from '../billing/index.js';
import type { WebhookSecretService } from '../jobs/webhooks/index.js';

export const AccountSchema = Type.Object({
  id: Type.String({ description: 'The account id (acct_…).' }),
  plan: Type.Union([Type.String(), Type.Null()], { description: 'The id of the account\'s plan (see the dashboard\'s Credits page), or null when it has none.' }),
  apiCredits: Type.Integer({ description: 'Spendable API credits (what API calls spend), running jobs’ holds already subtracted.' }),
  userCredits: Type.Integer({ description: 'Spendable user credits (what the dashboard playground spends). Never converts into API credits.' }),
  heldCredits: Type.Object(
    { api: Type.Integer(), user: Type.Integer() },
    { description: 'Credits reserved for processing jobs; charged on completion, returned on failure or cancel.' },
  ),
  webhookSecret: Type.String({
    description: 'whsec_…: the secret webhook signatures are made with (Standard Webhooks). Rotate: POST /api/v1/account/webhook-secret/rotate.',
  }),
});
export type AccountView = Static<typeof AccountSchema>;

export interface AccountViewSources {
  credits: CreditService;
  webhookSecrets: WebhookSecretService;
  /** The account's plan; absent where plans are not in use. */
  billing?: Pick<BillingService, 'currentPlan'>;
}

export async function buildAccountView(accountId: string, sources: AccountViewSources): Promise<AccountView> {
  const { balances, held } = await sources.credits.summary(accountId);
  const { secret } = await sources.webhookSecrets.current(accountId);
  const plan = sources.billing ? await sources.billing.currentPlan(accountId) : null;
  return {
    id: accountId,
    plan: plan?.id ?? null,
    apiCredits: balances.api,
    userCredits: balances.user,
    heldCredits: held,
    webhookSecret: secret,
  };
}
