// Webhook deliveries and their attempt log in SQLite. A delivery row is both the retry state and
// the dispatchers' queue: like jobs, it is claimed with a lease (`locked_by`, `locked_until`), so
// two server processes never make the same attempt at once.
import { sql, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import type {
  NewWebhookDelivery,
  WebhookAttempt,
  WebhookAttemptResult,
  WebhookDelivery,
  WebhookDeliveryState,
} from '../records.js';
import type { WebhookDeliveryRepository } from '../repositories.js';
import type { Database, WebhookAttemptsTable, WebhookDeliveriesTable } from '../schema.js';
import { writeTransaction } from './transaction.js';

export class SqliteWebhookDeliveryRepository implements WebhookDeliveryRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async findFinishedJobsWithoutDelivery(since: number, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('jobs')
      .select('id')
      .where('webhook', 'is not', null)
      .where('completed_at', '>=', since)
      .where('status', 'in', ['completed', 'failed'])
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('webhook_deliveries as d').select('d.id').whereRef('d.job_id', '=', 'jobs.id'))),
      )
      .orderBy('completed_at')
      .limit(limit)
      .execute();
    return rows.map((row) => row.id);
  }

  async createIfAbsent(delivery: NewWebhookDelivery): Promise<boolean> {
    const result = await this.db
      .insertInto('webhook_deliveries')
      .values({
        id: delivery.id,
        job_id: delivery.jobId,
        account_id: delivery.accountId,
        url: delivery.url,
        payload: delivery.payload,
        state: 'pending',
        next_attempt_at: delivery.nextAttemptAt,
        locked_by: null,
        locked_until: null,
        last_status: null,
        created_at: delivery.createdAt,
        delivered_at: null,
      })
      .onConflict((oc) => oc.column('job_id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async findByJob(jobId: string): Promise<WebhookDelivery | undefined> {
    const row = await this.db.selectFrom('webhook_deliveries').selectAll().where('job_id', '=', jobId).executeTakeFirst();
    return row && deliveryFromRow(row);
  }

  async claimDue(dispatcherId: string, leaseMs: number, now = Date.now()): Promise<WebhookDelivery | undefined> {
    // One UPDATE … RETURNING, as for jobs: SQLite holds the write lock across the subquery, and
    // the outer WHERE repeats the test for databases that do not.
    const row = await this.db
      .updateTable('webhook_deliveries')
      .set({ locked_by: dispatcherId, locked_until: now + leaseMs })
      .where('id', '=', (eb) =>
        eb
          .selectFrom('webhook_deliveries')
          .select('id')
          .where((inner) => due(inner, now))
          .orderBy('next_attempt_at')
          .orderBy('id')
          .limit(1),
      )
      .where((eb) => due(eb, now))
      .returningAll()
      .executeTakeFirst();
    return row && deliveryFromRow(row);
  }

  async recordAttempt(deliveryId: string, dispatcherId: string, result: WebhookAttemptResult): Promise<boolean> {
    const { outcome } = result;
    const nextAttemptAt = outcome.state === 'pending' ? outcome.nextAttemptAt : null;
    return writeTransaction(this.db, async (trx) => {
      const updated = await trx
        .updateTable('webhook_deliveries')
        .set({
          state: outcome.state,
          attempts: sql`attempts + 1`,
          schedule_step: sql`schedule_step + 1`,
          next_attempt_at: nextAttemptAt,
          last_status: result.statusCode,
          last_error: result.error,
          delivered_at: outcome.state === 'delivered' ? result.startedAt + result.durationMs : null,
          locked_by: null,
          locked_until: null,
        })
        .where('id', '=', deliveryId)
        .where('locked_by', '=', dispatcherId)
        .executeTakeFirst();
      const held = Number(updated.numUpdatedRows) === 1;
      // Numbered after the attempts already logged, so a late write from a lost lease still
      // gets its own line instead of colliding.
      await trx
        .insertInto('webhook_attempts')
        .values({
          delivery_id: deliveryId,
          attempt: sql<number>`(SELECT count(*) + 1 FROM webhook_attempts WHERE delivery_id = ${deliveryId})`,
          started_at: result.startedAt,
          duration_ms: Math.round(result.durationMs),
          status_code: result.statusCode,
          error: result.error,
          next_attempt_at: held ? nextAttemptAt : null,
        })
        .execute();
      return held;
    });
  }

  async releaseLease(deliveryId: string, dispatcherId: string): Promise<void> {
    await this.db
      .updateTable('webhook_deliveries')
      .set({ locked_by: null, locked_until: null })
      .where('id', '=', deliveryId)
      .where('locked_by', '=', dispatcherId)
      .execute();
  }

  async restart(deliveryId: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('webhook_deliveries')
      .set({ state: 'pending', schedule_step: 0, next_attempt_at: now })
      .where('id', '=', deliveryId)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async listAttempts(deliveryId: string): Promise<WebhookAttempt[]> {
    const rows = await this.db
      .selectFrom('webhook_attempts')
      .selectAll()
      .where('delivery_id', '=', deliveryId)
      .orderBy('attempt')
      .orderBy('id')
      .execute();
    return rows.map(attemptFromRow);
  }
}

/** Pending, due, and not under a live lease. */
function due(eb: ExpressionBuilder<Database, 'webhook_deliveries'>, now: number) {
  return eb.and([
    eb('state', '=', 'pending'),
    eb('next_attempt_at', '<=', now),
    eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]),
  ]);
}

function deliveryFromRow(row: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
  return {
    id: row.id,
    jobId: row.job_id,
    accountId: row.account_id,
    url: row.url,
    payload: row.payload,
    state: row.state as WebhookDeliveryState,
    attempts: row.attempts,
    scheduleStep: row.schedule_step,
    nextAttemptAt: row.next_attempt_at,
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until,
    lastStatus: row.last_status,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  };
}

function attemptFromRow(row: Selectable<WebhookAttemptsTable>): WebhookAttempt {
  return {
    deliveryId: row.delivery_id,
    attempt: row.attempt,
    startedAt: row.started_at,
    durationMs: row.duration_ms,
    statusCode: row.status_code,
    error: row.error,
    nextAttemptAt: row.next_attempt_at,
  };
}
