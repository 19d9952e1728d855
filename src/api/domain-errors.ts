// Failures of the services (jobs, billing) as HTTP errors: each typed error has one status.
// The error handler calls this first, so routes can let service errors propagate.
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
  return undefined;
}
