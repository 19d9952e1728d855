// The store as a whole: one handle the service opens at start and closes at exit.
import type {
  AccountRepository,
  ApiKeyRepository,
  CreditLedgerRepository,
  JobRepository,
  SessionRepository,
  WebhookDeliveryRepository,
  WebhookSecretRepository,
} from './repositories.js';

export interface Store {
  readonly accounts: AccountRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly sessions: SessionRepository;
  readonly jobs: JobRepository;
  readonly credits: CreditLedgerRepository;
  readonly webhookSecrets: WebhookSecretRepository;
  readonly webhookDeliveries: WebhookDeliveryRepository;
  close(): Promise<void>;
}
