// Standard Webhooks signatures (the spec at standardwebhooks.com): the receiver gets
// `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256>`
// over "{id}.{timestamp}.{body}", keyed with the base64-decoded part of the `whsec_…` secret.
import { createHmac, randomBytes } from 'node:crypto';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** 256 bits; the spec recommends secrets of 24 to 64 random bytes. */
const SECRET_BYTES = 32;

/** A fresh `whsec_<base64>` secret. */
export function newWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/** The HMAC key inside a `whsec_…` secret. */
export function webhookSecretKey(secret: string): Buffer {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) throw new Error('a webhook secret starts with whsec_');
  return Buffer.from(secret.slice(WEBHOOK_SECRET_PREFIX.length), 'base64');
}

export interface SignedMessage {
  id: string;
  /** Unix seconds of this attempt (every retry is signed afresh). */
  timestamp: number;
  /** The exact bytes sent as the request body. */
  body: Buffer;
}

/**
 * The `webhook-signature` header value: one `v1,<sig>` per secret, space-separated (the spec's
 * form for signing with a new and a rotated-out secret at once).
 */
export function webhookSignatureHeader(message: SignedMessage, secrets: readonly string[]): string {
  return secrets.map((secret) => `v1,${signature(message, secret)}`).join(' ');
}

function signature({ id, timestamp, body }: SignedMessage, secret: string): string {
  return createHmac('sha256', webhookSecretKey(secret))
    .update(`${id}.${timestamp}.`, 'utf8')
    .update(body)
    .digest('base64');
}

/** Headers of one attempt, signed over `body` exactly as it will be sent. */
export function signedWebhookHeaders(message: SignedMessage, secrets: readonly string[]): Record<string, string> {
  return {
    'webhook-id': message.id,
    'webhook-timestamp': String(message.timestamp),
    'webhook-signature': webhookSignatureHeader(message, secrets),
  };
}
