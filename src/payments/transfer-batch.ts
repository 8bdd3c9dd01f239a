import { sql } from 'kysely';
import { inGroupTransaction } from '../db/index.ts';
import {
  type Answer,
  GroupCommit,
  type PlainDate,
  type QueueObserver,
  ruleViolation,
} from '../kernel/index.ts';
import { CURRENCY, TransferCode, walletAccountId } from './accounts.ts';
import { overflowError, type PaymentsContext } from './context.ts';
import { insertOrders, type NewOrder, type Order, orderFromNew } from './orders.ts';
import { ensureWallet } from './wallet.ts';

type Member = NewOrder & { userId: string; counterpartyUserId: string };

/** One transfer's result in a group: committed, or refused by the ledger for a reason of its own. */
type Outcome = { readonly ok: true } | { readonly ok: false; readonly error: Error };

/**
 * Group commit for wallet-to-wallet transfers, the busiest payment: transfers submitted at about
 * the same time share one transaction, with one statement to find the wallets, one ledger batch and
 * one insert of their orders, instead of a transaction each. Each caller still gets its own answer:
 * a wallet that cannot cover its transfer fails that transfer alone (the ledger gives one result per
 * event), and if the shared transaction fails for any other reason each transfer is tried alone.
 */
export class TransferBatcher {
  private readonly queue: GroupCommit<Member, Order>;

  constructor(
    private readonly context: PaymentsContext,
    observer?: QueueObserver,
  ) {
    // The kernel's rules (docs/group-commit.md): up to 1,000 transfers a group, one group at a time,
    // and a group whose transaction fails is tried again one transfer at a time.
    this.queue = new GroupCommit({
      maxSize: 1000,
      ...(observer ? { observer } : {}),
      commit: (group) => this.commit(group),
    });
  }

  submit(order: Member): Promise<Order> {
    return this.queue.submit(order);
  }

  /** Refuses new transfers and resolves once every one submitted before has been answered. */
  close(): Promise<void> {
    return this.queue.close();
  }

  private async commit(group: readonly Member[]): Promise<Answer<Order>[]> {
    const now = this.context.clock.now();
    const businessDate = this.context.clock.businessDate();
    const results = await this.apply(group, now, businessDate);
    return group.map((order, index) => {
      const result = results[index]!;
      return result.ok ? { ok: true, value: orderFromNew(order, now, businessDate) } : result;
    });
  }

  private apply(group: readonly Member[], now: Date, businessDate: PlainDate): Promise<Outcome[]> {
    const context = this.context;
    return inGroupTransaction(context.db, async (trx) => {
      const users = [...new Set(group.flatMap((w) => [w.userId, w.counterpartyUserId]))];
      const found = await sql<{
        user_id: string;
      }>`select user_id from wallets where user_id = any(${users}::uuid[])`.execute(trx);
      const existing = new Set(found.rows.map((row) => row.user_id));
      for (const user of users) if (!existing.has(user)) await ensureWallet(context, trx, user);
      const results = await context.ledger.createTransfers(
        group.map((w) => ({
          id: `pay:${w.id}:transfer`,
          debitAccountId: walletAccountId(w.userId),
          creditAccountId: walletAccountId(w.counterpartyUserId),
          amount: w.amount,
          ledger: CURRENCY,
          code: TransferCode.transfer,
          userData: w.id,
        })),
        { tx: trx },
      );
      const outcome = results.map((r): Outcome => {
        if (r.result === 'ok') return { ok: true };
        if (r.result === 'exceeds_credits')
          return {
            ok: false,
            error: ruleViolation(
              'insufficient_funds',
              'the wallet does not hold enough available money for this',
            ),
          };
        const overflow = overflowError(r.result);
        if (overflow) return { ok: false, error: overflow };
        throw new Error(`ledger refused transfer ${r.id}: ${r.result}`);
      });
      await insertOrders(
        trx,
        group.filter((_, i) => outcome[i]!.ok),
        now,
        businessDate,
      );
      return outcome;
    });
  }
}
