// Verifying a Mouthpiece webhook on the receiving side, as the Standard Webhooks spec says:
// HMAC-SHA256 over "{webhook-id}.{webhook-timestamp}.{raw body}" with the base64-decoded part of
// the `whsec_…` secret, compared against each `v1,<base64>` in `webhook-signature`, and a
// timestamp within the tolerance (replay protection). Web Crypto only, so it runs anywhere
// `crypto.subtle` exists (Node 20+, browsers, edge runtimes).
import { WebhookVerificationError } from './errors.js';
import type { JobObject } from './types.js';

/** Node's `req.headers`, a fetch `Headers`, or any name → value map. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyWebhookOptions {
  /** Largest accepted distance between webhook-timestamp and now, either way. Default 300 s. */
  toleranceSec?: number;
  /** Unix seconds to judge the timestamp against (tests); default the clock. */
  nowSec?: number;
}

const SECRET_PREFIX = 'whsec_';
const DEFAULT_TOLERANCE_SEC = 5 * 60;

/**
 * Checks a webhook request and answers its payload, the job object. Throws
 * WebhookVerificationError when headers are missing, the timestamp is outside the tolerance, or
 * no signature matches. `rawBody` must be the bytes as received: parsed-and-reserialised JSON
 * is not what was signed.
 */
export async function verifyWebhook(
  secret: string,
  headers: WebhookHeaders,
  rawBody: string | Uint8Array | ArrayBuffer,
  options: VerifyWebhookOptions = {},
): Promise<JobObject> {
  const key = await importKey(secret);
  const body = bodyBytes(rawBody);
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) {
    throw new WebhookVerificationError('missing_headers', 'The request lacks webhook-id, webhook-timestamp or webhook-signature');
  }
  checkTimestamp(timestamp, options);

  const signed = concat(new TextEncoder().encode(`${id}.${timestamp}.`), body);
  for (const candidate of signatures.split(' ')) {
    const [version, value] = candidate.split(',', 2);
    if (version !== 'v1' || !value) continue;
    const signature = decodeBase64(value);
    if (signature && (await crypto.subtle.verify('HMAC', key, signature, signed))) return parseJson(body);
  }
  throw new WebhookVerificationError('no_matching_signature', 'No webhook-signature matches this body and secret');
}

async function importKey(secret: string): ReturnType<typeof crypto.subtle.importKey> {
  const bytes = typeof secret === 'string' && secret.startsWith(SECRET_PREFIX) ? decodeBase64(secret.slice(SECRET_PREFIX.length)) : null;
  if (!bytes || bytes.length === 0) {
    throw new WebhookVerificationError('invalid_secret', 'The webhook secret must be the whsec_… value from GET /api/v1/account');
  }
  return crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
}

function bodyBytes(rawBody: unknown): Uint8Array<ArrayBuffer> {
  if (typeof rawBody === 'string') return new TextEncoder().encode(rawBody);
  if (rawBody instanceof ArrayBuffer) return new Uint8Array(rawBody);
  if (rawBody instanceof Uint8Array) return new Uint8Array(rawBody);
  throw new WebhookVerificationError(
    'raw_body_required',
    'Pass the raw request body (a string or bytes), not parsed JSON: re-serialised JSON is not the signed bytes',
  );
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

function checkTimestamp(timestamp: string, options: VerifyWebhookOptions): void {
  if (!/^\d+$/.test(timestamp)) {
    throw new WebhookVerificationError('invalid_timestamp', 'webhook-timestamp is not a Unix time in seconds');
  }
  const now = options.nowSec ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSec ?? DEFAULT_TOLERANCE_SEC;
  const sentAt = Number(timestamp);
  if (sentAt < now - tolerance) {
    throw new WebhookVerificationError('timestamp_too_old', `The webhook was signed ${now - sentAt} s ago, more than the ${tolerance} s tolerance`);
  }
  if (sentAt > now + tolerance) {
    throw new WebhookVerificationError('timestamp_too_new', `The webhook is dated ${sentAt - now} s in the future, more than the ${tolerance} s tolerance`);
  }
}

function parseJson(body: Uint8Array): JobObject {
  try {
    return JSON.parse(new TextDecoder().decode(body)) as JobObject;
  } catch {
    throw new WebhookVerificationError('invalid_json', 'The webhook body is signed but is not JSON');
  }
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
