// Every runtime setting of Mouthpiece: read from the environment once, validated, typed.
// A bad value stops the process at start with a message naming the variable, never later.
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// This module is src/config.ts under tsx and dist/src/config.js when built: the package root is
// one or two levels up; the first that has package.json wins.
const PACKAGE_ROOT = existsSync(fileURLToPath(new URL('../package.json', import.meta.url))) ? '../' : '../../';

export interface Config {
  /** PORT (default 8080): TCP port the HTTP server listens on. */
  port: number;
  /**
   * HOST (default 127.0.0.1): interface to bind. Loopback by default so a fresh install is not
   * reachable from the network until the operator decides so (0.0.0.0 or a reverse proxy).
   */
  host: string;
  /** MOUTHPIECE_DATA_DIR (default ./data): SQLite database, outputs and scratch space. Absolute. */
  dataDir: string;
  /**
   * MOUTHPIECE_PUBLIC_URL (default http://localhost:$PORT): base of the absolute `output` URLs
   * handed to clients. Set it to the address clients reach (e.g. https://lipsync.example.com).
   * Stored without a trailing slash.
   */
  publicUrl: string;
  /**
   * MOUTHPIECE_ALLOW_PRIVATE_URLS (default off; "1"/"true" to enable): let media and webhook URLs
   * resolve to loopback/private/link-local addresses. Needed for tests and on-premises use; off
   * on anything reachable from the internet (SSRF).
   */
  allowPrivateUrls: boolean;
  /**
   * MOUTHPIECE_WORKERS (default: CPU cores): render processes, i.e. jobs rendered at once. 0 makes
   * an API-only server: it accepts and serves jobs that another server on the same data dir
   * renders (also how bench/api.ts measures the API alone).
   */
  workers: number;
  /** MOUTHPIECE_MAX_AUDIO_SECONDS (default 300): longest accepted audio track. */
  maxAudioSeconds: number;
  /**
   * MOUTHPIECE_JOB_TIMEOUT_SECONDS (default 1800): a render running longer is killed and the job
   * fails. Generous on purpose: a 5-minute track at 720p on a busy 2-core machine needs minutes.
   */
  jobTimeoutSeconds: number;
  /** MOUTHPIECE_OUTPUT_RETENTION_DAYS (default 7): how long finished MP4s are kept. */
  outputRetentionDays: number;
  /**
   * MOUTHPIECE_JOB_LEASE_SECONDS (default 30): how long a render's claim on a job lasts without a
   * heartbeat. A job whose server died (kill -9, power loss) is taken up again after this long.
   */
  jobLeaseSeconds: number;
  /**
   * MOUTHPIECE_RATE_LIMIT_PER_MINUTE (default 1200, 0 = off): requests per minute per API key
   * on /api/v1; more answer 429 with Retry-After. 20/s leaves room for polling many jobs.
   */
  rateLimitPerMinute: number;
  /**
   * MOUTHPIECE_MAX_PROCESSING_JOBS_PER_ACCOUNT (default 100, 0 = off): queued plus running jobs
   * an account may have; a submit beyond answers 429 with Retry-After.
   */
  maxProcessingJobsPerAccount: number;
  /**
   * MOUTHPIECE_SHUTDOWN_GRACE_SECONDS (default 25): on SIGTERM, how long running renders may
   * finish before they are stopped and handed back to the queue (they restart on the next start).
   */
  shutdownGraceSeconds: number;
  /**
   * MOUTHPIECE_SIGNUP (default open): who may create a dashboard account. "open": anyone who
   * reaches the server; "invite-only": only with a code an administrator made (/admin).
   */
  signupPolicy: 'open' | 'invite-only';
  /** MOUTHPIECE_PLANS_FILE (default config/plans.json of the package): the plans on offer. Absolute. */
  plansFile: string;
  /**
   * MOUTHPIECE_SECRET (default: generated once into <dataDir>/secret.key): signs cookies (CSRF).
   * Set the same value on every machine when several serve the dashboard. At least 32 characters.
   */
  secret: string | null;
  /** MOUTHPIECE_UPLOAD_MAX_MB (default 200): largest file POST /api/v1/uploads accepts. */
  uploadMaxBytes: number;
  /** MOUTHPIECE_UPLOAD_RETENTION_HOURS (default 24): how long uploaded media is kept. */
  uploadRetentionHours: number;
  /** LOG_LEVEL (default info): pino level, one of fatal error warn info debug trace silent. */
  logLevel: LogLevel;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A setting is missing or malformed; `variable` names the environment variable to fix. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads and validates all settings. Throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const port = readInteger(env, 'PORT', 8080, 1, 65535);
  return {
    port,
    host: readString(env, 'HOST', '127.0.0.1'),
    dataDir: resolve(cwd, readString(env, 'MOUTHPIECE_DATA_DIR', './data')),
    publicUrl: readPublicUrl(env, port),
    allowPrivateUrls: readBoolean(env, 'MOUTHPIECE_ALLOW_PRIVATE_URLS', false),
    workers: readInteger(env, 'MOUTHPIECE_WORKERS', availableParallelism(), 0, 256),
    maxAudioSeconds: readInteger(env, 'MOUTHPIECE_MAX_AUDIO_SECONDS', 300, 1, 24 * 3600),
    jobTimeoutSeconds: readInteger(env, 'MOUTHPIECE_JOB_TIMEOUT_SECONDS', 1800, 1, 7 * 24 * 3600),
    outputRetentionDays: readInteger(env, 'MOUTHPIECE_OUTPUT_RETENTION_DAYS', 7, 1, 36500),
    jobLeaseSeconds: readInteger(env, 'MOUTHPIECE_JOB_LEASE_SECONDS', 30, 2, 3600),
    rateLimitPerMinute: readInteger(env, 'MOUTHPIECE_RATE_LIMIT_PER_MINUTE', 1200, 0, 1_000_000),
    maxProcessingJobsPerAccount: readInteger(env, 'MOUTHPIECE_MAX_PROCESSING_JOBS_PER_ACCOUNT', 100, 0, 1_000_000),
    shutdownGraceSeconds: readInteger(env, 'MOUTHPIECE_SHUTDOWN_GRACE_SECONDS', 25, 0, 3600),
    signupPolicy: readChoice(env, 'MOUTHPIECE_SIGNUP', ['open', 'invite-only'] as const, 'open'),
    plansFile: resolve(cwd, readString(env, 'MOUTHPIECE_PLANS_FILE', fileURLToPath(new URL(`${PACKAGE_ROOT}config/plans.json`, import.meta.url)))),
    secret: readSecret(env),
    uploadMaxBytes: readInteger(env, 'MOUTHPIECE_UPLOAD_MAX_MB', 200, 1, 100_000) * 1024 * 1024,
    uploadRetentionHours: readInteger(env, 'MOUTHPIECE_UPLOAD_RETENTION_HOURS', 24, 1, 24 * 365),
    logLevel: readLogLevel(env),
  };
}

function readString(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  return raw.trim();
}

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max) {
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = raw.trim().toLowerCase();
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new ConfigError(name, `must be "1"/"true" or "0"/"false", got "${raw}"`);
}

function readPublicUrl(env: Env, port: number): string {
  const name = 'MOUTHPIECE_PUBLIC_URL';
  const raw = readString(env, name, `http://localhost:${port}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(name, `must be an http(s) URL, got "${raw}"`);
  }
  if (url.search || url.hash) throw new ConfigError(name, `must not have a query or fragment`);
  // Keep a path prefix (deployments behind a proxy under /lipsync) but drop the trailing slash
  // so callers can append "/outputs/…".
  return url.toString().replace(/\/+$/, '');
}

function readChoice<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const raw = readString(env, name, fallback).toLowerCase();
  if (!(choices as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${choices.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function readSecret(env: Env): string | null {
  const raw = env.MOUTHPIECE_SECRET;
  if (raw === undefined || raw.trim() === '') return null;
  if (raw.trim().length < 32) throw new ConfigError('MOUTHPIECE_SECRET', 'must have at least 32 characters');
  return raw.trim();
}

function readLogLevel(env: Env): LogLevel {
  const raw = readString(env, 'LOG_LEVEL', 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  }
  return raw as LogLevel;
}
