// The one place where failures become HTTP responses: every non-2xx body has the contract's
// shape, bad input is always 4xx, and anything unexpected is a logged 500 without internals.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { apiErrorFromDomain } from './domain-errors.js';
import { ApiError, errorBody, type ErrorBody } from './errors.js';
import { describeValidationError } from './validation-messages.js';

/** Fastify's own client errors, by code, with the answer we give. */
const FASTIFY_CLIENT_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_request', message: 'The request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_request', message: 'The request body is empty; send a JSON object' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', message: 'The request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: 'Send the request body as application/json' },
  FST_CSRF_MISSING_SECRET: { status: 403, code: 'csrf_failed', message: 'Missing CSRF token: reload the page and try again' },
  FST_CSRF_INVALID_TOKEN: { status: 403, code: 'csrf_failed', message: 'Invalid CSRF token: reload the page and try again (send the page\'s token as x-csrf-token)' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_request', message: 'Content-Length does not match the body' },
};

export interface ErrorHandlingOptions {
  /** Answers an unknown route for browsers (an HTML page) or returns undefined for JSON. */
  notFoundPage?: (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined;
}

export const errorHandling = fp<ErrorHandlingOptions>(
  async (app: FastifyInstance, options) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const { status, body, headers } = toErrorResponse(error);
      if (status >= 500) request.log.error({ err: error }, 'request failed');
      else request.log.info({ status, code: body.error.code, reason: body.error.message }, 'request rejected');
      return reply.code(status).headers(headers).send(body);
    });
    app.setNotFoundHandler(
      (request, reply) =>
        options.notFoundPage?.(request, reply) ??
        reply.code(404).send(errorBody('not_found', `No route for ${request.method} ${request.url.split('?')[0]}`)),
    );
  },
  { name: 'error-handling' },
);

function toErrorResponse(error: FastifyError): { status: number; body: ErrorBody; headers: Record<string, string> } {
  if (error instanceof ApiError) return { status: error.statusCode, body: error.toBody(), headers: error.headers };
  const domain = apiErrorFromDomain(error);
  if (domain) return { status: domain.statusCode, body: domain.toBody(), headers: domain.headers };

  if (error.validation && error.validation.length > 0) {
    const { field, message } = describeValidationError(error.validation[0], error.validationContext ?? 'body');
    return { status: 400, body: errorBody('invalid_request', message, field), headers: {} };
  }

  const known = error.code ? FASTIFY_CLIENT_ERRORS[error.code] : undefined;
  if (known) return { status: known.status, body: errorBody(known.code, known.message), headers: {} };

  // Other 4xx from Fastify or plugins (e.g. prototype poisoning in JSON): their messages are
  // written for clients, keep them.
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return { status, body: errorBody(status === 404 ? 'not_found' : 'invalid_request', error.message), headers: {} };
  }
  return { status: 500, body: errorBody('internal_error', 'Internal server error'), headers: {} };
}
