import { sql } from 'kysely';
import type { BatchStep } from '../../batch/index.ts';
import { type Executor, integerArray, textArray } from '../../db/index.ts';
import { addDays, assert, type PlainDate } from '../../kernel/index.ts';
import type { TransferInput } from '../../ledger/index.ts';
import { walletAccountId } from '../../payments/index.ts';
import { post, transfer, WealthCode, wealthAccount } from '../accounts.ts';
import type { WealthContext } from '../context.ts';
import { ensureHolding } from '../holdings.ts';
import { getProduct, type Product } from '../products.ts';
import { simpleInterest } from './interest.ts';
import { raiseOf } from './raises.ts';
import { type FixedTermsParsed, parseFixedTerms } from './terms.ts';

/** Transfers posted per call, so that one product with many investors stays within one request's size. */
const POST_SLICE = 1000;

async function postAll(context: WealthContext, trx: Executor, transfers: TransferInput[]): Promise<void> {
  for (let i = 0; i < transfers.length; i += POST_SLICE)
    await post(context.ledger, trx, transfers.slice(i, i + POST_SLICE));
}

/**
 * Day-close step 550, wealth.fixed, for business date D (the date closing). One chunk per product
 * with work, each in its own transaction (with the chunk's done mark):
 * - end of raising, when D ≥ raiseEnd and the raise is undecided: at least minTotal raised → each
 *   investor's purchases move from the raising account to their holding (one per product and
 *   investor); less → every purchase is refunded to its wallet in this close, the same business
 *   date raising ended.
 * - maturity, when D + 1 ≥ maturityDate: principal (holding → wallet) and interest (the product's
 *   interest account → wallet) are paid in the close of the day before maturity, so the money is in
 *   the wallet when the maturity date opens.
 */
export function fixedDayStep(context: WealthContext): BatchStep {
  return {
    name: 'wealth.fixed',
    owner: 'wealth',
    position: 550,
    description:
      'Fixed-term products: end of raising (value what was raised, or refund every purchase of a raise that missed its minimum) and maturity (principal and interest to wallets)',
    async plan(db, date) {
      const rows = await sql<{ product_id: string }>`select product_id from wealth_fixed_raises
        where (state = 'raising' and raise_end <= ${date}::date)
           or (state = 'valued' and maturity_date <= ${addDays(date, 1)}::date)
        order by product_id`.execute(db);
      return rows.rows.map((r) => ({ product: r.product_id }));
    },
    async run(trx, date, bounds) {
      return productDay(context, trx, date, String(bounds.product));
    },
  };
}

/** One product's day: decide its raise, then pay it at maturity, whichever is due (idempotent by state). */
export async function productDay(
  context: WealthContext,
  trx: Executor,
  date: PlainDate,
  productId: string,
): Promise<number> {
  // The product row first, as purchases lock it: a purchase and the decision never interleave.
  const product = await getProduct(trx, productId, 'update');
  const terms = parseFixedTerms(product.terms);
  let raise = await raiseOf(trx, productId, true);
  let handled = 0;
  if (raise?.state === 'raising' && terms.raiseEnd <= date) {
    handled += await decideRaise(context, trx, date, product, terms);
    raise = await raiseOf(trx, productId, true);
  }
  if (raise?.state === 'valued' && terms.maturityDate <= addDays(date, 1))
    handled += await mature(context, trx, date, product, terms);
  return handled;
}

async function decideRaise(
  context: WealthContext,
  trx: Executor,
  date: PlainDate,
  product: Product,
  terms: FixedTermsParsed,
): Promise<number> {
  const purchases = await sql<{ id: string; user_id: string; amount: bigint }>`
    select id, user_id, amount from wealth_fixed_purchases
    where product_id = ${product.id} and status = 'raising' order by user_id, id`.execute(trx);
  const total = purchases.rows.reduce((sum, p) => sum + p.amount, 0n);
  const now = context.clock.now();
  const raising = wealthAccount.raising(product.id);
  if (total > 0n && total >= terms.minTotal) {
    const perUser = new Map<string, bigint>();
    for (const p of purchases.rows) perUser.set(p.user_id, (perUser.get(p.user_id) ?? 0n) + p.amount);
    const transfers: TransferInput[] = [];
    for (const [userId, amount] of perUser) {
      const holding = await ensureHolding(context.ledger, trx, product, userId, now);
      transfers.push(transfer(raising, holding.accountId, amount, WealthCode.valueDate, holding.id));
    }
    await postAll(context, trx, transfers);
    await sql`update wealth_fixed_purchases p set status = 'holding', holding_id = h.id, updated_at = ${now}
      from wealth_holdings h
      where p.product_id = ${product.id} and p.status = 'raising'
        and h.product_id = p.product_id and h.user_id = p.user_id`.execute(trx);
    await sql`update wealth_fixed_raises set state = 'valued', decided_on = ${date}, updated_at = ${now}
      where product_id = ${product.id}`.execute(trx);
  } else {
    const transfers = purchases.rows.map((p) =>
      transfer(raising, walletAccountId(p.user_id), p.amount, WealthCode.refundRaise, p.id),
    );
    await postAll(context, trx, transfers);
    if (transfers.length > 0)
      await sql`update wealth_fixed_purchases p set status = 'refunded', refund_transfer_id = r.transfer_id,
          settled_on = ${date}, updated_at = ${now}
        from unnest(${textArray(purchases.rows.map((p) => p.id))}::uuid[], ${textArray(transfers.map((t) => t.id))}::text[])
          as r(purchase_id, transfer_id)
        where p.id = r.purchase_id`.execute(trx);
    await sql`update wealth_fixed_raises set state = 'failed', decided_on = ${date}, updated_at = ${now}
      where product_id = ${product.id}`.execute(trx);
  }
  return purchases.rows.length;
}

async function mature(
  context: WealthContext,
  trx: Executor,
  date: PlainDate,
  product: Product,
  terms: FixedTermsParsed,
): Promise<number> {
  const holdings = await sql<{ holding_id: string; user_id: string; account_id: string; principal: bigint }>`
    select p.holding_id, p.user_id, h.account_id, sum(p.amount)::int8 as principal
    from wealth_fixed_purchases p join wealth_holdings h on h.id = p.holding_id
    where p.product_id = ${product.id} and p.status = 'holding'
    group by p.holding_id, p.user_id, h.account_id order by p.holding_id`.execute(trx);
  const now = context.clock.now();
  const transfers: TransferInput[] = [];
  const settlements: Array<{
    holding: string;
    user: string;
    principal: bigint;
    days: number;
    interest: bigint;
    ids: string[];
  }> = [];
  for (const h of holdings.rows) {
    assert(h.principal > 0n, 'a holding at maturity holds something');
    const { days, interest } = simpleInterest(
      h.principal,
      terms.annualRate,
      terms.valueDate,
      terms.maturityDate,
      terms.dayCount,
    );
    const wallet = walletAccountId(h.user_id);
    const principal = transfer(h.account_id, wallet, h.principal, WealthCode.redeem, h.holding_id);
    const paid = transfer(
      wealthAccount.interest(product.id),
      wallet,
      interest,
      WealthCode.interest,
      h.holding_id,
    );
    transfers.push(principal, paid);
    settlements.push({
      holding: h.holding_id,
      user: h.user_id,
      principal: h.principal,
      days,
      interest,
      ids: interest > 0n ? [principal.id, paid.id] : [principal.id],
    });
  }
  await postAll(context, trx, transfers);
  if (settlements.length > 0) {
    await sql`insert into wealth_fixed_settlements (holding_id, product_id, user_id, kind, principal, days, rate, interest,
        fee, net, business_date, transfer_ids, created_at)
      select s.holding_id, ${product.id}, s.user_id, 'maturity', s.principal, s.days, ${terms.annualRate.toFixed()},
        s.interest, 0, s.principal + s.interest, ${date}, string_to_array(s.ids, ','), ${now}
      from unnest(${textArray(settlements.map((s) => s.holding))}::uuid[],
        ${textArray(settlements.map((s) => s.user))}::uuid[],
        ${integerArray(settlements.map((s) => s.principal))}::int8[], ${integerArray(settlements.map((s) => s.days))}::int[],
        ${integerArray(settlements.map((s) => s.interest))}::int8[], ${textArray(settlements.map((s) => s.ids.join(',')))}::text[])
        as s(holding_id, user_id, principal, days, interest, ids)`.execute(trx);
    await sql`update wealth_fixed_purchases set status = 'matured', settled_on = ${date}, updated_at = ${now}
      where product_id = ${product.id} and status = 'holding'`.execute(trx);
  }
  await sql`update wealth_fixed_raises set state = 'matured', matured_on = ${date}, updated_at = ${now}
    where product_id = ${product.id}`.execute(trx);
  return holdings.rows.length;
}
