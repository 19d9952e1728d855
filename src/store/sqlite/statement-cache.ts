// Kysely's SQLite driver prepares every query anew, and preparing is the largest cost of the
// small queries an API request makes (a CPU profile of bench/api.ts: more than the query itself).
// better-sqlite3 statements are reusable, so the connection Kysely sees keeps the prepared
// statement of each distinct SQL text (bounded: `in (?, ?, …)` lists make texts vary).
import type { Database as SqliteConnection, Statement } from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

const MAX_CACHED_STATEMENTS = 500;

export function withStatementCache(connection: SqliteConnection, capacity = MAX_CACHED_STATEMENTS): SqliteDatabase {
  const statements = new Map<string, Statement>();
  return {
    close: () => {
      statements.clear();
      connection.close();
    },
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement) {
        // Least recently used first: re-insert to mark it as used.
        statements.delete(sql);
      } else {
        statement = connection.prepare(sql);
        if (statements.size >= capacity) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}
