// Accounts and API keys.
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
