// Sign-up, log-in, passwords and invites: the rules of who may have an account and how they
// prove it. Storage is the store's; sessions are SessionService's.
import { randomBytes } from 'node:crypto';
import type { Account, CreditGrant, Store } from '../store/index.js';
import { randomId } from './api-keys.js';
import { AccountError } from './errors.js';
import { LoginThrottle } from './login-throttle.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, decoyPasswordHash, hashPassword, verifyPassword } from './passwords.js';
import { hashToken } from './sessions.js';

/** open: anyone may sign up; invite-only: a code from an admin is needed. */
export type SignupPolicy = 'open' | 'invite-only';
export const SIGNUP_POLICIES: readonly SignupPolicy[] = ['open', 'invite-only'];

export const INVITE_TTL_MS = 7 * 24 * 3600_000;

export interface AccountServiceOptions {
  signupPolicy: SignupPolicy;
  /** What a new account is given: its plan and opening credits (billing decides). */
  onboard(accountId: string, now: number): Promise<void>;
  /** Opening grants written in the account's creation transaction, when there is no plan to set. */
  openingGrants: CreditGrant[];
  throttle?: LoginThrottle;
}

export interface SignUpInput {
  email: string;
  password: string;
  inviteCode?: string;
}

export class AccountService {
  readonly signupPolicy: SignupPolicy;
  private readonly throttle: LoginThrottle;

  constructor(
    private readonly store: Pick<Store, 'accounts' | 'sessions'>,
    private readonly options: AccountServiceOptions,
  ) {
    this.signupPolicy = options.signupPolicy;
    this.throttle = options.throttle ?? new LoginThrottle();
  }

  async signUp(input: SignUpInput, now = Date.now()): Promise<Account> {
    const email = normalizeEmail(input.email);
    checkPassword(input.password, 'password');
    if (await this.store.accounts.findLogin(email)) {
      throw new AccountError('email_taken', 'An account with this e-mail already exists: log in instead', 'email');
    }
    const code = input.inviteCode?.trim();
    const passwordHash = await hashPassword(input.password);
    const id = randomId('acct_');
    if (code) {
      const accountId = await this.store.accounts
        .redeemInvite(hashToken(code), { id, email, isAdmin: false, createdAt: now, passwordHash }, this.options.openingGrants, now)
        .catch((error: unknown) => {
          if (isUniqueViolation(error)) throw emailTaken();
          throw error;
        });
      if (!accountId) throw new AccountError('invite_invalid', 'This invite code is not valid: it may have been used or have expired', 'invite');
      if (accountId === id) await this.options.onboard(id, now);
      return (await this.store.accounts.findById(accountId))!;
    }
    if (this.signupPolicy === 'invite-only') {
      throw new AccountError('invite_required', 'Sign-up needs an invite code from an administrator', 'invite');
    }
    try {
      await this.store.accounts.create({ id, email, isAdmin: false, createdAt: now, passwordHash }, this.options.openingGrants);
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken();
      throw error;
    }
    await this.options.onboard(id, now);
    return (await this.store.accounts.findById(id))!;
  }

  /**
   * The account whose e-mail and password these are. `clientAddress` counts failures per
   * address too, so one address cannot try many e-mails quickly.
   */
  async logIn(emailInput: string, password: string, clientAddress = '', now = Date.now()): Promise<Account> {
    const email = emailInput.trim().toLowerCase();
    const keys = [`email:${email}`, ...(clientAddress ? [`addr:${clientAddress}`] : [])];
    const wait = this.throttle.retryAfterSeconds(keys, now);
    if (wait > 0) {
      throw new AccountError('too_many_attempts', `Too many failed log-ins: try again in ${formatWait(wait)}`, null, wait);
    }
    const found = await this.store.accounts.findLogin(email);
    const stored = found?.passwordHash ?? (await decoyPasswordHash());
    const matches = password.length <= MAX_PASSWORD_LENGTH && (await verifyPassword(password, stored));
    if (!found || !found.passwordHash || !matches) {
      this.throttle.recordFailure(keys, now);
      throw new AccountError('bad_credentials', 'The e-mail or the password is not right');
    }
    this.throttle.recordSuccess([`email:${email}`]);
    return found.account;
  }

  async changePassword(accountId: string, current: string, next: string): Promise<void> {
    const stored = await this.store.accounts.passwordHash(accountId);
    if (!stored || !(current.length <= MAX_PASSWORD_LENGTH && (await verifyPassword(current, stored)))) {
      throw new AccountError('bad_credentials', 'The current password is not right', 'currentPassword');
    }
    checkPassword(next, 'newPassword');
    await this.store.accounts.setPassword(accountId, await hashPassword(next));
  }

  findById(id: string): Promise<Account | undefined> {
    return this.store.accounts.findById(id);
  }

  list(): Promise<Account[]> {
    return this.store.accounts.list();
  }

  /**
   * A one-time code. With `claimAccountId`, redeeming it sets that account's e-mail and password
   * instead of creating an account (how the operator takes over the admin made on first start).
   */
  async createInvite(createdBy: string | null, claimAccountId: string | null = null, now = Date.now()): Promise<{ code: string; expiresAt: number }> {
    const code = randomBytes(18).toString('base64url');
    const expiresAt = now + INVITE_TTL_MS;
    await this.store.accounts.createInvite({
      codeHash: hashToken(code),
      createdBy,
      claimAccountId,
      createdAt: now,
      expiresAt,
      usedAt: null,
      usedBy: null,
    });
    return { code, expiresAt };
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function normalizeEmail(input: string): string {
  const email = input.trim().toLowerCase();
  if (email.length === 0) throw new AccountError('invalid_email', 'Enter your e-mail address', 'email');
  if (email.length > 254 || !EMAIL.test(email)) {
    throw new AccountError('invalid_email', 'This does not look like an e-mail address (name@example.com)', 'email');
  }
  return email;
}

function checkPassword(password: string, field: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AccountError('weak_password', `The password needs at least ${MIN_PASSWORD_LENGTH} characters`, field);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new AccountError('weak_password', `The password may have at most ${MAX_PASSWORD_LENGTH} characters`, field);
  }
}

function emailTaken(): AccountError {
  return new AccountError('email_taken', 'An account with this e-mail already exists: log in instead', 'email');
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && String((error as { code?: unknown }).code).startsWith('SQLITE_CONSTRAINT_UNIQUE');
}

function formatWait(seconds: number): string {
  return seconds < 90 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}
