// The real HTTP application over a real temp SQLite store, without render processes: jobs stay
// queued unless a test settles them through the store. Two accounts with one key each.
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { createAccountServices, type AccountServices } from '../../src/account-services.js';
import type { SignupPolicy } from '../../src/accounts/index.js';
import { CostEstimator } from '../../src/billing/estimate.js';
import { JobService, outputsDir } from '../../src/jobs/index.js';
import { UploadStore, uploadsDir } from '../../src/jobs/uploads.js';
import { WebhookDeliveryService, WebhookSecretService } from '../../src/jobs/webhooks/index.js';
import { buildServer } from '../../src/server.js';
import type { Account } from '../../src/store/index.js';
import { createAccount, openTempStore, type TempStore } from '../store/temp-store.js';

export const PUBLIC_URL = 'https://lipsync.example.test';
export const PLANS_FILE = new URL('../../config/plans.json', import.meta.url).pathname;

export interface TestApp {
  app: FastifyInstance;
  temp: TempStore;
  services: AccountServices;
  accountA: Account;
  accountB: Account;
  keyA: string;
  keyB: string;
  queuedNotifications: number;
  /** Job ids the worker pool was told were canceled. */
  canceledNotifications: string[];
  ready: boolean;
  close(): Promise<void>;
}

export interface TestAppOptions {
  allowPrivateUrls?: boolean;
  /** Off unless a test sets it. */
  rateLimitPerMinute?: number;
  /** Off unless a test sets it. */
  maxProcessingJobsPerAccount?: number;
  signupPolicy?: SignupPolicy;
  uploadMaxBytes?: number;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const temp = await openTempStore();
  const services = createAccountServices(temp.store, { signupPolicy: options.signupPolicy ?? 'open', plansFile: PLANS_FILE });
  const apiKeys = services.apiKeys;
  const accountB = await createAccount(temp.store);
  const state = { queuedNotifications: 0, canceled: [] as string[] };
  const app = await buildServer({
    logger: pino({ level: 'silent' }),
    jobs: new JobService(temp.store.jobs, () => state.queuedNotifications++, {
      maxProcessingJobsPerAccount: options.maxProcessingJobsPerAccount,
      outputsDir: outputsDir(temp.dataDir),
      onJobCanceled: (id) => state.canceled.push(id),
    }),
    readiness: { ready: () => testApp.ready },
    publicUrl: PUBLIC_URL,
    allowPrivateUrls: options.allowPrivateUrls ?? false,
    outputsDir: outputsDir(temp.dataDir),
    webhooks: {
      deliveries: new WebhookDeliveryService(temp.store, PUBLIC_URL),
      secrets: new WebhookSecretService(temp.store.webhookSecrets),
    },
    ...services,
    secret: 'test-secret-test-secret-test-secret-0123',
    uploads: { store: new UploadStore({ dir: uploadsDir(temp.dataDir) }), maxBytes: options.uploadMaxBytes ?? 200 * 1024 * 1024 },
    estimator: new CostEstimator({ workRoot: `${temp.dataDir}/work`, limits: { allowPrivateUrls: options.allowPrivateUrls ?? false } }),
    rateLimitPerMinute: options.rateLimitPerMinute,
  });
  const testApp: TestApp = {
    app,
    temp,
    services,
    accountA: temp.account,
    accountB,
    keyA: (await apiKeys.create(temp.account.id, 'a')).key,
    keyB: (await apiKeys.create(accountB.id, 'b')).key,
    get queuedNotifications() {
      return state.queuedNotifications;
    },
    get canceledNotifications() {
      return state.canceled;
    },
    ready: true,
    async close() {
      await app.close();
      await temp.cleanup();
    },
  };
  return testApp;
}

export const IMAGE = 'https://media.example.com/face.jpg';
export const AUDIO = 'https://media.example.com/voice.mp3';

/** POSTs a JSON body (an object, or a raw string sent as is) with the given key. */
export function post(t: TestApp, path: string, body: unknown, key: string | null = t.keyA) {
  return t.app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/json', ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export function get(t: TestApp, path: string, key: string | null = t.keyA, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'GET',
    url: path,
    headers: { ...(key === null ? {} : { authorization: `Bearer ${key}` }), ...headers },
  });
}
