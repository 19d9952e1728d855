// The typed Mouthpiece client: every call is one `fetch` to the v1 API with the Bearer key, and
// every non-2xx answer becomes a typed error carrying the contract's error body.
import { apiErrorFor, JobWaitTimeoutError, MouthpieceConnectionError, RateLimitError, ServerError } from './errors.js';
import type {
  Account,
  DeliveryReport,
  JobObject,
  JobPage,
  LipsyncImageForm,
  LipsyncImageMultiForm,
  LipsyncVideoForm,
  ListJobsQuery,
  SubmittedJob,
  WebhookSecret,
} from './types.js';

export interface MouthpieceClientOptions {
  /** The server, e.g. `https://lipsync.example.com`; a base already ending in `/api/v1` is kept. */
  baseUrl: string;
  /** `sk_…` */
  apiKey: string;
  /** Per-request deadline in ms (default 30 000). */
  timeoutMs?: number;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface SubmitOptions extends RequestOptions {
  /** HTTPS URL the finished job object is POSTed to (signed; see verifyWebhook). */
  webhook?: string;
  /** Repeating a submission with the same key within 24 h answers the same job. */
  idempotencyKey?: string;
}

export interface WaitOptions extends RequestOptions {
  /** First pause between polls (default 1 000 ms); it grows by half each poll... */
  pollIntervalMs?: number;
  /** ...up to this (default 10 000 ms). */
  maxPollIntervalMs?: number;
  /** Give up (JobWaitTimeoutError) after this long; default: wait as long as it takes. */
  timeoutMs?: number;
  /** Called with each polled state while the job is processing. */
  onPoll?: (job: JobObject) => void;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const TERMINAL: ReadonlySet<string> = new Set(['completed', 'failed', 'canceled']);

export class MouthpieceClient {
  private readonly apiBase: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: MouthpieceClientOptions) {
    if (!options?.baseUrl) throw new TypeError('MouthpieceClient needs a baseUrl');
    if (!options.apiKey) throw new TypeError('MouthpieceClient needs an apiKey (sk_…)');
    const trimmed = options.baseUrl.replace(/\/+$/, '');
    this.apiBase = /\/api\/v1$/.test(trimmed) ? trimmed : `${trimmed}/api/v1`;
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  /** One portrait + one voice track → a talking video. */
  lipsyncImage(formState: LipsyncImageForm, options?: SubmitOptions): Promise<SubmittedJob> {
    return this.submit('lipsync-image', formState, options);
  }

  /** A video + new audio → the video's lips re-synced to the audio. */
  lipsyncVideo(formState: LipsyncVideoForm, options?: SubmitOptions): Promise<SubmittedJob> {
    return this.submit('lipsync-video', formState, options);
  }

  /** One image of two people + a voice track each → their conversation. */
  lipsyncImageMulti(formState: LipsyncImageMultiForm, options?: SubmitOptions): Promise<SubmittedJob> {
    return this.submit('lipsync-image-multi', formState, options);
  }

  getJob(id: string, options?: RequestOptions): Promise<JobObject> {
    return this.request('GET', `/jobs/${encodeURIComponent(id)}`, options);
  }

  /** The account's jobs, newest first; follow `nextCursor` for older ones. */
  listJobs(query: ListJobsQuery = {}, options?: RequestOptions): Promise<JobPage> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined) continue;
      params.set(name, value instanceof Date ? value.toISOString() : String(value));
    }
    const search = params.toString() ? `?${params}` : '';
    return this.request('GET', `/jobs${search}`, options);
  }

  /** Cancels a processing job; it costs nothing and its status becomes `canceled`. */
  cancelJob(id: string, options?: RequestOptions): Promise<JobObject> {
    return this.request('POST', `/jobs/${encodeURIComponent(id)}/cancel`, options);
  }

  /**
   * Polls until the job completes, fails or is canceled, and answers it (check `status`). The
   * pause grows from `pollIntervalMs` to `maxPollIntervalMs`; network errors, 5xx and 429 are
   * waited out (429 as long as Retry-After says). Aborting `signal` rejects with its reason.
   */
  async waitForJob(id: string, options: WaitOptions = {}): Promise<JobObject> {
    const { signal } = options;
    const maxInterval = options.maxPollIntervalMs ?? 10_000;
    let interval = Math.min(options.pollIntervalMs ?? 1_000, maxInterval);
    const giveUpAt = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
    for (;;) {
      signal?.throwIfAborted();
      let pause = interval;
      try {
        const job = await this.getJob(id, { signal });
        if (TERMINAL.has(job.status)) return job;
        options.onPoll?.(job);
      } catch (error) {
        if (signal?.aborted || !isTransient(error)) throw error;
        if (error instanceof RateLimitError && error.retryAfterSeconds !== null) pause = Math.max(pause, error.retryAfterSeconds * 1000);
      }
      if (Date.now() + pause > giveUpAt) {
        throw new JobWaitTimeoutError(`Job ${id} did not finish within ${options.timeoutMs} ms`);
      }
      await delay(pause, signal);
      interval = Math.min(Math.round(interval * 1.5), maxInterval);
    }
  }

  /** Where the job's webhook stands: every attempt with its status code or error, and the next one. */
  getDeliveries(id: string, options?: RequestOptions): Promise<DeliveryReport> {
    return this.request('GET', `/jobs/${encodeURIComponent(id)}/deliveries`, options);
  }

  /** Sends the job's webhook again (same webhook-id and body), starting a new retry sequence. */
  redeliverWebhook(id: string, options?: RequestOptions): Promise<DeliveryReport> {
    return this.request('POST', `/jobs/${encodeURIComponent(id)}/redeliver`, options);
  }

  /** The account: credit balances and the webhook signing secret. */
  getAccount(options?: RequestOptions): Promise<Account> {
    return this.request('GET', '/account', options);
  }

  /** A new signing secret; the old one keeps signing beside it for 24 h. */
  rotateWebhookSecret(options?: RequestOptions): Promise<WebhookSecret> {
    return this.request('POST', '/account/webhook-secret/rotate', options);
  }

  private submit(model: string, formState: object, options: SubmitOptions = {}): Promise<SubmittedJob> {
    const body: Record<string, unknown> = { formState };
    if (options.webhook !== undefined) body.webhook = options.webhook;
    const headers: Record<string, string> = options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {};
    return this.request('POST', `/${model}`, { signal: options.signal, body, headers });
  }

  private async request<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options: RequestOptions & { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<T> {
    const url = `${this.apiBase}${path}`;
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    const headers: Record<string, string> = { authorization: `Bearer ${this.apiKey}`, accept: 'application/json', ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal,
      });
      text = await response.text();
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason ?? error;
      const why = deadline.aborted ? `no answer within ${this.timeoutMs} ms` : describe(error);
      throw new MouthpieceConnectionError(`${method} ${url} failed: ${why}`, { cause: error });
    }
    const json = parseJson(text);
    if (!response.ok) {
      throw apiErrorFor(response.status, json, response.headers.get('x-request-id'), response.headers.get('retry-after'));
    }
    if (json === undefined) {
      throw new MouthpieceConnectionError(`${method} ${url} answered ${response.status} without JSON; is ${this.apiBase} a Mouthpiece server?`);
    }
    return json as T;
  }
}

function isTransient(error: unknown): boolean {
  return error instanceof MouthpieceConnectionError || error instanceof ServerError || error instanceof RateLimitError;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
