import { fileURLToPath } from 'node:url';
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration', () => {
  test('defaults: loopback:8080, ./data, public URL from the port, private URLs refused', () => {
    const config = loadConfig({}, '/srv/app');
    assert.deepEqual(config, {
      port: 8080,
      host: '127.0.0.1',
      dataDir: '/srv/app/data',
      publicUrl: 'http://localhost:8080',
      allowPrivateUrls: false,
      workers: availableParallelism(),
      maxAudioSeconds: 300,
      jobTimeoutSeconds: 1800,
      outputRetentionDays: 7,
      jobLeaseSeconds: 30,
      rateLimitPerMinute: 1200,
      maxProcessingJobsPerAccount: 100,
      shutdownGraceSeconds: 25,
      signupPolicy: 'open',
      plansFile: fileURLToPath(new URL('../config/plans.json', import.meta.url)),
      secret: null,
      uploadMaxBytes: 200 * 1024 * 1024,
      uploadRetentionHours: 24,
      logLevel: 'info',
    });
  });

  test('reads every variable', () => {
    const config = loadConfig(
      {
        PORT: '9000',
        HOST: '0.0.0.0',
        MOUTHPIECE_DATA_DIR: '/var/lib/mouthpiece',
        MOUTHPIECE_PUBLIC_URL: 'https://lipsync.example.com/base/',
        MOUTHPIECE_ALLOW_PRIVATE_URLS: 'true',
        MOUTHPIECE_WORKERS: '3',
        MOUTHPIECE_MAX_AUDIO_SECONDS: '60',
        MOUTHPIECE_JOB_TIMEOUT_SECONDS: '120',
        MOUTHPIECE_OUTPUT_RETENTION_DAYS: '30',
        MOUTHPIECE_SHUTDOWN_GRACE_SECONDS: '5',
        MOUTHPIECE_JOB_LEASE_SECONDS: '4',
        MOUTHPIECE_RATE_LIMIT_PER_MINUTE: '0',
        MOUTHPIECE_MAX_PROCESSING_JOBS_PER_ACCOUNT: '7',
        MOUTHPIECE_SIGNUP: 'invite-only',
        MOUTHPIECE_PLANS_FILE: 'etc/plans.json',
        MOUTHPIECE_SECRET: 'x'.repeat(40),
        MOUTHPIECE_UPLOAD_MAX_MB: '5',
        MOUTHPIECE_UPLOAD_RETENTION_HOURS: '2',
        LOG_LEVEL: 'DEBUG',
      },
      '/srv/app',
    );
    assert.equal(config.port, 9000);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.dataDir, '/var/lib/mouthpiece');
    assert.equal(config.publicUrl, 'https://lipsync.example.com/base', 'no trailing slash');
    assert.equal(config.allowPrivateUrls, true);
    assert.equal(config.workers, 3);
    assert.equal(config.maxAudioSeconds, 60);
    assert.equal(config.jobTimeoutSeconds, 120);
    assert.equal(config.outputRetentionDays, 30);
    assert.equal(config.shutdownGraceSeconds, 5);
    assert.equal(config.jobLeaseSeconds, 4);
    assert.equal(config.rateLimitPerMinute, 0, '0 turns the rate limit off');
    assert.equal(config.maxProcessingJobsPerAccount, 7);
    assert.equal(config.signupPolicy, 'invite-only');
    assert.equal(config.plansFile, '/srv/app/etc/plans.json', 'relative to the working directory');
    assert.equal(config.secret, 'x'.repeat(40));
    assert.equal(config.uploadMaxBytes, 5 * 1024 * 1024);
    assert.equal(config.uploadRetentionHours, 2);
    assert.equal(config.logLevel, 'debug');
    assert.equal(loadConfig({ PORT: '9000' }).publicUrl, 'http://localhost:9000');
    assert.equal(loadConfig({ MOUTHPIECE_ALLOW_PRIVATE_URLS: '1' }).allowPrivateUrls, true);
    assert.equal(loadConfig({ MOUTHPIECE_WORKERS: '0' }).workers, 0, 'an API-only server');
  });

  test('a bad value stops start-up with an error naming the variable', () => {
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ PORT: 'eighty' }, 'PORT', /whole number/],
      [{ PORT: '70000' }, 'PORT', /between 1 and 65535/],
      [{ MOUTHPIECE_WORKERS: '-1' }, 'MOUTHPIECE_WORKERS', /whole number/],
      [{ MOUTHPIECE_WORKERS: '257' }, 'MOUTHPIECE_WORKERS', /between 0 and 256/],
      [{ MOUTHPIECE_MAX_AUDIO_SECONDS: '2.5' }, 'MOUTHPIECE_MAX_AUDIO_SECONDS', /whole number/],
      [{ MOUTHPIECE_ALLOW_PRIVATE_URLS: 'yes' }, 'MOUTHPIECE_ALLOW_PRIVATE_URLS', /"1"\/"true"/],
      [{ MOUTHPIECE_PUBLIC_URL: 'lipsync.example.com' }, 'MOUTHPIECE_PUBLIC_URL', /absolute http\(s\) URL/],
      [{ MOUTHPIECE_PUBLIC_URL: 'ftp://example.com' }, 'MOUTHPIECE_PUBLIC_URL', /http\(s\)/],
      [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /one of fatal, error/],
      [{ MOUTHPIECE_SIGNUP: 'closed' }, 'MOUTHPIECE_SIGNUP', /one of open, invite-only/],
      [{ MOUTHPIECE_SECRET: 'short' }, 'MOUTHPIECE_SECRET', /at least 32 characters/],
      [{ MOUTHPIECE_UPLOAD_MAX_MB: '0' }, 'MOUTHPIECE_UPLOAD_MAX_MB', /between 1 and/],
    ];
    for (const [env, variable, problem] of cases) {
      assert.throws(
        () => loadConfig(env),
        (error: unknown) => error instanceof ConfigError && error.variable === variable && problem.test(error.message) && error.message.startsWith(variable),
        JSON.stringify(env),
      );
    }
  });
});
