export { integerArray, nullableTextArray, textArray } from './arrays.ts';
export {
  type Database,
  type DatabaseConfig,
  type Driver,
  openDatabase,
  type PoolUse,
  quoteIdent,
} from './connect.ts';
export { copySchema } from './copy-schema.ts';
export { DataDirInUseError } from './data-dir-lock.ts';
export type { Listen } from './listen.ts';
export {
  bundledMigrations,
  type Migration,
  MigrationError,
  type MigrationReport,
  type MigrationState,
  migrate,
  migrationState,
} from './migrate.ts';
export {
  type Executor,
  inGroupTransaction,
  inTransaction,
  isRetryable,
  RetryableError,
  sqlState,
  type TransactionOptions,
} from './transaction.ts';
