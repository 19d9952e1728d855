// `npm start`: configuration → store → first-start key → render processes → HTTP. SIGTERM or
// SIGINT stops taking jobs, lets running renders finish within the grace period, then exits.
import { pino, type Logger } from 'pino';
import { ApiKeyService, bootstrapKeyNotice, ensureBootstrapAccount } from './accounts/index.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { JobService, WorkerPool, outputsDir } from './jobs/index.js';
import { buildServer } from './server.js';
import { openSqliteStore } from './store/index.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = pino({ level: config.logLevel });

  const store = await openSqliteStore(config.dataDir);
  const bootstrap = await ensureBootstrapAccount(store);
  if (bootstrap.created) {
    // Plain stdout, not the log: the operator must be able to read and copy it.
    process.stdout.write(bootstrapKeyNotice(bootstrap.key) + '\n');
    logger.info({ accountId: bootstrap.accountId }, 'created the admin account and its first API key');
  }

  const pool = new WorkerPool({
    jobs: store.jobs,
    dataDir: config.dataDir,
    workers: config.workers,
    jobTimeoutMs: config.jobTimeoutSeconds * 1000,
    limits: { maxAudioSeconds: config.maxAudioSeconds, allowPrivateUrls: config.allowPrivateUrls },
    logger: logger.child({ component: 'workers' }),
  });
  let shuttingDown = false;
  const app = await buildServer({
    logger,
    apiKeys: new ApiKeyService(store.apiKeys),
    jobs: new JobService(store.jobs, () => pool.notifyJobQueued()),
    readiness: { ready: () => pool.started && !shuttingDown, details: () => ({ workers: pool.status() }) },
    publicUrl: config.publicUrl,
    allowPrivateUrls: config.allowPrivateUrls,
    outputsDir: outputsDir(config.dataDir),
  });

  pool.start();
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
      await pool.stop(config.shutdownGraceSeconds * 1000);
      await app.close();
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
