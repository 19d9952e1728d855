// The caller's jobs: read one, list them, cancel one, purge an output. Another account's job is
// answered exactly like a job that does not exist (404), so ids cannot be probed.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { JobNotFoundError, jobObjectJson, toJobObject, type JobService } from '../../jobs/index.js';
import { JOB_MODELS, type JobListFilter, type JobListPosition, type JobView } from '../../store/index.js';
import { invalidRequest } from '../errors.js';
import { JobObjectSchema, JobParams, errorResponses } from '../schemas.js';

export interface JobRoutesOptions {
  jobs: JobService;
  publicUrl: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

/** A date, or a date-time with its offset (a time without one would depend on the server's zone). */
const ISO_DATE_OR_INSTANT = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2}))?$';
const isoDate = (description: string) =>
  Type.String({
    pattern: ISO_DATE_OR_INSTANT,
    'x-format-sentence': 'must be an ISO 8601 date or date-time with offset, e.g. 2025-01-31 or 2025-01-31T12:00:00Z',
    description,
  });

export const JobListQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(['processing', 'completed', 'failed', 'canceled'], { description: 'Only jobs in this status.' })),
    model: Type.Optional(Type.Enum([...JOB_MODELS], { description: 'Only jobs of this model.' })),
    createdAfter: Type.Optional(isoDate('Only jobs created at or after this instant (a date means its 00:00 UTC).')),
    createdBefore: Type.Optional(isoDate('Only jobs created before this instant (a date means its 00:00 UTC).')),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: 'Jobs per page.' })),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: "The previous page's nextCursor." })),
  },
  { additionalProperties: false },
);

export const JobListResponse = Type.Object({
  data: Type.Array(JobObjectSchema, { description: 'Newest first.' }),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: 'Pass as `cursor` (with the same filters) for the next page; null on the last page.',
  }),
});

export async function jobRoutes(app: FastifyInstance, options: JobRoutesOptions): Promise<void> {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  const { jobs, publicUrl } = options;
  // The SQLite store hands out one frozen view per job until some job changes (job-view-cache.ts),
  // so a poll's JSON is built once per change, not per request.
  const jsonOfView = new WeakMap<JobView, string>();
  acceptEmptyJsonBodies(app);

  typed.get(
    '/jobs/:id',
    {
      schema: {
        summary: 'Get a job',
        tags: ['jobs'],
        params: JobParams,
        response: { 200: JobObjectSchema, ...errorResponses(401, 404, 429) },
      },
    },
    async (request, reply) => {
      const job = await jobs.findViewForAccount(jobIdOf(request.params.id), request.caller.accountId);
      if (!job) throw new JobNotFoundError(request.params.id);
      // Already the JSON the schema above documents: Fastify sends a string as it is (the typed
      // reply only knows the object form).
      let json = jsonOfView.get(job);
      if (json === undefined) jsonOfView.set(job, (json = jobObjectJson(job, publicUrl)));
      return (reply as FastifyReply).type('application/json; charset=utf-8').send(json);
    },
  );

  typed.get(
    '/jobs',
    {
      schema: {
        summary: 'List jobs',
        description: 'The caller’s jobs, newest first, with filters and cursor pagination.',
        tags: ['jobs'],
        querystring: JobListQuery,
        response: { 200: JobListResponse, ...errorResponses(400, 401, 429) },
      },
      preValidation: numbersFromQuery(['limit']),
    },
    async (request) => {
      const query = request.query;
      const page = await jobs.list(
        request.caller.accountId,
        listFilter(query),
        query.cursor === undefined ? null : decodeCursor(query.cursor),
        query.limit ?? DEFAULT_PAGE_SIZE,
      );
      return {
        data: page.jobs.map((job) => toJobObject(job, publicUrl)),
        nextCursor: page.next === null ? null : encodeCursor(page.next),
      };
    },
  );

  typed.post(
    '/jobs/:id/cancel',
    {
      schema: {
        summary: 'Cancel a job',
        description:
          'A processing job becomes `canceled`, its render stops and its credit hold is released. ' +
          'Canceling a canceled job answers it unchanged; a completed or failed job answers 409.',
        tags: ['jobs'],
        params: JobParams,
        response: { 200: JobObjectSchema, ...errorResponses(401, 404, 409, 429) },
      },
    },
    async (request) => {
      const job = await jobs.cancel(jobIdOf(request.params.id), request.caller.accountId);
      request.log.info({ jobId: job.id }, 'job canceled');
      return toJobObject(job, publicUrl);
    },
  );

  typed.delete(
    '/jobs/:id',
    {
      schema: {
        summary: "Delete a job's output",
        description:
          'Purges the output file at once. The job stays readable, with `output: null` and `outputDeleted: true`. ' +
          'A processing job answers 409 (cancel it first).',
        tags: ['jobs'],
        params: JobParams,
        response: { 200: JobObjectSchema, ...errorResponses(401, 404, 409, 429) },
      },
    },
    async (request) => {
      const job = await jobs.deleteOutput(jobIdOf(request.params.id), request.caller.accountId);
      request.log.info({ jobId: job.id }, 'job output deleted');
      return toJobObject(job, publicUrl);
    },
  );
}

/**
 * Cancel takes no body, yet many clients send `Content-Type: application/json` on every POST;
 * in these routes an empty body is simply no body. Anything else is parsed as usual.
 */
function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' || body.length === 0) done(null, undefined);
    else parseJson(request, String(body), done);
  });
}

/** Ids are stored lowercase; anything that is not a UUID cannot be a job (404, not 400). */
function jobIdOf(id: string): string {
  if (!UUID.test(id)) throw new JobNotFoundError(id);
  return id.toLowerCase();
}

function listFilter(query: Static<typeof JobListQuery>): JobListFilter {
  return {
    status: query.status,
    model: query.model,
    createdAfter: query.createdAfter === undefined ? undefined : instant(query.createdAfter, 'createdAfter'),
    createdBefore: query.createdBefore === undefined ? undefined : instant(query.createdBefore, 'createdBefore'),
  };
}

function instant(text: string, field: string): number {
  const ms = Date.parse(text);
  // The pattern passed, so only impossible calendar values (2025-02-30, 25:00) get here.
  if (Number.isNaN(ms) || !sameCalendarDate(text, ms)) throw invalidRequest(`${field} is not a real date: ${text}`, field);
  return ms;
}

/** Date.parse rolls 2025-02-30 over to March 2nd instead of refusing it. */
function sameCalendarDate(text: string, ms: number): boolean {
  if (text.length !== 10) return true;
  return new Date(ms).toISOString().slice(0, 10) === text;
}

/** The cursor is opaque to clients: the position of the last job shown, base64url JSON. */
function encodeCursor(position: JobListPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');
}

function decodeCursor(cursor: string): JobListPosition {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (Number.isSafeInteger(createdAt) && typeof id === 'string' && UUID.test(id)) return { createdAt: createdAt as number, id };
  } catch {
    // fall through to the 400
  }
  throw invalidRequest('cursor is not a cursor this server handed out; pass nextCursor unchanged', 'cursor');
}

/**
 * Query strings carry text only, and the validator does not coerce (request bodies must never be
 * rewritten), so whole-number parameters are converted here, before validation.
 */
function numbersFromQuery(names: string[]) {
  return async (request: FastifyRequest) => {
    const query = request.query as Record<string, unknown>;
    for (const name of names) {
      const value = query[name];
      if (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) query[name] = Number(value);
    }
  };
}
