// API keys: `sk_<keyId>_<secret>`. The key id is public (listings, logs); the secret is 190 bits
// of base62 shown once at creation. Only sha256(secret) is stored, and it is compared in constant
// time so a response's timing says nothing about how much of a guessed secret was right.
// Successful verifications are reused for a few seconds (see VERIFIED_KEY_TTL_MS).
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyRecord, ApiKeyRepository } from '../store/index.js';

const KEY_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const KEY_ID_LENGTH = 10;
/** 32 base62 characters = 190 bits, above the contract's 128-bit floor. */
const SECRET_LENGTH = 32;
const API_KEY_PATTERN = /^sk_([a-z0-9]{10})_([A-Za-z0-9]{32})$/;

/** Writing last_used_at on every request would make each GET a write; once a minute is enough. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * How long a successful verification is trusted without reading the key again: a polling client
 * presents the same key many times a second, and the row read was a measured share of each poll
 * (bench/api.ts). A revocation through any ApiKeyService of this process over the same repository
 * takes effect at once; one made by another process (the CLI on the same database) takes effect
 * within this bound.
 */
export const VERIFIED_KEY_TTL_MS = 5_000;
/** Only valid keys are remembered, so this only bounds memory when very many keys are in use. */
const MAX_VERIFIED_KEYS = 10_000;

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

/** sha256 hex. crypto.hash (Node ≥ 20.12) costs a third of createHash, and it runs on every API call. */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** Creates, verifies and revokes keys over a repository; remembers when each was last recorded. */
export class ApiKeyService {
  private readonly lastRecordedUse = new Map<string, number>();
  private readonly verified: VerifiedKeys;

  constructor(private readonly keys: ApiKeyRepository) {
    this.verified = VerifiedKeys.of(keys);
  }

  async create(accountId: string, name: string): Promise<CreatedApiKey> {
    const created = mintApiKey(accountId, name);
    await this.keys.create(created.record);
    return created;
  }

  async verify(presented: string, now = Date.now()): Promise<KeyCheck> {
    const parts = parseApiKey(presented);
    if (!parts) return { ok: false, reason: 'malformed' };
    const secretHash = hashSecret(parts.secret);
    const known = this.verified.find(secretHash, parts.keyId, now);
    if (known) {
      if (this.useIsDue(known.keyId, now)) await this.keys.recordUse(known.keyId, now);
      return { ok: true, keyId: known.keyId, accountId: known.accountId };
    }
    const revocationsBefore = this.verified.revocations;
    const record = await this.keys.findByKeyId(parts.keyId);
    if (!record || !hashesMatch(secretHash, record.secretHash)) {
      return { ok: false, reason: 'unknown' };
    }
    if (record.revokedAt !== null) return { ok: false, reason: 'revoked' };
    // A revocation that finished while the row was being read may not be in the row we got.
    if (this.verified.revocations === revocationsBefore) this.verified.remember(secretHash, record, now);
    if (this.useIsDue(record.keyId, now)) await this.keys.recordUse(record.keyId, now);
    return { ok: true, keyId: record.keyId, accountId: record.accountId };
  }

  async revoke(keyId: string): Promise<boolean> {
    const revoked = await this.keys.revoke(keyId, Date.now());
    // Also when it was already revoked (by another process): stop trusting it here now.
    this.verified.forget(keyId);
    return revoked;
  }

  list(accountId?: string): Promise<ApiKeyRecord[]> {
    return this.keys.list(accountId);
  }

  /** True (and noted) when last_used_at should be written for this use. */
  private useIsDue(keyId: string, now: number): boolean {
    const last = this.lastRecordedUse.get(keyId);
    if (last !== undefined && now - last < LAST_USED_RESOLUTION_MS) return false;
    this.lastRecordedUse.set(keyId, now);
    return true;
  }
}

interface VerifiedKey {
  keyId: string;
  accountId: string;
  expiresAt: number;
}

/**
 * Recently verified keys by sha256 of their secret (the plain secret is never kept). One set per
 * repository, shared by every service over it, so a revocation through any of them is seen by
 * the one authenticating requests. Looking up by a hash leaks nothing useful through timing: a
 * guess would have to match a stored hash, not a secret's prefix.
 */
class VerifiedKeys {
  private static readonly byRepository = new WeakMap<ApiKeyRepository, VerifiedKeys>();
  private readonly entries = new Map<string, VerifiedKey>();
  /** Counts revocations, so a verification that raced one is not remembered. */
  revocations = 0;

  static of(repository: ApiKeyRepository): VerifiedKeys {
    let keys = VerifiedKeys.byRepository.get(repository);
    if (!keys) VerifiedKeys.byRepository.set(repository, (keys = new VerifiedKeys()));
    return keys;
  }

  find(secretHash: string, keyId: string, now: number): VerifiedKey | undefined {
    const entry = this.entries.get(secretHash);
    if (!entry) return undefined;
    if (entry.keyId === keyId && now < entry.expiresAt) return entry;
    this.entries.delete(secretHash);
    return undefined;
  }

  remember(secretHash: string, record: ApiKeyRecord, now: number): void {
    // Oldest first in a Map's order: when full, the least recently verified key goes.
    this.entries.delete(secretHash);
    if (this.entries.size >= MAX_VERIFIED_KEYS) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(secretHash, { keyId: record.keyId, accountId: record.accountId, expiresAt: now + VERIFIED_KEY_TTL_MS });
  }

  forget(keyId: string): void {
    this.revocations++;
    for (const [secretHash, entry] of this.entries) {
      if (entry.keyId === keyId) this.entries.delete(secretHash);
    }
  }
}

function hashesMatch(presentedHash: string, storedHash: string): boolean {
  const presented = Buffer.from(presentedHash, 'hex');
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
