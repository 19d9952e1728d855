// The store as a whole: one handle the service opens at start and closes at exit.
import type { AccountRepository, ApiKeyRepository, JobRepository } from './repositories.js';

export interface Store {
  readonly accounts: AccountRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly jobs: JobRepository;
  close(): Promise<void>;
}
