import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { uuidv7 } from '../kernel/index.ts';
import type { Ledger } from '../ledger/index.ts';
import { accountInput, createAccounts, unitLedger, wealthAccount } from './accounts.ts';
import type { Product } from './products.ts';

/**
 * The holdings registry: which investor holds which product, and the ledger account that holds it.
 * No amount is kept here; the balance is the ledger's. A money-market fund or fixed-term holding is
 * a fund_holding account in CNY; a distributed fund's is a fund_units account in the fund's unit
 * ledger.
 */
export interface Holding {
  readonly id: string;
  readonly productId: string;
  readonly userId: string;
  readonly accountId: string;
}

/** The investor's holding of the product, created (registry row and ledger account) if new. */
export async function ensureHolding(
  ledger: Ledger,
  trx: Executor,
  product: Pick<Product, 'id' | 'kind' | 'code'>,
  userId: string,
  now: Date,
): Promise<Holding> {
  const existing = await holdingOf(trx, product.id, userId);
  if (existing) return existing;
  const id = uuidv7();
  const accountId = product.kind === 'mutual_fund' ? wealthAccount.units(id) : wealthAccount.holding(id);
  const inserted = await sql`insert into wealth_holdings (id, product_id, user_id, account_id, opened_at)
    values (${id}, ${product.id}, ${userId}, ${accountId}, ${now}) on conflict (product_id, user_id) do nothing`.execute(
    trx,
  );
  if (!inserted.numAffectedRows) return (await holdingOf(trx, product.id, userId))!;
  await createAccounts(ledger, trx, [
    product.kind === 'mutual_fund'
      ? accountInput(accountId, 'fundUnits', product.id, unitLedger(product.code))
      : accountInput(accountId, 'fundHolding', product.id),
  ]);
  return { id, productId: product.id, userId, accountId };
}

export async function holdingOf(db: Executor, productId: string, userId: string): Promise<Holding | null> {
  const rows = await sql<{ id: string; account_id: string }>`select id, account_id from wealth_holdings
    where product_id = ${productId} and user_id = ${userId}`.execute(db);
  const row = rows.rows[0];
  return row ? { id: row.id, productId, userId, accountId: row.account_id } : null;
}

export async function holdingsOfUser(db: Executor, userId: string): Promise<Holding[]> {
  const rows = await sql<{ id: string; product_id: string; account_id: string }>`
    select id, product_id, account_id from wealth_holdings where user_id = ${userId} order by opened_at`.execute(
    db,
  );
  return rows.rows.map((r) => ({ id: r.id, productId: r.product_id, userId, accountId: r.account_id }));
}
