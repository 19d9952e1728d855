// Write transactions that take SQLite's write lock up front (BEGIN IMMEDIATE). A deferred
// transaction that reads and then writes fails at once with SQLITE_BUSY when another process
// (the CLI granting credits) committed in between; an immediate one waits its turn instead
// (busy_timeout), so read-check-write sequences are both atomic and safe across processes.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

export async function writeTransaction<T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`BEGIN IMMEDIATE`.execute(conn);
    try {
      const result = await work(conn);
      await sql`COMMIT`.execute(conn);
      return result;
    } catch (error) {
      await sql`ROLLBACK`.execute(conn).catch(() => {});
      throw error;
    }
  });
}
