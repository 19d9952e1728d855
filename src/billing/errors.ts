// Billing failures, with messages written for the end user (they become a job's `error`).

/** The exact cost of a job, known once its inputs are probed, is more than the balance holds. */
export class InsufficientCreditsError extends Error {
  readonly code = 'insufficient_credits';
  constructor(
    readonly needed: number,
    readonly balance: number,
  ) {
    super(insufficientCreditsMessage(needed, balance));
    this.name = 'InsufficientCreditsError';
  }
}

export function insufficientCreditsMessage(needed: number, balance: number): string {
  return `Insufficient credits: needs ${needed}, balance ${balance}`;
}
