// What the dashboard is given by the server: the services its pages call and the public URL its
// examples show.
import type { AccountService, ApiKeyService, SessionService } from '../accounts/index.js';
import type { BillingService, CreditService } from '../billing/index.js';
import type { JobService } from '../jobs/index.js';
import type { UploadStore } from '../jobs/uploads.js';

export interface WebDashboardOptions {
  accounts: AccountService;
  sessions: SessionService;
  apiKeys: ApiKeyService;
  credits: CreditService;
  billing: BillingService;
  jobs: JobService;
  /** Base of the URLs shown in the guide's examples, e.g. https://lipsync.example.com. */
  publicUrl: string;
  /** Where the playground's files go; without it the playground page is not served. */
  uploads?: UploadStore;
  /** Largest playground upload (the same limit as POST /api/v1/uploads). */
  maxUploadBytes?: number;
}
