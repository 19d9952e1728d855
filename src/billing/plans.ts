// Credits an account starts with. Self-hosting means the operator is the first (admin) account:
// it starts with enough never to meet a 402 in normal use. Other accounts start small and get
// more with `mouthpiece credits grant`.
import type { CreditGrant } from '../store/index.js';

/** 1 000 000 credits = 500 000 s (≈139 h) of 480p output, or ≈69 h of 720p. */
export const ADMIN_STARTING_CREDITS = 1_000_000;
/** 1 000 credits = 500 s of 480p output: enough to try the service. */
export const MEMBER_STARTING_CREDITS = 1_000;

/** The grants a new account is created with, on both balances. */
export function startingGrants(isAdmin: boolean): CreditGrant[] {
  const amount = isAdmin ? ADMIN_STARTING_CREDITS : MEMBER_STARTING_CREDITS;
  return [
    { balance: 'api', amount, note: 'starting credits' },
    { balance: 'user', amount, note: 'starting credits' },
  ];
}
