// The store's public surface: open it, use its repositories, close it.
export type { Store } from './store.js';
export type * from './repositories.js';
export * from './records.js';
export { openSqliteStore, DATABASE_FILE_NAME, JOB_CHANGES_FILE_NAME } from './sqlite/database.js';
