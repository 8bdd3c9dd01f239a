import { type Executor, inGroupTransaction } from '../db/index.ts';
import { type Clock, GroupCommit, type QueueObserver } from '../kernel/index.ts';
import { MAX_BATCH_SIZE, type TransferEventResult, type TransferInput } from './model.ts';
import { createTransfersInTransaction } from './store.ts';
import { IdsNotNew } from './write.ts';

/**
 * Group commit: transfers submitted concurrently outside any transaction share one database
 * transaction, as TigerBeetle batches everything. While a commit is running, new submissions queue;
 * the next commit takes all of them, up to MAX_BATCH_SIZE events, keeping each caller's batch whole
 * and its linked chains its own. Each caller gets exactly its own results, as if its batch had run
 * alone at that point in the order. With no load a submission commits at once, so latency is one
 * transaction; under load throughput grows with the number of callers.
 *
 * The queue is the kernel's GroupCommit (docs/group-commit.md): a group whose transaction fails is
 * run again one batch at a time, so that only the batch that caused it gets the error.
 */
export class GroupCommitter {
  private readonly queue: GroupCommit<readonly TransferInput[], TransferEventResult[]>;

  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    concurrency = 1,
    observer?: QueueObserver,
  ) {
    this.queue = new GroupCommit({
      ...(observer ? { observer } : {}),
      maxSize: MAX_BATCH_SIZE,
      sizeOf: (batch) => batch.length,
      concurrency,
      commit: async (batches) => (await this.run(batches)).map((value) => ({ ok: true, value })),
    });
  }

  submit(batch: readonly TransferInput[]): Promise<TransferEventResult[]> {
    return this.queue.submit(batch);
  }

  /** Refuses new batches and resolves once every batch submitted before has committed. */
  close(): Promise<void> {
    return this.queue.close();
  }

  /**
   * Commits a group's batches, first on the assumption that their ids are new (store.ts): a batch
   * that repeats a taken id (a client's retry, say) costs one more attempt, with every id looked up.
   */
  private async run(batches: readonly (readonly TransferInput[])[]): Promise<TransferEventResult[][]> {
    const now = this.clock.now();
    try {
      return await inGroupTransaction(this.db, (trx) =>
        createTransfersInTransaction(trx, batches, now, { assumeNew: true }),
      );
    } catch (error) {
      if (!(error instanceof IdsNotNew)) throw error;
      return inGroupTransaction(this.db, (trx) => createTransfersInTransaction(trx, batches, now));
    }
  }
}
