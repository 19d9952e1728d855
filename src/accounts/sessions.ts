// Dashboard sessions: a random token in an HttpOnly cookie, its sha256 in the database. A token
// is only ever minted here at log-in, so a session id planted before log-in is never adopted.
import { createHash, randomBytes } from 'node:crypto';
import type { Account, Store } from '../store/index.js';

/** A session ends after this long without a request (sliding). */
export const SESSION_IDLE_MS = 7 * 24 * 3600_000;
/** Activity is written at most this often, so polling pages do not write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export interface LiveSession {
  /** sha256 of the token: stable, safe to log and to bind CSRF tokens to. */
  sessionId: string;
  account: Account;
}

export class SessionService {
  constructor(private readonly store: Pick<Store, 'sessions'>) {}

  async start(accountId: string, userAgent = '', now = Date.now()): Promise<{ token: string; expiresAt: number }> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = now + SESSION_IDLE_MS;
    await this.store.sessions.create({
      idHash: hashToken(token),
      accountId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
      userAgent: userAgent.slice(0, 300),
    });
    return { token, expiresAt };
  }

  async resolve(token: string, now = Date.now()): Promise<LiveSession | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const idHash = hashToken(token);
    const found = await this.store.sessions.findLive(idHash, now);
    if (!found) return undefined;
    if (now - found.session.lastSeenAt >= TOUCH_INTERVAL_MS) {
      await this.store.sessions.touch(idHash, now, now + SESSION_IDLE_MS);
    }
    return { sessionId: idHash, account: found.account };
  }

  async end(token: string): Promise<void> {
    await this.store.sessions.delete(hashToken(token));
  }

  /** Ends every other session of the account (after a password change), keeping `keepToken`'s. */
  async endOthers(accountId: string, keepToken: string | null): Promise<void> {
    await this.store.sessions.deleteForAccount(accountId, keepToken ? hashToken(keepToken) : null);
  }

  sweepExpired(now = Date.now()): Promise<number> {
    return this.store.sessions.deleteExpired(now);
  }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
