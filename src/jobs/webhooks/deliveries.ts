// Webhook deliveries on behalf of an account: creating the one delivery of a finished job,
// reporting its attempts, and replaying it on request. HTTP-free; the API and the dispatcher
// call this.
import { randomUUID } from 'node:crypto';
import type { JobRecord, JobRepository, WebhookAttempt, WebhookDeliveryRepository } from '../../store/index.js';
import { toJobObject } from '../job-object.js';

/**
 * Where a job's webhook stands. Beyond the stored states: `no_webhook` (submitted without one),
 * `waiting_for_job` (sent when the job completes or fails) and `not_sent` (canceled jobs send none).
 */
export type DeliveryState = 'no_webhook' | 'waiting_for_job' | 'not_sent' | 'pending' | 'delivered' | 'failed';

export interface DeliveryReport {
  jobId: string;
  url: string | null;
  /** The `webhook-id` header of every attempt; null until the job finishes. */
  webhookId: string | null;
  state: DeliveryState;
  /** Epoch ms of the next attempt while pending (due now when it is in the past). */
  nextAttemptAt: number | null;
  deliveredAt: number | null;
  attempts: WebhookAttempt[];
}

/**
 * Jobs that finished longer ago than this without a delivery are not picked up by the
 * dispatcher: after an upgrade, old jobs must not all fire their webhooks at once. A delivery is
 * normally created within a poll interval of the job finishing.
 */
export const ENQUEUE_HORIZON_MS = 24 * 60 * 60 * 1000;

export type RedeliverOutcome =
  | { type: 'scheduled'; report: DeliveryReport }
  | { type: 'not-found' }
  | { type: 'refused'; reason: string };

export interface WebhookDeliveryStores {
  jobs: Pick<JobRepository, 'findById' | 'findForAccount'>;
  webhookDeliveries: WebhookDeliveryRepository;
}

export class WebhookDeliveryService {
  constructor(
    private readonly store: WebhookDeliveryStores,
    /** Base of the `output` URL in the job object the webhook carries. */
    private readonly publicUrl: string,
  ) {}

  /**
   * Creates the delivery of a completed or failed job that has a webhook, due at once. The body
   * is frozen now, so every attempt (and a redelivery) sends the same bytes. False when the job
   * already has one or needs none.
   */
  async enqueue(job: JobRecord, now = Date.now()): Promise<boolean> {
    if (job.webhook === null || (job.status !== 'completed' && job.status !== 'failed')) return false;
    return this.store.webhookDeliveries.createIfAbsent({
      id: newWebhookId(),
      jobId: job.id,
      accountId: job.accountId,
      url: job.webhook,
      payload: JSON.stringify(toJobObject(job, this.publicUrl)),
      createdAt: now,
      nextAttemptAt: now,
    });
  }

  /** The webhook of the account's job `jobId`; undefined when there is no such job of theirs. */
  async report(jobId: string, accountId: string): Promise<DeliveryReport | undefined> {
    const job = await this.store.jobs.findForAccount(jobId, accountId);
    return job && this.reportFor(job);
  }

  /**
   * Sends the job's webhook again: a new retry sequence starting now, with the same webhook-id
   * and body (receivers that already processed it recognise it and answer 2xx without redoing
   * anything; one that lost it gets it).
   */
  async redeliver(jobId: string, accountId: string, now = Date.now()): Promise<RedeliverOutcome> {
    const job = await this.store.jobs.findForAccount(jobId, accountId);
    if (!job) return { type: 'not-found' };
    if (job.webhook === null) return { type: 'refused', reason: 'The job was submitted without a webhook URL' };
    if (job.status === 'processing') return { type: 'refused', reason: 'The job has not finished; its webhook is sent when it completes or fails' };
    if (job.status === 'canceled') return { type: 'refused', reason: 'Canceled jobs send no webhook' };
    await this.enqueue(job, now);
    const delivery = await this.store.webhookDeliveries.findByJob(job.id);
    if (!delivery || !(await this.store.webhookDeliveries.restart(delivery.id, now))) {
      return { type: 'refused', reason: 'An attempt to deliver this webhook is in progress; try again in a few seconds' };
    }
    return { type: 'scheduled', report: await this.reportFor(job) };
  }

  private async reportFor(job: JobRecord): Promise<DeliveryReport> {
    const base = { jobId: job.id, url: job.webhook, webhookId: null, nextAttemptAt: null, deliveredAt: null, attempts: [] };
    if (job.webhook === null) return { ...base, state: 'no_webhook' };
    if (job.status === 'processing') return { ...base, state: 'waiting_for_job' };
    if (job.status === 'canceled') return { ...base, state: 'not_sent' };
    const delivery = await this.store.webhookDeliveries.findByJob(job.id);
    if (!delivery) {
      // Finished a moment ago and not picked up by the dispatcher yet: it is due.
      const recent = job.completedAt !== null && job.completedAt >= Date.now() - ENQUEUE_HORIZON_MS;
      return recent ? { ...base, state: 'pending', nextAttemptAt: job.completedAt } : { ...base, state: 'not_sent' };
    }
    return {
      jobId: job.id,
      url: delivery.url,
      webhookId: delivery.id,
      state: delivery.state,
      nextAttemptAt: delivery.state === 'pending' ? delivery.nextAttemptAt : null,
      deliveredAt: delivery.state === 'delivered' ? delivery.deliveredAt : null,
      attempts: await this.store.webhookDeliveries.listAttempts(delivery.id),
    };
  }
}

/** `msg_` + 128 random bits: the Standard Webhooks convention for message ids. */
function newWebhookId(): string {
  return `msg_${randomUUID().replaceAll('-', '')}`;
}
