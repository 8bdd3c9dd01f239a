import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { conflict, type PlainDate } from '../../kernel/index.ts';
import { accountInput, createAccounts, wealthAccount } from '../accounts.ts';
import type { WealthContext } from '../context.ts';
import { type Product, registerCloseHook, registerPublishHook } from '../products.ts';
import { parseFixedTerms } from './terms.ts';

/** Where a fixed-term product's raise stands (wealth_fixed_raises). */
export const RAISE_STATES = ['raising', 'valued', 'failed', 'matured'] as const;
export type RaiseState = (typeof RAISE_STATES)[number];

export interface Raise {
  readonly productId: string;
  readonly state: RaiseState;
  readonly decidedOn: PlainDate | null;
  readonly maturedOn: PlainDate | null;
}

/** The raise of a product, optionally locked FOR UPDATE in the caller's transaction. */
export async function raiseOf(db: Executor, productId: string, lock = false): Promise<Raise | null> {
  const rows = await sql<{ state: RaiseState; decided_on: PlainDate | null; matured_on: PlainDate | null }>`
    select state, decided_on::text as decided_on, matured_on::text as matured_on
    from wealth_fixed_raises where product_id = ${productId} ${lock ? sql`for update` : sql``}`.execute(db);
  const row = rows.rows[0];
  return row ? { productId, state: row.state, decidedOn: row.decided_on, maturedOn: row.matured_on } : null;
}

export interface RaiseFigures {
  /** What was bought and not refunded. */
  readonly raised: bigint;
  readonly investors: number;
}

/** Money raised per product (sums of purchases not refunded: order amounts, not a stored balance). */
export async function raisedBy(
  db: Executor,
  productIds: readonly string[],
): Promise<Map<string, RaiseFigures>> {
  if (productIds.length === 0) return new Map();
  const rows = await sql<{ product_id: string; raised: bigint; investors: number }>`
    select product_id, coalesce(sum(amount), 0)::int8 as raised, count(distinct user_id)::int as investors
    from wealth_fixed_purchases where product_id = any(${[...productIds]}::uuid[]) and status <> 'refunded'
    group by product_id`.execute(db);
  return new Map(rows.rows.map((r) => [r.product_id, { raised: r.raised, investors: r.investors }]));
}

/**
 * Publishing a fixed-term product opens its raise: the raising account (money raised before the
 * value date) and the interest account (interest paid at maturity or on early redemption), and the
 * raise's row with the dates day-close looks for.
 */
async function onPublish(trx: Executor, product: Product, context: WealthContext): Promise<void> {
  const terms = parseFixedTerms(product.terms);
  await createAccounts(context.ledger, trx, [
    accountInput(wealthAccount.raising(product.id), 'wealthRaising', product.id),
    accountInput(wealthAccount.interest(product.id), 'wealthInterest', product.id),
  ]);
  await sql`insert into wealth_fixed_raises (product_id, state, raise_start, raise_end, value_date, maturity_date, updated_at)
    values (${product.id}, 'raising', ${terms.raiseStart}, ${terms.raiseEnd}, ${terms.valueDate}, ${terms.maturityDate},
      ${context.clock.now()})
    on conflict (product_id) do nothing`.execute(trx);
}

/** A fixed-term product closes only when nobody's money is in it: raise failed, or matured. */
async function onClose(trx: Executor, product: Product): Promise<void> {
  const raise = await raiseOf(trx, product.id, true);
  if (raise && (raise.state === 'raising' || raise.state === 'valued'))
    throw conflict('product_has_open_positions', 'the product is raising or not yet matured', {
      raiseState: raise.state,
    });
  const open = await sql<{ n: number }>`select count(*)::int as n from wealth_fixed_purchases
    where product_id = ${product.id} and status in ('raising', 'holding')`.execute(trx);
  if ((open.rows[0]?.n ?? 0) > 0)
    throw conflict('product_has_open_positions', 'the product still holds investors’ money');
}

registerPublishHook('fixed_term', onPublish);
registerCloseHook('fixed_term', onClose);
