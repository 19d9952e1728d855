// `npm start`: configuration → store → first-start key → render processes → HTTP. SIGTERM or
// SIGINT stops taking jobs, lets running renders finish within the grace period, then exits.
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { createAccountServices } from './account-services.js';
import { bootstrapKeyNotice, ensureBootstrapAccount, loadServerSecret } from './accounts/index.js';
import { CostEstimator } from './billing/estimate.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { JobService, OutputRetentionSweep, WorkerPool, outputsDir } from './jobs/index.js';
import { PeriodicTask } from './jobs/periodic-task.js';
import { UploadStore, resolveUploadSource, uploadsDir } from './jobs/uploads.js';
import { WebhookDeliveryService, WebhookDispatcher, WebhookSecretService } from './jobs/webhooks/index.js';
import { buildServer } from './server.js';
import { openSqliteStore } from './store/index.js';

/** Time beyond the render grace period that the rest of the shutdown may take. */
const SHUTDOWN_SLACK_MS = 10_000;

/** Resolves true when `work` settles within `ms`, false otherwise (the work is left running). */
async function withDeadline(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Standard output, written in batches of 4 KiB and at least every 250 ms. Written line by line
 * and synchronously, the access line of a poll cost as much as the rest of the poll's handling
 * (bench/api.ts: 7,500 → 11,200 polls/s without logging; 8,700 buffered). pino flushes what is
 * buffered when the process exits, also on a fatal error; a SIGKILL can lose the last 250 ms.
 */
function bufferedStdout() {
  return pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 250 });
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = pino({ level: config.logLevel }, bufferedStdout());

  const store = await openSqliteStore(config.dataDir);
  const services = createAccountServices(store, config);
  const bootstrap = await ensureBootstrapAccount(store);
  if (bootstrap.created) {
    // The admin has a key but no password yet: a one-time link lets the operator set both
    // e-mail and password in the dashboard.
    const claim = await services.accounts.createInvite(null, bootstrap.accountId);
    const claimUrl = `${config.publicUrl}/signup?invite=${encodeURIComponent(claim.code)}`;
    // Plain stdout, not the log: the operator must be able to read and copy it.
    process.stdout.write(bootstrapKeyNotice(bootstrap.key, claimUrl) + '\n');
    logger.info({ accountId: bootstrap.accountId }, 'created the admin account and its first API key');
  }
  const uploadStore = new UploadStore({ dir: uploadsDir(config.dataDir), retentionHours: config.uploadRetentionHours });

  const pool = new WorkerPool({
    jobs: store.jobs,
    dataDir: config.dataDir,
    workers: config.workers,
    jobTimeoutMs: config.jobTimeoutSeconds * 1000,
    limits: { maxAudioSeconds: config.maxAudioSeconds, allowPrivateUrls: config.allowPrivateUrls },
    logger: logger.child({ component: 'workers' }),
    leaseMs: config.jobLeaseSeconds * 1000,
    // Our own upload URLs are read from disk (they are loopback, which the SSRF guard refuses).
    publicUrl: config.publicUrl,
  });
  const housekeeping = [
    new PeriodicTask('plan renewals', 3600_000, () => services.billing.renewDue(), logger),
    new PeriodicTask('expired sessions', 3600_000, () => services.sessions.sweepExpired(), logger),
    new PeriodicTask('expired uploads', 3600_000, () => uploadStore.sweepExpired(), logger),
  ];
  const retention = new OutputRetentionSweep({
    jobs: store.jobs,
    outputsDir: outputsDir(config.dataDir),
    retentionMs: config.outputRetentionDays * 24 * 3600 * 1000,
    logger: logger.child({ component: 'retention' }),
  });
  const webhookDeliveries = new WebhookDeliveryService(store, config.publicUrl);
  const webhookSecrets = new WebhookSecretService(store.webhookSecrets);
  const dispatcher = new WebhookDispatcher({
    store,
    deliveries: webhookDeliveries,
    secrets: webhookSecrets,
    allowPrivateUrls: config.allowPrivateUrls,
    logger: logger.child({ component: 'webhooks' }),
  });
  let shuttingDown = false;
  const app = await buildServer({
    logger,
    ...services,
    secret: loadServerSecret(config.secret, config.dataDir),
    uploads: { store: uploadStore, maxBytes: config.uploadMaxBytes },
    jobs: new JobService(store.jobs, () => pool.notifyJobQueued(), {
      maxProcessingJobsPerAccount: config.maxProcessingJobsPerAccount,
      outputsDir: outputsDir(config.dataDir),
      onJobCanceled: (jobId) => pool.notifyJobCanceled(jobId),
    }),
    readiness: { ready: () => pool.started && !shuttingDown, details: () => ({ workers: pool.status() }) },
    publicUrl: config.publicUrl,
    allowPrivateUrls: config.allowPrivateUrls,
    outputsDir: outputsDir(config.dataDir),
    webhooks: { deliveries: webhookDeliveries, secrets: webhookSecrets, onRedeliver: () => dispatcher.wake() },
    estimator: new CostEstimator({
      workRoot: join(config.dataDir, 'work'),
      limits: { maxAudioSeconds: config.maxAudioSeconds, allowPrivateUrls: config.allowPrivateUrls },
      resolveSource: (url) => resolveUploadSource(url, { publicUrl: config.publicUrl, uploadsDir: uploadStore.dir }),
    }),
    rateLimitPerMinute: config.rateLimitPerMinute,
  });

  pool.start();
  retention.start();
  for (const task of housekeeping) task.start();
  dispatcher.start();
  await app.listen({ port: config.port, host: config.host });
  logger.info(
    { dataDir: config.dataDir, publicUrl: config.publicUrl, workers: config.workers },
    `Mouthpiece listening on http://${config.host}:${config.port}`,
  );

  const shutdown = async (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      logger.warn({ signal }, 'second signal: exiting without waiting for renders');
      process.exit(1);
    }
    shuttingDown = true;
    logger.info({ signal, graceSeconds: config.shutdownGraceSeconds }, 'shutting down');
    try {
      // HTTP stays up meanwhile (healthz says 503) so clients can still poll finishing jobs.
      const graceMs = config.shutdownGraceSeconds * 1000;
      // Jobs that finish during the grace period get their webhooks at the next start.
      // Bounded: nothing is lost by exiting late-stoppers (a job's lease expires and it is claimed
      // again; webhook deliveries are rows), while a shutdown that hangs blocks deploys. A stall
      // past the grace was seen once under heavy machine load; the log names what was late.
      const stopped = await withDeadline(
        Promise.all([
          pool.stop(graceMs),
          dispatcher.stop(graceMs),
          retention.stop(),
          ...housekeeping.map((task) => task.stop()),
        ]).then(() => app.close()),
        graceMs + SHUTDOWN_SLACK_MS,
      );
      if (!stopped) logger.warn({ pool: pool.status() }, 'shutdown deadline passed: exiting with work still stopping');
      await store.close();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'unclean shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));
}

function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`mouthpiece: invalid configuration: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

main().catch((error: unknown) => {
  const logger: Logger = pino();
  logger.fatal({ err: error }, 'failed to start');
  process.exit(1);
});
