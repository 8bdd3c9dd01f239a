import { sql } from 'kysely';
import type { BatchStep } from '../../batch/index.ts';
import type { Executor } from '../../db/index.ts';
import { addDays, type PlainDate } from '../../kernel/index.ts';
import { TransferFlag } from '../../ledger/index.ts';
import { CURRENCY, post, transfer, WealthCode, wealthAccount } from '../accounts.ts';
import type { WealthContext } from '../context.ts';
import { ensureHolding } from '../holdings.ts';
import { getProduct, type Product } from '../products.ts';

/** How many orders one pass of a step handles (one ledger call each). */
const BATCH = 2000;

/**
 * 510 wealth.mmf-confirm: closing date D, confirms the subscriptions whose confirm date is D+1 or
 * earlier (pending → the investor's holding, which is opened on the first), so that they hold units
 * when D+1 opens and earn from D+1's income. The order's status changes with its transfer, in the
 * step's transaction: run again, it finds nothing left to do.
 */
async function confirmSubscriptions(context: WealthContext, trx: Executor, date: PlainDate): Promise<number> {
  const until = addDays(date, 1);
  const products = new Map<string, Product>();
  const now = context.clock.now();
  let handled = 0;
  for (;;) {
    const rows = await sql<{ id: string; product_id: string; user_id: string; amount: bigint }>`
      select id, product_id, user_id, amount from wealth_mmf_orders
      where status = 'pending' and kind = 'subscription' and settle_date <= ${until}::date
      order by id limit ${BATCH} for update`.execute(trx);
    if (rows.rows.length === 0) return handled;
    const transfers = [];
    const settled: { id: string; transferId: string }[] = [];
    for (const row of rows.rows) {
      let product = products.get(row.product_id);
      if (!product) {
        product = await getProduct(trx, row.product_id);
        products.set(product.id, product);
      }
      const holding = await ensureHolding(context.ledger, trx, product, row.user_id, now);
      const confirmed = {
        ...transfer(
          wealthAccount.pending(product.id),
          holding.accountId,
          BigInt(row.amount),
          WealthCode.confirm,
          row.id,
        ),
        id: `wealth:${row.id}:confirm`,
      };
      transfers.push(confirmed);
      settled.push({ id: row.id, transferId: confirmed.id });
    }
    await post(context.ledger, trx, transfers);
    await markCompleted(trx, settled, now);
    handled += rows.rows.length;
  }
}

/**
 * 520 wealth.mmf-settle: closing date D, pays the normal redemptions whose pay date is D+1 or earlier
 * (posts their pending transfer holding → wallet, so the money is in the wallet when D+1 opens); and
 * gives back to the fund's liquidity what quick redemptions of D (and any earlier day not yet given
 * back) drew: the fund's own T+1 settlement replenishes the pool.
 */
async function settleRedemptions(context: WealthContext, trx: Executor, date: PlainDate): Promise<number> {
  const until = addDays(date, 1);
  const now = context.clock.now();
  let handled = 0;
  for (;;) {
    const rows = await sql<{ id: string; amount: bigint; transfer_id: string }>`
      select id, amount, transfer_id from wealth_mmf_orders
      where status = 'pending' and kind = 'redemption' and settle_date <= ${until}::date
      order by id limit ${BATCH} for update`.execute(trx);
    if (rows.rows.length === 0) break;
    const transfers = rows.rows.map((row) => ({
      id: `wealth:${row.id}:paid`,
      pendingId: row.transfer_id,
      amount: BigInt(row.amount),
      ledger: CURRENCY,
      code: WealthCode.redeem,
      userData: row.id,
      flags: TransferFlag.postPendingTransfer,
    }));
    await post(context.ledger, trx, transfers);
    await markCompleted(
      trx,
      transfers.map((t) => ({ id: t.userData, transferId: t.id })),
      now,
    );
    handled += rows.rows.length;
  }
  const drawn = await sql<{ product_id: string; total: string; ids: string[] }>`
    select product_id, sum(amount)::text as total, array_agg(id::text) as ids from wealth_mmf_orders
    where mode = 'quick' and liquidity_restored_on is null and business_date <= ${date}::date
    group by product_id order by product_id`.execute(trx);
  for (const row of drawn.rows) {
    await post(context.ledger, trx, [
      transfer(
        wealthAccount.liquidityUsed(row.product_id),
        wealthAccount.liquidity(row.product_id),
        BigInt(row.total),
        WealthCode.liquidityRestore,
        row.product_id,
      ),
    ]);
    await sql`update wealth_mmf_orders set liquidity_restored_on = ${date}::date
      where id = any(${row.ids}::uuid[])`.execute(trx);
    handled += row.ids.length;
  }
  return handled;
}

async function markCompleted(trx: Executor, settled: { id: string; transferId: string }[], now: Date) {
  if (settled.length === 0) return;
  await sql`update wealth_mmf_orders o set status = 'completed', settle_transfer_id = s.transfer_id, completed_at = ${now}
    from (select unnest(${settled.map((s) => s.id)}::uuid[]) as id, unnest(${settled.map((s) => s.transferId)}::text[]) as transfer_id) s
    where o.id = s.id`.execute(trx);
}

export function mmfDaySteps(context: WealthContext): BatchStep[] {
  return [
    {
      name: 'wealth.mmf-confirm',
      owner: 'wealth',
      position: 510,
      description:
        "Confirms the money-market fund's subscriptions whose confirm date is the next business date: pending → the holding, earning from that date.",
      run: (db, date) => confirmSubscriptions(context, db, date),
    },
    {
      name: 'wealth.mmf-settle',
      owner: 'wealth',
      position: 520,
      description:
        "Pays the money-market fund's normal redemptions due by the next business date into wallets, and restores the liquidity the day's quick redemptions drew (the fund's T+1 settlement).",
      run: (db, date) => settleRedemptions(context, db, date),
    },
  ];
}
