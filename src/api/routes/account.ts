// GET /api/v1/account: the caller's account and balances.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AccountSchema, buildAccountView, type AccountViewSources } from '../account-view.js';
import { errorResponses } from '../schemas.js';

export async function accountRoutes(app: FastifyInstance, sources: AccountViewSources): Promise<void> {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  typed.get(
    '/account',
    {
      schema: {
        summary: 'The caller’s account and credit balances',
        tags: ['billing'],
        response: { 200: AccountSchema, ...errorResponses(401, 429) },
      },
    },
    (request) => buildAccountView(request.caller.accountId, sources),
  );
}
