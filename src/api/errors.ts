// Typed HTTP errors. Routes and plugins throw these; the one error handler turns them (and
// Fastify's own errors) into the contract's `{ error: { code, message, field } }` body.

export interface ErrorBody {
  error: { code: string; message: string; field: string | null };
}

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): ErrorBody {
    return errorBody(this.code, this.message, this.field);
  }
}

export function errorBody(code: string, message: string, field: string | null = null): ErrorBody {
  return { error: { code, message, field } };
}

export const invalidRequest = (message: string, field: string | null = null) =>
  new ApiError(400, 'invalid_request', message, field);

export const unauthorized = (message: string) => new ApiError(401, 'unauthorized', message);

export const notFound = (message: string) => new ApiError(404, 'not_found', message);

export const paymentRequired = (message: string) => new ApiError(402, 'insufficient_credits', message);

export const conflict = (message: string) => new ApiError(409, 'conflict', message);

export const tooManyRequests = (code: string, message: string, retryAfterSeconds: number) =>
  new ApiError(429, code, message, null, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
