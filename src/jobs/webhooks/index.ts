// Signed webhook delivery: deliveries per finished job, the dispatcher that sends and retries
// them, and the accounts' signing secrets.
export { WebhookDispatcher, type WebhookDispatcherOptions } from './dispatcher.js';
export {
  WebhookDeliveryService,
  ENQUEUE_HORIZON_MS,
  type DeliveryReport,
  type DeliveryState,
  type RedeliverOutcome,
} from './deliveries.js';
export { WebhookSecretService, ROTATION_GRACE_MS, type WebhookSecretView } from './secrets.js';
export { DEFAULT_RETRY_SCHEDULE_MS, MAX_RETRY_AFTER_MS, nextRetryDelay, parseRetryAfter, proportionalJitter, type Jitter } from './schedule.js';
export { newWebhookSecret, signedWebhookHeaders, webhookSignatureHeader, WEBHOOK_SECRET_PREFIX } from './signature.js';
export { webhookUrlProblem, resolveWebhookTarget, WebhookRefusedError } from './target.js';
