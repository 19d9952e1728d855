// API keys: `sk_<keyId>_<secret>`. The key id is public (listings, logs); the secret is 190 bits
// of base62 shown once at creation. Only sha256(secret) is stored, and it is compared in constant
// time so a response's timing says nothing about how much of a guessed secret was right.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyRecord, ApiKeyRepository } from '../store/index.js';

const KEY_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const KEY_ID_LENGTH = 10;
/** 32 base62 characters = 190 bits, above the contract's 128-bit floor. */
const SECRET_LENGTH = 32;
const API_KEY_PATTERN = /^sk_([a-z0-9]{10})_([A-Za-z0-9]{32})$/;

/** Writing last_used_at on every request would make each GET a write; once a minute is enough. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface CreatedApiKey {
  /** The whole key, `sk_<keyId>_<secret>`: show it once, never store it. */
  key: string;
  record: ApiKeyRecord;
}

export type KeyCheck =
  | { ok: true; keyId: string; accountId: string }
  | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' };

/** Builds a new key for `accountId` (not yet stored). */
export function mintApiKey(accountId: string, name: string, now = Date.now()): CreatedApiKey {
  const keyId = randomString(KEY_ID_ALPHABET, KEY_ID_LENGTH);
  const secret = randomString(SECRET_ALPHABET, SECRET_LENGTH);
  return {
    key: `sk_${keyId}_${secret}`,
    record: {
      keyId,
      secretHash: hashSecret(secret),
      name,
      accountId,
      createdAt: now,
      lastUsedAt: null,
      revokedAt: null,
    },
  };
}

/** Splits a presented key into its parts; null when it is not shaped like one of ours. */
export function parseApiKey(key: string): { keyId: string; secret: string } | null {
  const match = API_KEY_PATTERN.exec(key);
  return match ? { keyId: match[1], secret: match[2] } : null;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Creates, verifies and revokes keys over a repository; remembers when each was last recorded. */
export class ApiKeyService {
  private readonly lastRecordedUse = new Map<string, number>();

  constructor(private readonly keys: ApiKeyRepository) {}

  async create(accountId: string, name: string): Promise<CreatedApiKey> {
    const created = mintApiKey(accountId, name);
    await this.keys.create(created.record);
    return created;
  }

  async verify(presented: string, now = Date.now()): Promise<KeyCheck> {
    const parts = parseApiKey(presented);
    if (!parts) return { ok: false, reason: 'malformed' };
    const record = await this.keys.findByKeyId(parts.keyId);
    if (!record || !secretMatches(parts.secret, record.secretHash)) {
      return { ok: false, reason: 'unknown' };
    }
    if (record.revokedAt !== null) return { ok: false, reason: 'revoked' };
    await this.noteUse(record.keyId, now);
    return { ok: true, keyId: record.keyId, accountId: record.accountId };
  }

  revoke(keyId: string): Promise<boolean> {
    return this.keys.revoke(keyId, Date.now());
  }

  list(accountId?: string): Promise<ApiKeyRecord[]> {
    return this.keys.list(accountId);
  }

  private async noteUse(keyId: string, now: number): Promise<void> {
    const last = this.lastRecordedUse.get(keyId);
    if (last !== undefined && now - last < LAST_USED_RESOLUTION_MS) return;
    this.lastRecordedUse.set(keyId, now);
    await this.keys.recordUse(keyId, now);
  }
}

function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

/** Uniform random string: bytes ≥ 248 are rejected so no character is more likely than another. */
function randomString(alphabet: string, length: number): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= limit) continue;
      out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

/** Random lowercase id for accounts and similar public identifiers. */
export function randomId(prefix: string, length = 12): string {
  return `${prefix}${randomString(KEY_ID_ALPHABET, length)}`;
}
