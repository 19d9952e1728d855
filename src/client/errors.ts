// The SDK's errors. An API error carries the contract's error body (`code`, `message`, `field`)
// and is a subclass per kind of problem, so callers can `catch (e) { if (e instanceof
// RateLimitError) … }` without comparing status codes.
import type { ErrorBody } from './types.js';

export class MouthpieceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The API answered with a non-2xx status. */
export class MouthpieceApiError extends MouthpieceError {
  /** The contract's error code, e.g. `invalid_request`. */
  readonly code: string;
  /** The request field at fault (`formState.audio`), when there is one. */
  readonly field: string | null;
  /** Seconds the server asked to wait (429), when it said. */
  readonly retryAfterSeconds: number | null;

  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    /** The server's x-request-id: quote it when asking the operator. */
    readonly requestId: string | null,
    retryAfterSeconds: number | null = null,
  ) {
    super(body.error.message);
    this.code = body.error.code;
    this.field = body.error.field ?? null;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** 400/413/415: the request is wrong; `field` names what to fix. */
export class InvalidRequestError extends MouthpieceApiError {}
/** 401: no, malformed, unknown or revoked API key. */
export class AuthenticationError extends MouthpieceApiError {}
/** 402: not enough credits to start the job. */
export class InsufficientCreditsError extends MouthpieceApiError {}
/** 404: no such job (or another account's). */
export class NotFoundError extends MouthpieceApiError {}
/** 409: the request conflicts with the job's state (e.g. redelivering a job still processing). */
export class ConflictError extends MouthpieceApiError {}
/** 422: e.g. an Idempotency-Key reused with a different body. */
export class UnprocessableError extends MouthpieceApiError {}
/** 429: rate or concurrency limit; `retryAfterSeconds` says when to come back. */
export class RateLimitError extends MouthpieceApiError {}
/** 5xx: the server failed; worth retrying later. */
export class ServerError extends MouthpieceApiError {}

/** The API could not be reached, or answered something that is not the API's JSON. */
export class MouthpieceConnectionError extends MouthpieceError {}

/** waitForJob's `timeoutMs` passed before the job finished (it goes on running). */
export class JobWaitTimeoutError extends MouthpieceError {}

export type WebhookVerificationProblem =
  | 'invalid_secret'
  | 'raw_body_required'
  | 'missing_headers'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'no_matching_signature'
  | 'invalid_json';

/** A webhook request that must not be trusted (or a verification set up wrongly); answer it 4xx. */
export class WebhookVerificationError extends MouthpieceError {
  constructor(
    readonly problem: WebhookVerificationProblem,
    message: string,
  ) {
    super(message);
  }
}

const API_ERRORS: Record<number, new (...args: ConstructorParameters<typeof MouthpieceApiError>) => MouthpieceApiError> = {
  400: InvalidRequestError,
  401: AuthenticationError,
  402: InsufficientCreditsError,
  404: NotFoundError,
  409: ConflictError,
  413: InvalidRequestError,
  415: InvalidRequestError,
  422: UnprocessableError,
  429: RateLimitError,
};

/** The typed error for a non-2xx answer; a body without the contract's shape is described as one. */
export function apiErrorFor(status: number, body: unknown, requestId: string | null, retryAfter: string | null): MouthpieceApiError {
  const errorBody = isErrorBody(body)
    ? body
    : { error: { code: status >= 500 ? 'server_error' : 'http_error', message: `The server answered HTTP ${status}`, field: null } };
  const retryAfterSeconds = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter.trim()) : null;
  const ErrorClass = API_ERRORS[status] ?? (status >= 500 ? ServerError : MouthpieceApiError);
  return new ErrorClass(status, errorBody, requestId, retryAfterSeconds);
}

function isErrorBody(body: unknown): body is ErrorBody {
  const error = (body as ErrorBody | undefined)?.error;
  return typeof error === 'object' && error !== null && typeof error.code === 'string' && typeof error.message === 'string';
}
