// The server's webhook sender. Every poll it (1) creates the delivery of each job that finished
// with a webhook URL, and (2) claims due deliveries with a lease and makes one attempt each.
// Everything it knows is in the database, so a restart (or a crash) loses nothing: the next
// start finds the finished jobs and the due retries where they were, and two server processes
// on one database never make the same attempt at the same time.
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { HostResolver } from '../../engine/media/address-guard.js';
import type { JobRepository, WebhookAttemptOutcome, WebhookDelivery, WebhookDeliveryRepository } from '../../store/index.js';
import { ENQUEUE_HORIZON_MS, type WebhookDeliveryService } from './deliveries.js';
import { DEFAULT_RETRY_SCHEDULE_MS, nextRetryDelay, proportionalJitter, type Jitter } from './schedule.js';
import type { WebhookSecretService } from './secrets.js';
import { postWebhook, type WebhookPostResult } from './send.js';
import { signedWebhookHeaders } from './signature.js';

export interface WebhookDispatcherOptions {
  store: { jobs: Pick<JobRepository, 'findById'>; webhookDeliveries: WebhookDeliveryRepository };
  deliveries: WebhookDeliveryService;
  secrets: WebhookSecretService;
  /** MOUTHPIECE_ALLOW_PRIVATE_URLS: plain http and private addresses allowed. */
  allowPrivateUrls: boolean;
  logger: Logger;
  /** Delay before each attempt, from the previous one; the default is the schedule. */
  retrySchedule?: readonly number[];
  jitter?: Jitter;
  /** How often due deliveries and newly finished jobs are looked for. */
  pollMs?: number;
  /** One attempt's deadline, connection to last byte. */
  timeoutMs?: number;
  /** How long a claimed delivery stays ours; longer than an attempt can take. */
  leaseMs?: number;
  /** Attempts in flight at once, so one slow receiver does not hold up the others. */
  concurrency?: number;
  resolveHost?: HostResolver;
  /** Names the lease holder; unique per process. */
  dispatcherId?: string;
}

const DEFAULT_POLL_MS = 1_000;
/** The attempt deadline. */
const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_CONCURRENCY = 16;
/** Finished jobs looked at per poll; more wait for the next one. */
const ENQUEUE_BATCH = 100;
/**
 * Each poll looks back this far for finished jobs without a delivery: a job's completed_at is
 * taken before its row is committed, and other hosts' clocks may lag ours.
 */
const ENQUEUE_OVERLAP_MS = 10 * 60 * 1000;
const USER_AGENT = 'Mouthpiece-Webhooks/1.0';
/** How long stop() waits for aborted attempts to hand their deliveries back. */
const ABORT_SETTLE_MS = 2_000;

export class WebhookDispatcher {
  private readonly schedule: readonly number[];
  private readonly jitter: Jitter;
  private readonly pollMs: number;
  private readonly timeoutMs: number;
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private readonly dispatcherId: string;
  private readonly log: Logger;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private wakeUp: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private wokenWhileBusy = false;
  private stopping = false;

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.schedule = options.retrySchedule ?? DEFAULT_RETRY_SCHEDULE_MS;
    this.jitter = options.jitter ?? proportionalJitter;
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.leaseMs = options.leaseMs ?? this.timeoutMs + 45_000;
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.dispatcherId = options.dispatcherId ?? `${hostname()}:${process.pid}:webhooks`;
    this.log = options.logger;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Look now rather than at the next poll (a job just finished, a redelivery was asked for). */
  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.wokenWhileBusy = true;
  }

  /**
   * Stops claiming; attempts in flight get `graceMs` to finish, then are aborted and their
   * deliveries handed back (due at once on the next start).
   */
  async stop(graceMs = 0): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loop;
    const settled = Promise.all(this.inFlight);
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([settled, graceOver]);
    clearTimeout(timer);
    this.abort.abort(new Error('the server is shutting down'));
    // Aborted attempts end at once; never let one that does not hold up the shutdown.
    const abandoned = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ABORT_SETTLE_MS);
    });
    await Promise.race([settled, abandoned]);
    clearTimeout(timer);
  }

  private async run(): Promise<void> {
    let since = Date.now() - ENQUEUE_HORIZON_MS;
    while (!this.stopping) {
      try {
        since = await this.enqueueFinishedJobs(since);
        await this.startDueAttempts();
      } catch (error) {
        this.log.error({ err: error }, 'webhook dispatch failed; trying again at the next poll');
      }
      await this.sleep(this.pollMs);
    }
  }

  /** Creates deliveries for jobs finished since `since`; answers where the next poll looks from. */
  private async enqueueFinishedJobs(since: number): Promise<number> {
    const scanStartedAt = Date.now();
    const jobIds = await this.options.store.webhookDeliveries.findFinishedJobsWithoutDelivery(since, ENQUEUE_BATCH);
    for (const id of jobIds) {
      const job = await this.options.store.jobs.findById(id);
      if (job && (await this.options.deliveries.enqueue(job))) {
        this.log.debug({ jobId: id, status: job.status }, 'webhook queued');
      }
    }
    // A full batch may have left more behind: look from the same point again.
    if (jobIds.length === ENQUEUE_BATCH) return since;
    return Math.max(since, scanStartedAt - ENQUEUE_OVERLAP_MS);
  }

  private async startDueAttempts(): Promise<void> {
    while (!this.stopping && this.inFlight.size < this.concurrency) {
      const delivery = await this.options.store.webhookDeliveries.claimDue(this.dispatcherId, this.leaseMs);
      if (!delivery) return;
      const attempt: Promise<void> = this.attempt(delivery)
        .catch((error: unknown) => {
          // The lease runs out and the attempt is made again: the safe direction.
          this.log.error({ err: error, webhookId: delivery.id, jobId: delivery.jobId }, 'could not record a webhook attempt');
        })
        .finally(() => {
          this.inFlight.delete(attempt);
          this.wake();
        });
      this.inFlight.add(attempt);
    }
  }

  private async attempt(delivery: WebhookDelivery): Promise<void> {
    const startedAt = Date.now();
    const body = Buffer.from(delivery.payload, 'utf8');
    const secrets = await this.options.secrets.signingSecrets(delivery.accountId, startedAt);
    const signed = signedWebhookHeaders({ id: delivery.id, timestamp: Math.floor(startedAt / 1000), body }, secrets);
    let result: WebhookPostResult;
    try {
      result = await postWebhook({
        url: delivery.url,
        headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...signed },
        body,
        timeoutMs: this.timeoutMs,
        policy: { allowPrivate: this.options.allowPrivateUrls, resolve: this.options.resolveHost },
        signal: this.abort.signal,
      });
    } catch (error) {
      if (!this.abort.signal.aborted) throw error;
      await this.options.store.webhookDeliveries.releaseLease(delivery.id, this.dispatcherId);
      return;
    }
    const finishedAt = Date.now();
    const outcome = this.outcomeOf(result, delivery.scheduleStep + 1, finishedAt);
    await this.options.store.webhookDeliveries.recordAttempt(delivery.id, this.dispatcherId, {
      startedAt,
      durationMs: finishedAt - startedAt,
      statusCode: result.statusCode,
      error: result.error,
      outcome,
    });
    const fields = {
      jobId: delivery.jobId,
      webhookId: delivery.id,
      attempt: delivery.attempts + 1,
      statusCode: result.statusCode,
      durationMs: finishedAt - startedAt,
      state: outcome.state,
    };
    if (result.delivered) this.log.info(fields, 'webhook delivered');
    else this.log.warn({ ...fields, error: result.error }, outcome.state === 'failed' ? 'webhook failed; no more attempts' : 'webhook attempt failed');
  }

  /** `attemptsInSequence`: attempts of the current retry sequence, this one included. */
  private outcomeOf(result: WebhookPostResult, attemptsInSequence: number, now: number): WebhookAttemptOutcome {
    if (result.delivered) return { state: 'delivered' };
    if (result.permanent) return { state: 'failed' };
    const delay = nextRetryDelay(attemptsInSequence, this.schedule, this.jitter, result.retryAfterMs);
    return delay === null ? { state: 'failed' } : { state: 'pending', nextAttemptAt: now + delay };
  }

  /** Resolves after `ms`, or earlier on wake() (also one that came while busy). */
  private sleep(ms: number): Promise<void> {
    if (this.stopping || this.wokenWhileBusy) {
      this.wokenWhileBusy = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wakeUp?.(), ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
    });
  }
}
