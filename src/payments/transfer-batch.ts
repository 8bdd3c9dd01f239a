import { sql } from 'kysely';
import { inTransaction } from '../db/index.ts';
import { type PlainDate, type QueueObserver, ruleViolation } from '../kernel/index.ts';
import { CURRENCY, TransferCode, walletAccountId } from './accounts.ts';
import { overflowError, type PaymentsContext } from './context.ts';
import { insertOrders, type NewOrder, type Order, orderFromNew } from './orders.ts';
import { ensureWallet } from './wallet.ts';

/**
 * Group commit for wallet-to-wallet transfers, the busiest payment: transfers submitted at about
 * the same time share one transaction, with one statement to find the wallets, one ledger batch and
 * one insert of their orders, instead of a transaction each. Each caller still gets its own answer:
 * a wallet that cannot cover its transfer fails that transfer alone (the ledger gives one result per
 * event), and if the shared transaction fails for any other reason each transfer is tried alone.
 */
interface Waiting {
  readonly order: NewOrder & { userId: string; counterpartyUserId: string };
  readonly resolve: (order: Order) => void;
  readonly reject: (error: unknown) => void;
}

const MAX_GROUP = 1000;

/** One transfer's result in a group: committed, or refused by the ledger for a reason of its own. */
type Outcome = { readonly ok: true } | { readonly ok: false; readonly error: Error };

export class TransferBatcher {
  private queue: Waiting[] = [];
  private running = false;
  private scheduled = false;

  constructor(
    private readonly context: PaymentsContext,
    private readonly observer?: QueueObserver,
  ) {}

  submit(order: Waiting['order']): Promise<Order> {
    return new Promise((resolve, reject) => {
      this.queue.push({ order, resolve, reject });
      this.observer?.joined();
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.running || this.queue.length === 0) return;
    this.running = true;
    const group = this.queue.splice(0, MAX_GROUP);
    this.observer?.left(group.length);
    try {
      await this.commit(group);
    } finally {
      this.running = false;
      this.schedule();
    }
  }

  private async commit(group: Waiting[]): Promise<void> {
    const now = this.context.clock.now();
    const businessDate = this.context.clock.businessDate();
    let results: Outcome[];
    try {
      results = await this.apply(group, now, businessDate);
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
      for (const waiting of group) await this.commit([waiting]);
      return;
    }
    group.forEach((waiting, index) => {
      const result = results[index]!;
      if (result.ok) waiting.resolve(orderFromNew(waiting.order, now, businessDate));
      else waiting.reject(result.error);
    });
  }

  private apply(group: Waiting[], now: Date, businessDate: PlainDate): Promise<Outcome[]> {
    const context = this.context;
    return inTransaction(context.db, async (trx) => {
      const users = [...new Set(group.flatMap((w) => [w.order.userId, w.order.counterpartyUserId]))];
      const found = await sql<{
        user_id: string;
      }>`select user_id from wallets where user_id = any(${users}::uuid[])`.execute(trx);
      const existing = new Set(found.rows.map((row) => row.user_id));
      for (const user of users) if (!existing.has(user)) await ensureWallet(context, trx, user);
      const results = await context.ledger.createTransfers(
        group.map((w) => ({
          id: `pay:${w.order.id}:transfer`,
          debitAccountId: walletAccountId(w.order.userId),
          creditAccountId: walletAccountId(w.order.counterpartyUserId),
          amount: w.order.amount,
          ledger: CURRENCY,
          code: TransferCode.transfer,
          userData: w.order.id,
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
        group.filter((_, i) => outcome[i]!.ok).map((w) => w.order),
        now,
        businessDate,
      );
      return outcome;
    });
  }
}
