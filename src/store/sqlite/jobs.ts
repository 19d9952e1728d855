// Jobs in SQLite. The jobs table is also the queue: a worker owns a job while `locked_by` is
// its id and `locked_until` is in the future; an expired lease makes the job claimable again.
import { sql, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import type { JobFailure, JobModel, JobRecord, JobStatus, JobSuccess, NewJob } from '../records.js';
import type { JobProgress, JobRepository } from '../repositories.js';
import type { Database, JobsTable } from '../schema.js';

export class SqliteJobRepository implements JobRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(job: NewJob): Promise<JobRecord> {
    const row = await this.db
      .insertInto('jobs')
      .values({
        id: job.id,
        account_id: job.accountId,
        key_id: job.keyId,
        model: job.model,
        status: 'processing',
        input: JSON.stringify(job.input),
        seed: job.seed,
        webhook: job.webhook,
        output_file: null,
        output_token: job.outputToken,
        timings: null,
        execution_ms: null,
        created_at: job.createdAt,
        started_at: null,
        completed_at: null,
        locked_by: null,
        locked_until: null,
        idempotency_key: job.idempotencyKey ?? null,
        request_hash: job.requestHash ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return jobFromRow(row);
  }

  async findById(id: string): Promise<JobRecord | undefined> {
    const row = await this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && jobFromRow(row);
  }

  async findForAccount(id: string, accountId: string): Promise<JobRecord | undefined> {
    const row = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return row && jobFromRow(row);
  }

  async claimNext(workerId: string, leaseMs: number, now = Date.now()): Promise<JobRecord | undefined> {
    // One UPDATE … RETURNING: SQLite takes the write lock before the subquery runs, so two
    // claimers (even in two processes) cannot both get the row. The outer WHERE repeats the
    // claimability test so the statement stays correct on databases without that guarantee
    // (Postgres will use FOR UPDATE SKIP LOCKED in the subquery instead).
    const row = await this.db
      .updateTable('jobs')
      .set({
        locked_by: workerId,
        locked_until: now + leaseMs,
        attempts: sql`attempts + 1`,
        started_at: sql`coalesce(started_at, ${now})`,
      })
      .where('id', '=', (eb) =>
        eb
          .selectFrom('jobs')
          .select('id')
          .where((inner) => claimable(inner, now))
          .orderBy('created_at')
          .orderBy('id')
          .limit(1),
      )
      .where((eb) => claimable(eb, now))
      .returningAll()
      .executeTakeFirst();
    return row && jobFromRow(row);
  }

  async extendLease(
    id: string,
    workerId: string,
    leaseMs: number,
    progress?: JobProgress,
    now = Date.now(),
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({ locked_until: now + leaseMs, ...(progress ?? {}) })
      .where('id', '=', id)
      .where('status', '=', 'processing')
      .where('locked_by', '=', workerId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async complete(id: string, workerId: string, success: JobSuccess): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({
        status: 'completed',
        stage: 'done',
        progress: 1,
        output_file: success.outputFile,
        timings: JSON.stringify(success.timings),
        execution_ms: Math.round(success.executionMs),
        completed_at: success.completedAt,
        error: '',
        locked_by: null,
        locked_until: null,
      })
      .where('id', '=', id)
      .where('status', '=', 'processing')
      .where('locked_by', '=', workerId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async fail(id: string, workerId: string | null, failure: JobFailure): Promise<boolean> {
    let query = this.db
      .updateTable('jobs')
      .set({
        status: 'failed',
        error: failure.error,
        timings: failure.timings === null ? null : JSON.stringify(failure.timings),
        completed_at: failure.completedAt,
        locked_by: null,
        locked_until: null,
      })
      .where('id', '=', id)
      .where('status', '=', 'processing');
    if (workerId !== null) query = query.where('locked_by', '=', workerId);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async expireLease(id: string, workerId: string, now = Date.now()): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({ locked_until: now, stage: 'queued', progress: 0 })
      .where('id', '=', id)
      .where('status', '=', 'processing')
      .where('locked_by', '=', workerId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async release(id: string, workerId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({
        locked_by: null,
        locked_until: null,
        stage: 'queued',
        progress: 0,
        attempts: sql`max(attempts - 1, 0)`,
      })
      .where('id', '=', id)
      .where('status', '=', 'processing')
      .where('locked_by', '=', workerId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}

/** A job a worker may take: still processing and not under a live lease. */
function claimable(eb: ExpressionBuilder<Database, 'jobs'>, now: number) {
  return eb.and([
    eb('status', '=', 'processing'),
    eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]),
  ]);
}

function jobFromRow(row: Selectable<JobsTable>): JobRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    keyId: row.key_id,
    model: row.model as JobModel,
    status: row.status as JobStatus,
    stage: row.stage,
    progress: row.progress,
    input: JSON.parse(row.input) as Record<string, unknown>,
    seed: row.seed,
    webhook: row.webhook,
    outputFile: row.output_file,
    outputToken: row.output_token,
    error: row.error,
    timings: row.timings === null ? null : (JSON.parse(row.timings) as Record<string, number>),
    executionMs: row.execution_ms,
    createdAt: row.created_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    attempts: row.attempts,
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until,
    idempotencyKey: row.idempotency_key,
    requestHash: row.request_hash,
  };
}
