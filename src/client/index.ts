// `mouthpiece/client`: the typed SDK of the Mouthpiece API. No dependencies beyond `fetch` and
// Web Crypto, so it runs in Node 20+, browsers and edge runtimes.
export { MouthpieceClient, type MouthpieceClientOptions, type RequestOptions, type SubmitOptions, type WaitOptions } from './client.js';
export { verifyWebhook, type VerifyWebhookOptions, type WebhookHeaders } from './verify-webhook.js';
export {
  MouthpieceError,
  MouthpieceApiError,
  InvalidRequestError,
  AuthenticationError,
  InsufficientCreditsError,
  NotFoundError,
  ConflictError,
  UnprocessableError,
  RateLimitError,
  ServerError,
  MouthpieceConnectionError,
  JobWaitTimeoutError,
  WebhookVerificationError,
  type WebhookVerificationProblem,
} from './errors.js';
export type * from './types.js';
