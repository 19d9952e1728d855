// POST /api/v1/lipsync-image, /lipsync-video, /lipsync-image-multi: validate, queue, answer the
// job id. Rendering happens in the worker pool; this never waits for it.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { JobService } from '../../jobs/index.js';
import { webhookUrlProblem } from '../../jobs/webhooks/index.js';
import type { JobModel } from '../../store/index.js';
import { payingBalance } from '../auth.js';
import { invalidRequest } from '../errors.js';
import {
  IdempotencyHeaders,
  LipsyncImageBody,
  LipsyncImageMultiBody,
  LipsyncVideoBody,
  SubmitResponse,
  errorResponses,
  type SubmitBody,
} from '../schemas.js';

export interface LipsyncRoutesOptions {
  jobs: JobService;
  /** With private URLs allowed (tests, on-premises), webhooks may be plain http. */
  allowPrivateUrls: boolean;
}

const ENDPOINTS: Array<{ model: JobModel; body: typeof LipsyncImageBody | typeof LipsyncVideoBody | typeof LipsyncImageMultiBody }> = [
  { model: 'lipsync-image', body: LipsyncImageBody },
  { model: 'lipsync-video', body: LipsyncVideoBody },
  { model: 'lipsync-image-multi', body: LipsyncImageMultiBody },
];

export async function lipsyncRoutes(app: FastifyInstance, options: LipsyncRoutesOptions): Promise<void> {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  for (const { model, body } of ENDPOINTS) {
    typed.post(
      `/${model}`,
      {
        schema: {
          summary: `Submit a ${model} job`,
          tags: ['lipsync'],
          headers: IdempotencyHeaders,
          body,
          response: { 200: SubmitResponse, ...errorResponses(400, 401, 402, 413, 422, 429) },
        },
      },
      async (request, reply) => {
        const { formState, webhook } = request.body as SubmitBody;
        if (webhook !== undefined) checkWebhookScheme(webhook, options.allowPrivateUrls);
        const { job, replayed } = await options.jobs.submit({
          accountId: request.caller.accountId,
          keyId: request.caller.keyId,
          creditBalance: payingBalance(request.caller),
          model,
          formState: formState as Record<string, unknown>,
          webhook,
          idempotencyKey: request.headers['idempotency-key'],
        });
        if (replayed) {
          reply.header('idempotent-replayed', 'true');
          request.log.info({ jobId: job.id, model }, 'idempotent replay: answered the earlier job');
        } else {
          request.log.info({ jobId: job.id, model }, 'job queued');
        }
        return { id: job.id, status: 'processing' as const };
      },
    );
  }
}

/**
 * The contract wants HTTPS webhooks (plain http only where private URLs are allowed anyway), and
 * a literal private IP can be refused now. Host names are checked after DNS at each attempt.
 */
function checkWebhookScheme(webhook: string, allowPrivateUrls: boolean): void {
  const problem = webhookUrlProblem(webhook, allowPrivateUrls);
  if (problem) throw invalidRequest(problem, 'webhook');
}
