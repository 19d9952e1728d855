// Webhook routes: a job's delivery attempts, replaying a job's webhook, and rotating the
// account's signing secret. Another account's job answers 404, as everywhere.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { DeliveryReport, WebhookDeliveryService, WebhookSecretService } from '../../jobs/webhooks/index.js';
import { ApiError, notFound } from '../errors.js';
import { JobParams, errorResponses } from '../schemas.js';

export interface WebhookRoutesOptions {
  deliveries: WebhookDeliveryService;
  secrets: WebhookSecretService;
  /** Told after a redelivery is scheduled, so it goes out now rather than at the next poll. */
  onRedeliver?: () => void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IsoTime = (description: string) => Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description });

const DeliveryAttemptSchema = Type.Object({
  attempt: Type.Integer({ minimum: 1 }),
  at: Type.String({ format: 'date-time', description: 'When the attempt started.' }),
  durationMs: Type.Integer(),
  statusCode: Type.Union([Type.Integer(), Type.Null()], { description: "The receiver's HTTP status; null when no answer came." }),
  error: Type.String({ description: "Empty when delivered; otherwise why not (e.g. \"The receiver answered 500\")." }),
  nextAttemptAt: IsoTime('When the next attempt was scheduled after this one; null when none was.'),
});

export const DeliveryReportSchema = Type.Object({
  jobId: Type.String({ format: 'uuid' }),
  url: Type.Union([Type.String(), Type.Null()], { description: 'The webhook URL the job was submitted with.' }),
  webhookId: Type.Union([Type.String(), Type.Null()], {
    description: 'The webhook-id header of every attempt (de-duplicate on it); null until the job finishes.',
  }),
  state: Type.Enum(['no_webhook', 'waiting_for_job', 'not_sent', 'pending', 'delivered', 'failed'], {
    description:
      'no_webhook: submitted without one; waiting_for_job: sent when the job completes or fails; not_sent: canceled jobs send none; ' +
      'pending: an attempt is due or scheduled; delivered: a 2xx came back; failed: no more attempts (schedule used up, 410 Gone, or a refused URL).',
  }),
  nextAttemptAt: IsoTime('When the next attempt is due, while pending.'),
  deliveredAt: IsoTime('When a 2xx came back.'),
  attempts: Type.Array(DeliveryAttemptSchema),
});

export const WebhookSecretSchema = Type.Object({
  webhookSecret: Type.String({ description: 'whsec_…: verify webhook-signature with it (Standard Webhooks).' }),
  previousSecretExpiresAt: IsoTime('Until then the rotated-out secret also signs each webhook (a second v1 signature).'),
});

export async function webhookRoutes(app: FastifyInstance, options: WebhookRoutesOptions): Promise<void> {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();

  typed.get(
    '/jobs/:id/deliveries',
    {
      schema: {
        summary: "A job's webhook deliveries",
        description: 'Where the webhook stands and every attempt: status code or error, when, and when the next one is due.',
        tags: ['webhooks'],
        params: JobParams,
        response: { 200: DeliveryReportSchema, ...errorResponses(401, 404, 429) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const report = UUID.test(id) ? await options.deliveries.report(id.toLowerCase(), request.caller.accountId) : undefined;
      if (!report) throw notFound(`No job with id ${id}`);
      return deliveryReportView(report);
    },
  );

  typed.post(
    '/jobs/:id/redeliver',
    {
      schema: {
        summary: "Send a job's webhook again",
        description:
          'Replays the webhook of a completed or failed job now, with the same webhook-id and body (receivers that ' +
          'already processed it can recognise it), starting a new retry sequence. 409 while the job is processing, ' +
          'when it has no webhook, or while an attempt is in flight.',
        tags: ['webhooks'],
        params: JobParams,
        response: { 200: DeliveryReportSchema, ...errorResponses(401, 404, 409, 429) },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (!UUID.test(id)) throw notFound(`No job with id ${id}`);
      const outcome = await options.deliveries.redeliver(id.toLowerCase(), request.caller.accountId);
      if (outcome.type === 'not-found') throw notFound(`No job with id ${id}`);
      if (outcome.type === 'refused') throw new ApiError(409, 'conflict', outcome.reason);
      options.onRedeliver?.();
      request.log.info({ jobId: id, webhookId: outcome.report.webhookId }, 'webhook redelivery scheduled');
      return deliveryReportView(outcome.report);
    },
  );

  typed.post(
    '/account/webhook-secret/rotate',
    {
      schema: {
        summary: 'Rotate the webhook signing secret',
        description: 'A new whsec_… secret signs from now on; the old one keeps signing beside it (a second v1 signature) for 24 hours.',
        tags: ['webhooks'],
        response: { 200: WebhookSecretSchema, ...errorResponses(401, 429) },
      },
    },
    async (request) => {
      const rotated = await options.secrets.rotate(request.caller.accountId);
      request.log.info('webhook secret rotated');
      return { webhookSecret: rotated.secret, previousSecretExpiresAt: isoOrNull(rotated.previousSecretExpiresAt) };
    },
  );
}

function deliveryReportView(report: DeliveryReport): Static<typeof DeliveryReportSchema> {
  return {
    jobId: report.jobId,
    url: report.url,
    webhookId: report.webhookId,
    state: report.state,
    nextAttemptAt: isoOrNull(report.nextAttemptAt),
    deliveredAt: isoOrNull(report.deliveredAt),
    attempts: report.attempts.map((a) => ({
      attempt: a.attempt,
      at: new Date(a.startedAt).toISOString(),
      durationMs: a.durationMs,
      statusCode: a.statusCode,
      error: a.error,
      nextAttemptAt: isoOrNull(a.nextAttemptAt),
    })),
  };
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
