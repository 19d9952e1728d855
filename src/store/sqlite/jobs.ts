// Jobs in SQLite. The jobs table is also the queue: a worker owns a job while `locked_by` is
// its id and `locked_until` is in the future; an expired lease makes the job claimable again.
import type { Database as SqliteConnection, Statement as SqliteStatement } from 'better-sqlite3';
import { sql, type CompiledQuery, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import type {
  CreditBalanceName,
  HoldOutcome,
  JobFailure,
  JobListFilter,
  JobListPosition,
  JobRecord,
  JobSuccess,
  JobView,
  NewJob,
  SubmitChecks,
  SubmitOutcome,
} from '../records.js';
import type { JobProgress, JobRepository } from '../repositories.js';
import type { Database, JobsTable } from '../schema.js';
import { balanceOf, findHold, insertHold, settleHold } from './credit-ledger.js';
import { JobViewCache, type JobChangeSignal } from './job-view-cache.js';
import { writeTransaction } from './transaction.js';

export class SqliteJobRepository implements JobRepository {
  /**
   * The poll's read (GET /api/v1/jobs/{id}), prepared once on a read-only connection to the same
   * file: no query building, no connection mutex, no mapping of the row (each a measured share of
   * a poll in bench/api.ts), and being another connection it sees only committed rows — never a
   * job inside another request's open transaction. Without a reader, the same SQL through Kysely.
   * Parameters: [id, accountId].
   */
  private readonly viewForAccount: CompiledQuery<JobView>;
  private readonly viewForAccountOnReader: SqliteStatement<[string, string], JobView> | null;
  /** Every write of a job row bumps it after its commit; the poll's cache watches it. */
  private readonly changes: JobChangeSignal | null;
  private readonly viewCache: JobViewCache | null;

  constructor(
    private readonly db: Kysely<Database>,
    fastReads?: { reader: SqliteConnection; changes: JobChangeSignal },
  ) {
    this.viewForAccount = db
      .selectFrom('jobs')
      .select([
        'id', 'model', 'status', 'stage', 'progress', 'seed', 'error', 'credits',
        'output_file as outputFile', 'execution_ms as executionMs', 'created_at as createdAt',
        'completed_at as completedAt', 'output_deleted_at as outputDeletedAt',
        'input as inputJson', 'timings as timingsJson',
      ])
      .where('id', '=', '')
      .where('account_id', '=', '')
      .compile() as CompiledQuery<JobView>;
    this.viewForAccountOnReader = fastReads?.reader.prepare<[string, string], JobView>(this.viewForAccount.sql) ?? null;
    this.changes = fastReads?.changes ?? null;
    this.viewCache = fastReads ? new JobViewCache(fastReads.changes) : null;
  }

  /** Tells readers here and in other processes that a job row changed; after the commit. */
  private announceChange(): void {
    this.changes?.bump();
  }

  async create(job: NewJob): Promise<JobRecord> {
    const row = await this.db.insertInto('jobs').values(newJobRow(job)).returningAll().executeTakeFirstOrThrow();
    this.announceChange();
    return jobFromRow(row);
  }

  async submit(job: NewJob, checks: SubmitChecks): Promise<SubmitOutcome> {
    const outcome = await writeTransaction(this.db, async (trx): Promise<SubmitOutcome> => {
      const { idempotency } = checks;
      if (idempotency) {
        const earlier = await trx
          .selectFrom('jobs')
          .selectAll()
          .where('account_id', '=', job.accountId)
          .where('idempotency_key', '=', idempotency.key)
          .executeTakeFirst();
        if (earlier && earlier.created_at >= idempotency.since) return { type: 'existing', job: jobFromRow(earlier) };
        // Past the window the key is free again; the old job keeps everything but the key.
        if (earlier) await trx.updateTable('jobs').set({ idempotency_key: null }).where('id', '=', earlier.id).execute();
      }
      if (checks.maxProcessingJobs > 0) {
        // Counting stops at the limit: the cost stays bounded however many jobs are queued.
        const { processing } = await trx
          .selectFrom((db) =>
            db
              .selectFrom('jobs')
              .select(sql<number>`1`.as('one')) // from the (account_id, status) index alone
              .where('account_id', '=', job.accountId)
              .where('status', '=', 'processing')
              .limit(checks.maxProcessingJobs)
              .as('counted'),
          )
          .select((eb) => eb.fn.countAll<number>().as('processing'))
          .executeTakeFirstOrThrow();
        if (Number(processing) >= checks.maxProcessingJobs) return { type: 'too-many-processing', processing: Number(processing) };
      }
      const balance = await balanceOf(trx, job.accountId, job.creditBalance ?? 'api');
      if (balance < checks.requiredCredits) return { type: 'insufficient-credits', balance };
      const row = await trx
        .insertInto('jobs')
        .values(newJobRow({ ...job, idempotencyKey: idempotency?.key ?? null, requestHash: idempotency?.requestHash ?? null }))
        .returningAll()
        .executeTakeFirstOrThrow();
      return { type: 'created', job: jobFromRow(row) };
    });
    if (outcome.type === 'created') this.announceChange();
    return outcome;
  }

  async holdCredits(id: string, workerId: string, amount: number, now = Date.now()): Promise<HoldOutcome> {
    let wroteJob = false;
    const outcome = await writeTransaction(this.db, async (trx): Promise<HoldOutcome> => {
      const job = await trx
        .selectFrom('jobs')
        .select(['account_id', 'credit_balance'])
        .where('id', '=', id)
        .where('status', '=', 'processing')
        .where('locked_by', '=', workerId)
        .executeTakeFirst();
      if (!job) return { type: 'not-held' };
      // A re-claimed job (its first render process died) keeps the hold of its first attempt.
      const earlier = await findHold(trx, id);
      if (earlier) return { type: 'held', amount: -earlier.amount };
      const balance = await balanceOf(trx, job.account_id, job.credit_balance as CreditBalanceName);
      if (balance < amount) return { type: 'insufficient', needed: amount, balance };
      await insertHold(trx, { jobId: id, accountId: job.account_id, balance: job.credit_balance as CreditBalanceName, amount }, now);
      await trx.updateTable('jobs').set({ credits: amount }).where('id', '=', id).execute();
      wroteJob = true;
      return { type: 'held', amount };
    });
    if (wroteJob) this.announceChange();
    return outcome;
  }

  async cancel(id: string, accountId: string, now = Date.now()): Promise<boolean> {
    const changed = await writeTransaction(this.db, async (trx) => {
      const result = await trx
        .updateTable('jobs')
        .set({ status: 'canceled', stage: 'canceled', completed_at: now, locked_by: null, locked_until: null })
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .where('status', '=', 'processing')
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await settleHold(trx, id, 'release', now);
      return true;
    });
    if (changed) this.announceChange();
    return changed;
  }

  async list(accountId: string, filter: JobListFilter, after: JobListPosition | null, limit: number): Promise<JobRecord[]> {
    let query = this.db.selectFrom('jobs').selectAll().where('account_id', '=', accountId);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.model !== undefined) query = query.where('model', '=', filter.model);
    if (filter.createdAfter !== undefined) query = query.where('created_at', '>=', filter.createdAfter);
    if (filter.createdBefore !== undefined) query = query.where('created_at', '<', filter.createdBefore);
    if (after) {
      // Keyset pagination: strictly older than the last row shown, ties broken by id.
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '<', after.createdAt),
          eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
        ]),
      );
    }
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(jobFromRow);
  }

  async forgetOutput(id: string, accountId: string | null, now: number): Promise<string | null> {
    const forgotten = await writeTransaction(this.db, async (trx) => {
      let select = trx.selectFrom('jobs').select('output_file').where('id', '=', id).where('output_file', 'is not', null);
      if (accountId !== null) select = select.where('account_id', '=', accountId);
      const row = await select.executeTakeFirst();
      if (!row) return null;
      await trx.updateTable('jobs').set({ output_file: null, output_deleted_at: now }).where('id', '=', id).execute();
      return row.output_file;
    });
    if (forgotten !== null) this.announceChange();
    return forgotten;
  }

  async findKeptOutputsFinishedBefore(cutoff: number, limit: number): Promise<JobRecord[]> {
    const rows = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('output_file', 'is not', null)
      .where('completed_at', '<', cutoff)
      .orderBy('completed_at')
      .limit(limit)
      .execute();
    return rows.map(jobFromRow);
  }

  async findById(id: string): Promise<JobRecord | undefined> {
    const row = await this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && jobFromRow(row);
  }

  async findForAccount(id: string, accountId: string): Promise<JobRecord | undefined> {
    const row = await this.db.selectFrom('jobs').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
    return row && jobFromRow(row);
  }

  async findViewForAccount(id: string, accountId: string): Promise<JobView | undefined> {
    const onReader = this.viewForAccountOnReader;
    if (onReader && this.viewCache) return this.viewCache.get(id, accountId, () => onReader.get(id, accountId));
    const { rows } = await this.db.executeQuery<JobView>({ ...this.viewForAccount, parameters: [id, accountId] });
    return rows[0];
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
    if (row !== undefined) this.announceChange();
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
    const changed = Number(result.numUpdatedRows) === 1;
    if (changed) this.announceChange();
    return changed;
  }

  async complete(id: string, workerId: string, success: JobSuccess): Promise<boolean> {
    const changed = await writeTransaction(this.db, async (trx) => {
      const result = await trx
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
      if (Number(result.numUpdatedRows) !== 1) return false;
      await settleHold(trx, id, 'charge', success.completedAt);
      return true;
    });
    if (changed) this.announceChange();
    return changed;
  }

  async fail(id: string, workerId: string | null, failure: JobFailure): Promise<boolean> {
    const changed = await writeTransaction(this.db, async (trx) => {
      let query = trx
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
      if (Number(result.numUpdatedRows) !== 1) return false;
      await settleHold(trx, id, 'release', failure.completedAt);
      return true;
    });
    if (changed) this.announceChange();
    return changed;
  }

  async expireLease(id: string, workerId: string, now = Date.now()): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({ locked_until: now, stage: 'queued', progress: 0 })
      .where('id', '=', id)
      .where('status', '=', 'processing')
      .where('locked_by', '=', workerId)
      .executeTakeFirst();
    const changed = Number(result.numUpdatedRows) === 1;
    if (changed) this.announceChange();
    return changed;
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
    const changed = Number(result.numUpdatedRows) === 1;
    if (changed) this.announceChange();
    return changed;
  }
}

/** A job a worker may take: still processing and not under a live lease. */
function claimable(eb: ExpressionBuilder<Database, 'jobs'>, now: number) {
  return eb.and([
    eb('status', '=', 'processing'),
    eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]),
  ]);
}

/** Where each field of a JobRecord is stored (the compiler checks that none is missing). */
const JOB_RECORD_COLUMNS: { [field in keyof JobRecord]: keyof JobsTable } = {
  id: 'id',
  accountId: 'account_id',
  keyId: 'key_id',
  model: 'model',
  status: 'status',
  stage: 'stage',
  progress: 'progress',
  input: 'input',
  seed: 'seed',
  webhook: 'webhook',
  outputFile: 'output_file',
  outputToken: 'output_token',
  error: 'error',
  timings: 'timings',
  executionMs: 'execution_ms',
  createdAt: 'created_at',
  startedAt: 'started_at',
  completedAt: 'completed_at',
  attempts: 'attempts',
  lockedBy: 'locked_by',
  lockedUntil: 'locked_until',
  idempotencyKey: 'idempotency_key',
  requestHash: 'request_hash',
  credits: 'credits',
  creditBalance: 'credit_balance',
  outputDeletedAt: 'output_deleted_at',
};
const JOB_RECORD_FIELDS = Object.entries(JOB_RECORD_COLUMNS) as [keyof JobRecord, keyof JobsTable][];
/** Columns holding JSON text (or null). */
const JSON_COLUMNS: ReadonlySet<keyof JobsTable> = new Set(['input', 'timings']);

/** A row as a JobRecord; the JSON columns parsed. */
function jobFromRow(row: Selectable<JobsTable>): JobRecord {
  const job: Record<string, unknown> = {};
  for (const [field, column] of JOB_RECORD_FIELDS) {
    const value = row[column];
    job[field] = JSON_COLUMNS.has(column) && typeof value === 'string' ? JSON.parse(value) : value;
  }
  return job as unknown as JobRecord;
}

function newJobRow(job: NewJob) {
  return {
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
    credits: null,
    credit_balance: job.creditBalance ?? 'api',
    output_deleted_at: null,
  };
}
