import { type Executor, inTransaction } from '../db/index.ts';
import type { Clock, QueueObserver } from '../kernel/index.ts';
import { MAX_BATCH_SIZE, type TransferEventResult, type TransferInput } from './model.ts';
import { createTransfersInTransaction } from './store.ts';
import { IdsNotNew } from './write.ts';

interface Waiting {
  readonly batch: readonly TransferInput[];
  readonly resolve: (results: TransferEventResult[]) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: transfers submitted concurrently outside any transaction share one database
 * transaction, as TigerBeetle batches everything. While a commit is running, new submissions queue;
 * the next commit takes all of them, up to MAX_BATCH_SIZE events, keeping each caller's batch whole
 * and its linked chains its own. Each caller gets exactly its own results, as if its batch had run
 * alone at that point in the order. With no load a submission commits at once, so latency is one
 * transaction; under load throughput grows with the number of callers.
 */
export class GroupCommitter {
  private readonly queue: Waiting[] = [];
  private running = 0;

  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly concurrency = 1,
    private readonly observer?: QueueObserver,
  ) {}

  submit(batch: readonly TransferInput[]): Promise<TransferEventResult[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ batch, resolve, reject });
      this.observer?.joined();
      this.schedule();
    });
  }

  /**
   * Starts the next commit after one turn of the event loop, so that requests whose bytes have
   * already arrived get parsed and join it. Embedded PGlite runs queries on this thread: without the
   * turn, a request arriving during a commit would only be read after the next one started.
   */
  private scheduled = false;

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const group = this.take();
      this.running++;
      void this.commit(group).finally(() => {
        this.running--;
        this.schedule();
      });
    }
  }

  private take(): Waiting[] {
    const group: Waiting[] = [];
    let events = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      if (group.length > 0 && events + next.batch.length > MAX_BATCH_SIZE) break;
      group.push(this.queue.shift()!);
      events += next.batch.length;
    }
    this.observer?.left(group.length);
    return group;
  }

  /**
   * Commits a group's batches, first on the assumption that their ids are new (store.ts): a batch
   * that repeats a taken id (a client's retry, say) costs one more attempt, with every id looked up.
   */
  private async run(batches: (readonly TransferInput[])[]): Promise<TransferEventResult[][]> {
    const now = this.clock.now();
    try {
      return await inTransaction(this.db, (trx) =>
        createTransfersInTransaction(trx, batches, now, { assumeNew: true }),
      );
    } catch (error) {
      if (!(error instanceof IdsNotNew)) throw error;
      return inTransaction(this.db, (trx) => createTransfersInTransaction(trx, batches, now));
    }
  }

  private async commit(group: Waiting[]): Promise<void> {
    try {
      const results = await this.run(group.map((w) => w.batch));
      group.forEach((waiting, index) => {
        waiting.resolve(results[index]!);
      });
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
      // One caller's batch may have caused it: run each alone, so that only that caller gets the error.
      for (const waiting of group) await this.commit([waiting]);
    }
  }
}
