// Bearer API key authentication for /api/v1. Runs before the body is read, so an anonymous
// client cannot make the server parse anything. Every failure is the same 401 shape.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiKeyService } from '../accounts/index.js';
import { unauthorized } from './errors.js';

export interface Caller {
  accountId: string;
  keyId: string;
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

export const apiKeyAuth = fp<{ apiKeys: ApiKeyService }>(
  async (app: FastifyInstance, { apiKeys }) => {
    app.decorateRequest('caller', null as unknown as Caller);
    app.addHook('onRequest', async (request) => {
      const header = request.headers.authorization;
      if (!header) throw unauthorized('Missing API key: send "Authorization: Bearer sk_…"');
      const match = BEARER.exec(header);
      if (!match) throw unauthorized('The Authorization header must be "Bearer sk_…"');
      const check = await apiKeys.verify(match[1]);
      if (!check.ok) throw unauthorized(REJECTIONS[check.reason]);
      request.caller = { accountId: check.accountId, keyId: check.keyId };
      request.log = request.log.child({ keyId: check.keyId });
    });
  },
  { name: 'api-key-auth' },
);
