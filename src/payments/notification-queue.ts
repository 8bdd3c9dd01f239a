import { inGroupTransaction } from '../db/index.ts';
import { type Answer, GroupCommit, type QueueObserver } from '../kernel/index.ts';
import type { PaymentsContext } from './context.ts';
import { type Settlement, type SettleResult, settleMany } from './settle.ts';

/**
 * Group commit for channel notifications (issue 23): notifications that arrive at about the same
 * time, each already verified (signature and timestamp, channel-events.ts), are settled together in
 * one transaction by settleMany: one statement records them all once, one locks their orders, one
 * ledger batch posts or voids every hold and books every channel cost. Each notification gets its
 * own result, and its caller answers the channel only once the group has committed.
 *
 * The kernel's rules (docs/group-commit.md), configured: up to 1,000 notifications a group, two
 * groups in flight (one prepares while the other waits for the channel's cash account and commits:
 * orders are locked in id order before the ledger's accounts, so two groups cannot deadlock), cut
 * one event-loop turn after a submission. A group whose transaction fails (a
 * ledger refusal that is a bug, a top-up listener that throws) is tried again one notification at a
 * time through the same path (the default isolation), so one bad notification fails only itself and
 * its channel sends it again. That retry is safe even if the failed group's commit had in fact taken
 * effect: settling is idempotent (the notification id is recorded once and a final order is never
 * settled again), so a second try answers `duplicate` or `already_final` and moves no money.
 */
export class NotificationQueue {
  private readonly queue: GroupCommit<Settlement, SettleResult>;

  constructor(
    private readonly context: PaymentsContext,
    observer?: QueueObserver,
  ) {
    this.queue = new GroupCommit({
      maxSize: 1000,
      concurrency: 2,
      ...(observer ? { observer } : {}),
      commit: (group) => this.commit(group),
    });
  }

  submit(settlement: Settlement): Promise<SettleResult> {
    return this.queue.submit(settlement);
  }

  /** Refuses new notifications and resolves once every one submitted before has been answered. */
  close(): Promise<void> {
    return this.queue.close();
  }

  private async commit(group: readonly Settlement[]): Promise<Answer<SettleResult>[]> {
    const results = await inGroupTransaction(this.context.db, (trx) => settleMany(this.context, trx, group));
    return results.map((value) => ({ ok: true, value }));
  }
}
