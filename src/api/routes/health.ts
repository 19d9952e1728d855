// GET /healthz: 200 when the server can take jobs (database migrated, render processes started),
// 503 before that and while shutting down. For load balancers and start-up scripts.
import type { FastifyInstance } from 'fastify';
import { errorBody } from '../errors.js';

export interface Readiness {
  ready(): boolean;
  /** Extra detail for operators (e.g. render processes ready/busy). */
  details?(): Record<string, unknown>;
}

export async function healthRoutes(app: FastifyInstance, options: { readiness: Readiness }): Promise<void> {
  app.get('/healthz', async (_request, reply) => {
    const details = options.readiness.details?.() ?? {};
    if (!options.readiness.ready()) {
      return reply.code(503).send({ ...errorBody('not_ready', 'The server is starting or stopping'), ...details });
    }
    return { status: 'ok', ...details };
  });
}
