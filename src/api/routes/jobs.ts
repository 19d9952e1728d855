// GET /api/v1/jobs/{id}: the job object of one of the caller's jobs. Another account's job is
// answered exactly like a job that does not exist (404), so ids cannot be probed.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { toJobObject, type JobService } from '../../jobs/index.js';
import { notFound } from '../errors.js';
import { JobObjectSchema, JobParams } from '../schemas.js';

export interface JobRoutesOptions {
  jobs: JobService;
  publicUrl: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function jobRoutes(app: FastifyInstance, options: JobRoutesOptions): Promise<void> {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  typed.get(
    '/jobs/:id',
    { schema: { params: JobParams, response: { 200: JobObjectSchema } } },
    async (request) => {
      const { id } = request.params;
      const job = UUID.test(id) ? await options.jobs.findForAccount(id.toLowerCase(), request.caller.accountId) : undefined;
      if (!job) throw notFound(`No job with id ${id}`);
      return toJobObject(job, options.publicUrl);
    },
  );
}
