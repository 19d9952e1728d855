// Accounts: sign-up and log-in, sessions, invites and API keys.
export {
  ApiKeyService,
  mintApiKey,
  parseApiKey,
  hashSecret,
  randomId,
  type CreatedApiKey,
  type KeyCheck,
} from './api-keys.js';
export {
  ensureBootstrapAccount,
  findOrCreateAdminAccount,
  bootstrapKeyNotice,
  BOOTSTRAP_KEY_NAME,
  type BootstrapResult,
} from './bootstrap.js';
export { AccountService, SIGNUP_POLICIES, INVITE_TTL_MS, type SignupPolicy, type SignUpInput, type AccountServiceOptions } from './account-service.js';
export { AccountError, type AccountErrorCode } from './errors.js';
export { LoginThrottle } from './login-throttle.js';
export { SessionService, SESSION_IDLE_MS, hashToken, type LiveSession } from './sessions.js';
export { MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH } from './passwords.js';
export { loadServerSecret } from './server-secret.js';
