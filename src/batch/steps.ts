import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';

/** What one chunk of a step covers: a key range, usually, or whatever the step's plan said. */
export type ChunkBounds = Readonly<Record<string, string | number | null>>;

/**
 * A step of the day-close, owned and registered by its context. The batch runs the registered steps
 * in the order of their positions; a step's chunks may run on several workers at once, but a step
 * starts only when every chunk of the steps before it is done.
 */
export interface BatchStep {
  /** "<context>.<what>", e.g. "lending.ageing". */
  readonly name: string;
  readonly owner: string;
  /** The declared order: lower runs first. Positions leave room between them for new steps. */
  readonly position: number;
  readonly description: string;
  /**
   * The chunks for a date, computed once (their answer is stored, so a resumed run works on the
   * same chunks). Without a plan the step is one chunk.
   */
  plan?(db: Executor, date: PlainDate): Promise<readonly ChunkBounds[]>;
  /**
   * Does one chunk. A transactional step (the default) gets the chunk's transaction: its writes
   * commit together with the chunk's "done" mark, so a chunk is done exactly once whatever happens.
   * A step with `transactional: false` gets the database, opens its own transactions, and must be
   * idempotent by itself (run again after a crash, it must change nothing it already changed).
   * Returns how many rows it handled.
   */
  run(db: Executor, date: PlainDate, bounds: ChunkBounds): Promise<number>;
  readonly transactional?: boolean;
}

export function checkStep(step: BatchStep, registered: readonly BatchStep[]): void {
  if (!/^[a-z]+\.[a-z][a-z0-9_-]*$/.test(step.name))
    throw new Error(`a batch step's name is "<context>.<what>": ${step.name}`);
  if (registered.some((s) => s.name === step.name))
    throw new Error(`batch step registered twice: ${step.name}`);
  if (!Number.isInteger(step.position))
    throw new Error(`batch step ${step.name}: position must be an integer`);
}

/**
 * The SQL condition "`column` within the chunk's key range [from, to)", either end open (null):
 * how steps that plan ranges of uuid keys select their rows.
 */
export function keyRange(column: string, bounds: ChunkBounds) {
  const from = (bounds.from as string | null | undefined) ?? null;
  const to = (bounds.to as string | null | undefined) ?? null;
  return sql`(${from}::uuid is null or ${sql.ref(column)} >= ${from}::uuid) and (${to}::uuid is null or ${sql.ref(column)} < ${to}::uuid)`;
}
