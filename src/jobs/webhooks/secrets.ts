// Each account's webhook signing secret: created the first time it is needed (shown in
// GET /api/v1/account or used to sign), rotatable, with the old secret still signing beside the
// new one for a day so receivers can switch without rejecting anything in between.
import type { WebhookSecretRepository, WebhookSecrets } from '../../store/index.js';
import { newWebhookSecret } from './signature.js';

/** How long a rotated-out secret keeps signing (its signature is sent next to the new one). */
export const ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;

export interface WebhookSecretView {
  /** The secret receivers verify with, `whsec_…`. */
  secret: string;
  /** Until when the previous secret also signs; null when there is none in force. */
  previousSecretExpiresAt: number | null;
}

export class WebhookSecretService {
  constructor(private readonly secrets: WebhookSecretRepository) {}

  /** The account's secret, created now if it has none. */
  async current(accountId: string, now = Date.now()): Promise<WebhookSecretView> {
    return view(await this.ensure(accountId, now), now);
  }

  /** A new secret; the one it replaces keeps signing for ROTATION_GRACE_MS. */
  async rotate(accountId: string, now = Date.now()): Promise<WebhookSecretView> {
    return view(await this.secrets.rotate(accountId, newWebhookSecret(), now + ROTATION_GRACE_MS, now), now);
  }

  /** Secrets to sign with right now: the current one first, then a rotated-out one in its grace period. */
  async signingSecrets(accountId: string, now = Date.now()): Promise<string[]> {
    const stored = await this.ensure(accountId, now);
    const previous = previousInForce(stored, now);
    return previous ? [stored.secret, previous] : [stored.secret];
  }

  private async ensure(accountId: string, now: number): Promise<WebhookSecrets> {
    return (await this.secrets.find(accountId)) ?? this.secrets.createIfAbsent(accountId, newWebhookSecret(), now);
  }
}

function previousInForce(stored: WebhookSecrets, now: number): string | null {
  if (stored.previousSecret === null || stored.previousExpiresAt === null) return null;
  return stored.previousExpiresAt > now ? stored.previousSecret : null;
}

function view(stored: WebhookSecrets, now: number): WebhookSecretView {
  return { secret: stored.secret, previousSecretExpiresAt: previousInForce(stored, now) ? stored.previousExpiresAt : null };
}
