// Credits: pricing, the ledger seen as balances, starting grants. Cost estimates (which fetch and
// probe media, so they load the engine's media layer) are imported from ./estimate.js by the
// server alone, keeping the CLI's credit and key commands light.
export {
  CREDITS_PER_SECOND,
  MINIMUM_BILLED_SECONDS,
  billedSeconds,
  creditsFor,
  minimumCharge,
  outputSecondsFor,
  resolutionOf,
  type MultiOrder,
  type TrackSeconds,
} from './pricing.js';
export { ADMIN_STARTING_CREDITS, MEMBER_STARTING_CREDITS, startingGrants } from './plans.js';
export { CreditService, type CreditSummary } from './credits.js';
export { InsufficientCreditsError, insufficientCreditsMessage } from './errors.js';
export { PlanCatalog, PlansFileError, type Plan } from './plan-catalog.js';
export {
  BillingService,
  ManualBillingProvider,
  UnknownPlanError,
  PLAN_PERIOD_MS,
  type BillingProvider,
} from './billing-provider.js';
