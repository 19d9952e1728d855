// Failures of the services (jobs, billing) as HTTP errors: each typed error has one status.
// The error handler calls this first, so routes can let service errors propagate.
import { AccountError } from '../accounts/index.js';
import { UnknownPlanError } from '../billing/index.js';
import { EstimateInputError } from '../billing/estimate.js';
import {
  IdempotencyKeyReusedError,
  JobNotFoundError,
  JobStateConflictError,
  NotEnoughCreditsError,
  TooManyProcessingJobsError,
} from '../jobs/index.js';
import { ApiError, conflict, notFound, paymentRequired, tooManyRequests } from './errors.js';

export function apiErrorFromDomain(error: unknown): ApiError | undefined {
  if (error instanceof IdempotencyKeyReusedError) return new ApiError(422, error.code, error.message, 'Idempotency-Key');
  if (error instanceof NotEnoughCreditsError) return paymentRequired(error.message);
  if (error instanceof TooManyProcessingJobsError) return tooManyRequests(error.code, error.message, error.retryAfterSeconds);
  if (error instanceof JobNotFoundError) return notFound(error.message);
  if (error instanceof JobStateConflictError) return conflict(error.message);
  // The media itself is the problem (unreachable, not audio, too long): the request was well
  // formed, so 422 rather than 400, naming the field.
  if (error instanceof EstimateInputError) return new ApiError(422, error.code, error.message, error.field);
  if (error instanceof AccountError) return accountApiError(error);
  if (error instanceof UnknownPlanError) return new ApiError(400, error.code, error.message, 'plan');
  return undefined;
}

const ACCOUNT_ERROR_STATUS: Record<AccountError['code'], number> = {
  invalid_email: 400,
  weak_password: 400,
  email_taken: 409,
  invite_required: 403,
  invite_invalid: 403,
  bad_credentials: 401,
  too_many_attempts: 429,
  not_found: 404,
};

function accountApiError(error: AccountError): ApiError {
  const headers: Record<string, string> = error.retryAfterSeconds > 0 ? { 'retry-after': String(error.retryAfterSeconds) } : {};
  return new ApiError(ACCOUNT_ERROR_STATUS[error.code], error.code, error.message, error.field, headers);
}
