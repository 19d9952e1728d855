// Per-key rate limit on /api/v1: at most N requests per minute per API key, then 429 with
// Retry-After. Registered after authentication in the same scope, so the key is known.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import { tooManyRequests } from './errors.js';

export const perKeyRateLimit = fp<{ perMinute: number }>(
  async (app: FastifyInstance, { perMinute }) => {
    if (perMinute <= 0) return;
    await app.register(rateLimit, {
      max: perMinute,
      timeWindow: 60_000,
      // Auth ran first (its onRequest hook is the scope's own; this one is per route).
      keyGenerator: (request) =>
        request.caller?.keyId ? `key:${request.caller.keyId}` : request.caller ? `account:${request.caller.accountId}` : `ip:${request.ip}`,
      errorResponseBuilder: (_request, context) =>
        tooManyRequests(
          'rate_limited',
          `Too many requests: this API key may make ${context.max} requests per minute; retry in ${context.after}`,
          context.ttl / 1000,
        ),
    });
  },
  { name: 'per-key-rate-limit' },
);
