// Authentication for /api/v1: a Bearer API key (what API clients use; spends API credits) or,
// without an Authorization header, the dashboard session cookie (the playground; spends user
// credits, and every mutation must carry the page's CSRF token). Runs before the body is read,
// so an anonymous client cannot make the server parse anything. Every failure is the same 401 shape.
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiKeyService } from '../accounts/index.js';
import type { CreditBalanceName } from '../store/index.js';
import { unauthorized } from './errors.js';

export interface Caller {
  accountId: string;
  /** The API key used; null for a dashboard session. */
  keyId: string | null;
  via: 'api-key' | 'session';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on every authenticated /api/v1 request. */
    caller: Caller;
  }
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

const REJECTIONS = {
  malformed: 'The API key is malformed: expected sk_<keyId>_<secret>',
  unknown: 'The API key is not valid',
  revoked: 'The API key has been revoked',
} as const;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** API keys pay with API credits; the dashboard (playground) pays with user credits. */
export function payingBalance(caller: Caller): CreditBalanceName {
  return caller.via === 'session' ? 'user' : 'api';
}

export const apiKeyAuth = fp<{ apiKeys: ApiKeyService }>(
  async (app: FastifyInstance, { apiKeys }) => {
    app.decorateRequest('caller', null as unknown as Caller);
    app.addHook('onRequest', async (request) => {
      const header = request.headers.authorization;
      if (!header && request.viewer) {
        request.caller = { accountId: request.viewer.account.id, keyId: null, via: 'session' };
        return;
      }
      if (!header) throw unauthorized('Missing API key: send "Authorization: Bearer sk_…"');
      const match = BEARER.exec(header);
      if (!match) throw unauthorized('The Authorization header must be "Bearer sk_…"');
      const check = await apiKeys.verify(match[1]);
      if (!check.ok) throw unauthorized(REJECTIONS[check.reason]);
      request.caller = { accountId: check.accountId, keyId: check.keyId, via: 'api-key' };
      bindToRequestLog(request, { keyId: check.keyId });
    });
    // A cookie is sent by the browser on its own, so a session's mutations need proof that our
    // page made them. A key in a header needs none: another site cannot make a browser send it.
    app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      if (request.caller.via !== 'session' || SAFE_METHODS.has(request.method)) return done();
      if (typeof app.csrfProtection !== 'function') return done(new Error('CSRF protection is not registered'));
      app.csrfProtection(request, reply, done);
    });
  },
  { name: 'api-key-auth' },
);

/**
 * Adds `bindings` to every later log line of the request. Fastify gives each request its own
 * child logger, so it is extended in place: a child of that child cost more than verifying the
 * key (pino, measured with bench/api.ts). Without a logger (Fastify's no-op one), nothing to do.
 */
function bindToRequestLog(request: FastifyRequest, bindings: Record<string, string>): void {
  const log = request.log as FastifyBaseLogger & { setBindings?: (bindings: Record<string, string>) => void };
  if (typeof log.setBindings === 'function') log.setBindings(bindings);
  else request.log = log.child(bindings);
}
