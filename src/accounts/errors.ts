// What can go wrong with sign-up, log-in and passwords, in words a person can act on.
export type AccountErrorCode =
  | 'invalid_email'
  | 'weak_password'
  | 'email_taken'
  | 'invite_required'
  | 'invite_invalid'
  | 'bad_credentials'
  | 'too_many_attempts'
  | 'not_found';

export class AccountError extends Error {
  constructor(
    readonly code: AccountErrorCode,
    message: string,
    /** The form field at fault (email, password, newPassword, invite), or null. */
    readonly field: string | null = null,
    /** For too_many_attempts: when trying again makes sense. */
    readonly retryAfterSeconds = 0,
  ) {
    super(message);
    this.name = 'AccountError';
  }
}
