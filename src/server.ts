// Builds the HTTP application from its plugins. No behaviour lives here: each concern is a
// plugin under api/, and the services they call are handed in ready-made.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AccountService, ApiKeyService, SessionService } from './accounts/index.js';
import { AccessLog } from './api/access-log.js';
import { apiKeyAuth } from './api/auth.js';
import { errorHandling } from './api/error-handler.js';
import { openApiDocs } from './api/openapi.js';
import { notFoundPageFor } from './web/context.js';
import { webDashboard } from './web/index.js';
import { perKeyRateLimit } from './api/rate-limit.js';
import { accountRoutes } from './api/routes/account.js';
import { estimateRoutes } from './api/routes/estimate.js';
import { requestIdFor, requestIdHeader } from './api/request-id.js';
import { healthRoutes, type Readiness } from './api/routes/health.js';
import { jobRoutes } from './api/routes/jobs.js';
import { uploadFileRoutes, uploadRoutes } from './api/routes/uploads.js';
import { sessionAuth } from './api/session.js';
import { lipsyncRoutes } from './api/routes/lipsync.js';
import { outputRoutes } from './api/routes/outputs.js';
import { webhookRoutes, type WebhookRoutesOptions } from './api/routes/webhooks.js';
import type { CostEstimator } from './billing/estimate.js';
import type { BillingService, CreditService } from './billing/index.js';
import type { JobService } from './jobs/index.js';
import type { UploadStore } from './jobs/uploads.js';

export interface ServerDependencies {
  logger: Logger;
  apiKeys: ApiKeyService;
  jobs: JobService;
  readiness: Readiness;
  publicUrl: string;
  allowPrivateUrls: boolean;
  outputsDir: string;
  /** Delivery reports, redelivery and the signing secret. */
  webhooks: WebhookRoutesOptions;
  credits: CreditService;
  billing: BillingService;
  accounts: AccountService;
  sessions: SessionService;
  /** Signs cookies (CSRF); config secret or the data dir's secret.key. */
  secret: string;
  uploads: { store: UploadStore; maxBytes: number };
  estimator: CostEstimator;
  /** Requests per minute per API key on /api/v1; 0 or absent: no limit. */
  rateLimitPerMinute?: number;
}

/** Requests are a few URLs and options; anything near this size is not a real client. */
const BODY_LIMIT_BYTES = 256 * 1024;

export async function buildServer(deps: ServerDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    genReqId: requestIdFor,
    // One access-log line per request instead of Fastify's two.
    logController: new AccessLog(),
    bodyLimit: BODY_LIMIT_BYTES,
    ajv: {
      // Validation must not rewrite what clients sent: no dropped fields, no "42" → 42. The
      // first error is the one reported; verbose keeps the failing schema for the message.
      // x-format-sentence: how validation-messages words a pattern failure (an annotation).
      customOptions: {
        removeAdditional: false,
        coerceTypes: false,
        allErrors: false,
        verbose: true,
        keywords: ['x-format-sentence'],
      },
    },
  });

  await app.register(requestIdHeader);
  await app.register(errorHandling, { notFoundPage: notFoundPageFor });
  // Before any route: it learns the routes as they are added.
  await app.register(openApiDocs, { publicUrl: deps.publicUrl });
  await app.register(healthRoutes, { readiness: deps.readiness });
  await app.register(outputRoutes, { outputsDir: deps.outputsDir });
  await app.register(uploadFileRoutes, { store: deps.uploads.store });
  // Before /api/v1 and the pages: both read request.viewer (the playground calls the API).
  await app.register(sessionAuth, {
    sessions: deps.sessions,
    secret: deps.secret,
    secureCookies: deps.publicUrl.startsWith('https:'),
  });
  await app.register(
    async (v1) => {
      await v1.register(apiKeyAuth, { apiKeys: deps.apiKeys });
      await v1.register(perKeyRateLimit, { perMinute: deps.rateLimitPerMinute ?? 0 });
      await v1.register(lipsyncRoutes, { jobs: deps.jobs, allowPrivateUrls: deps.allowPrivateUrls });
      await v1.register(jobRoutes, { jobs: deps.jobs, publicUrl: deps.publicUrl });
      await v1.register(webhookRoutes, deps.webhooks);
      await v1.register(accountRoutes, { credits: deps.credits, billing: deps.billing, webhookSecrets: deps.webhooks.secrets });
      await v1.register(estimateRoutes, { estimator: deps.estimator, credits: deps.credits });
      await v1.register(uploadRoutes, { store: deps.uploads.store, publicUrl: deps.publicUrl, maxBytes: deps.uploads.maxBytes });
    },
    { prefix: '/api/v1' },
  );
  await app.register(webDashboard, {
    accounts: deps.accounts,
    sessions: deps.sessions,
    apiKeys: deps.apiKeys,
    credits: deps.credits,
    billing: deps.billing,
    jobs: deps.jobs,
    publicUrl: deps.publicUrl,
    uploads: deps.uploads.store,
    maxUploadBytes: deps.uploads.maxBytes,
  });
  return app;
}
