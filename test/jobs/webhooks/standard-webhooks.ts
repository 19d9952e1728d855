// Standard Webhooks verification written out again from the spec, sharing no code with the
// server or the SDK, so a test that passes both checks is not just the implementation agreeing
// with itself.
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The spec, written out again without any of our code: the key is the base64 after `whsec_`,
 * the content "{id}.{timestamp}.{body}", and any space-separated `v1,` entry may match.
 */
export function independentlyVerified(secret: string, headers: Record<string, string | string[] | undefined>, body: Buffer, nowSec: number): boolean {
  const id = String(headers['webhook-id']);
  const timestamp = String(headers['webhook-timestamp']);
  if (Math.abs(nowSec - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.split('_')[1], 'base64');
  const expected = createHmac('sha256', key).update(Buffer.concat([Buffer.from(`${id}.${timestamp}.`), body])).digest();
  return String(headers['webhook-signature'])
    .split(' ')
    .map((entry) => entry.split(','))
    .some(([version, sig]) => {
      const given = Buffer.from(sig ?? '', 'base64');
      return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
}
