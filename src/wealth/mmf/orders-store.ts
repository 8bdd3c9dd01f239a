import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { PlainDate } from '../../kernel/index.ts';

/** The money-market fund's order rows (table wealth_mmf_orders, migration 0022). */
export type MmfOrderKind = 'subscription' | 'redemption';
export type RedemptionMode = 'normal' | 'quick';
export type MmfOrderPurpose = 'wallet' | 'merchant_payment' | 'loan_repayment';
export type MmfOrderStatus = 'pending' | 'completed';

export interface MmfOrder {
  readonly id: string;
  readonly productId: string;
  readonly userId: string;
  readonly kind: MmfOrderKind;
  readonly mode: RedemptionMode | null;
  readonly purpose: MmfOrderPurpose;
  readonly reference: string | null;
  /** CNY minor units; for a redemption, units (the same at NAV 1.0000). */
  readonly amount: bigint;
  readonly businessDate: PlainDate;
  readonly tradeDate: PlainDate;
  /** A subscription's confirm date; a redemption's pay date. */
  readonly settleDate: PlainDate;
  readonly status: MmfOrderStatus;
  readonly acknowledgementId: string | null;
  readonly transferId: string;
  readonly settleTransferId: string | null;
  readonly liquidityRestoredOn: PlainDate | null;
  readonly createdAt: Date;
  readonly completedAt: Date | null;
}

interface OrderRow {
  id: string;
  product_id: string;
  user_id: string;
  kind: MmfOrderKind;
  mode: RedemptionMode | null;
  purpose: MmfOrderPurpose;
  reference: string | null;
  amount: bigint;
  business_date: PlainDate;
  trade_date: PlainDate;
  settle_date: PlainDate;
  status: MmfOrderStatus;
  acknowledgement_id: string | null;
  transfer_id: string;
  settle_transfer_id: string | null;
  liquidity_restored_on: PlainDate | null;
  created_at: Date;
  completed_at: Date | null;
}

const columns = sql`id, product_id, user_id, kind, mode, purpose, reference, amount,
  business_date::text as business_date, trade_date::text as trade_date, settle_date::text as settle_date,
  status, acknowledgement_id, transfer_id, settle_transfer_id,
  liquidity_restored_on::text as liquidity_restored_on, created_at, completed_at`;

function orderOfRow(r: OrderRow): MmfOrder {
  return {
    id: r.id,
    productId: r.product_id,
    userId: r.user_id,
    kind: r.kind,
    mode: r.mode,
    purpose: r.purpose,
    reference: r.reference,
    amount: BigInt(r.amount),
    businessDate: r.business_date,
    tradeDate: r.trade_date,
    settleDate: r.settle_date,
    status: r.status,
    acknowledgementId: r.acknowledgement_id,
    transferId: r.transfer_id,
    settleTransferId: r.settle_transfer_id,
    liquidityRestoredOn: r.liquidity_restored_on,
    createdAt: r.created_at,
    completedAt: r.completed_at,
  };
}

export type NewOrder = Omit<MmfOrder, 'settleTransferId' | 'liquidityRestoredOn' | 'completedAt'> & {
  readonly completedAt: Date | null;
};

export async function insertOrder(trx: Executor, o: NewOrder): Promise<void> {
  await sql`insert into wealth_mmf_orders (id, product_id, user_id, kind, mode, purpose, reference, amount,
      business_date, trade_date, settle_date, status, acknowledgement_id, transfer_id, created_at, completed_at)
    values (${o.id}, ${o.productId}, ${o.userId}, ${o.kind}, ${o.mode}, ${o.purpose}, ${o.reference}, ${o.amount},
      ${o.businessDate}, ${o.tradeDate}, ${o.settleDate}, ${o.status}, ${o.acknowledgementId}, ${o.transferId},
      ${o.createdAt}, ${o.completedAt})`.execute(trx);
}

export async function getOrder(db: Executor, id: string): Promise<MmfOrder | null> {
  const rows = await sql<OrderRow>`select ${columns} from wealth_mmf_orders where id = ${id}`.execute(db);
  return rows.rows[0] ? orderOfRow(rows.rows[0]) : null;
}

export async function ordersOfUser(
  db: Executor,
  userId: string,
  filter: { productId: string; status?: MmfOrderStatus; limit?: number },
): Promise<MmfOrder[]> {
  const rows = await sql<OrderRow>`select ${columns} from wealth_mmf_orders
    where user_id = ${userId} and product_id = ${filter.productId}
      and (${filter.status ?? null}::text is null or status = ${filter.status ?? null})
    order by created_at desc, id desc limit ${filter.limit ?? 50}`.execute(db);
  return rows.rows.map(orderOfRow);
}

/** The orders placed on a business date (operations' day view), oldest first. */
export async function ordersOfDay(
  db: Executor,
  productId: string,
  date: PlainDate,
  limit: number,
): Promise<MmfOrder[]> {
  const rows = await sql<OrderRow>`select ${columns} from wealth_mmf_orders
    where product_id = ${productId} and business_date = ${date}::date
    order by created_at, id limit ${limit}`.execute(db);
  return rows.rows.map(orderOfRow);
}

export interface DayTotals {
  readonly subscriptions: { count: number; amount: bigint };
  readonly normalRedemptions: { count: number; amount: bigint };
  readonly quickRedemptions: { count: number; amount: bigint };
}

export async function dayTotals(db: Executor, productId: string, date: PlainDate): Promise<DayTotals> {
  const rows = await sql<{ kind: MmfOrderKind; mode: RedemptionMode | null; n: string; total: string }>`
    select kind, mode, count(*)::text as n, coalesce(sum(amount), 0)::text as total from wealth_mmf_orders
    where product_id = ${productId} and business_date = ${date}::date group by kind, mode`.execute(db);
  const of = (kind: MmfOrderKind, mode: RedemptionMode | null) => {
    const row = rows.rows.find((r) => r.kind === kind && r.mode === mode);
    return { count: Number(row?.n ?? 0), amount: BigInt(row?.total ?? '0') };
  };
  return {
    subscriptions: of('subscription', null),
    normalRedemptions: of('redemption', 'normal'),
    quickRedemptions: of('redemption', 'quick'),
  };
}

/**
 * Takes `amount` of a quick-redemption cap for the business date, atomically: the row is created or
 * increased only while the total stays within the cap. Returns false (and changes nothing) when it
 * would not. `userId` null is the fund's own cap.
 */
export async function takeQuota(
  trx: Executor,
  productId: string,
  userId: string | null,
  date: PlainDate,
  amount: bigint,
  cap: bigint,
): Promise<boolean> {
  const rows =
    userId === null
      ? await sql`insert into wealth_mmf_quick_fund (product_id, business_date, used)
          select ${productId}::uuid, ${date}::date, ${amount}::bigint where ${amount}::bigint <= ${cap}::bigint
          on conflict (product_id, business_date) do update set used = wealth_mmf_quick_fund.used + excluded.used
            where wealth_mmf_quick_fund.used + excluded.used <= ${cap}::bigint
          returning used`.execute(trx)
      : await sql`insert into wealth_mmf_quick_investor (product_id, user_id, business_date, used)
          select ${productId}::uuid, ${userId}::uuid, ${date}::date, ${amount}::bigint where ${amount}::bigint <= ${cap}::bigint
          on conflict (product_id, user_id, business_date) do update set used = wealth_mmf_quick_investor.used + excluded.used
            where wealth_mmf_quick_investor.used + excluded.used <= ${cap}::bigint
          returning used`.execute(trx);
  return rows.rows.length === 1;
}

/** What a cap has used on a business date (`userId` null: the fund's). */
export async function quotaUsed(
  db: Executor,
  productId: string,
  userId: string | null,
  date: PlainDate,
): Promise<bigint> {
  const rows =
    userId === null
      ? await sql<{ used: bigint }>`select used from wealth_mmf_quick_fund
          where product_id = ${productId} and business_date = ${date}::date`.execute(db)
      : await sql<{ used: bigint }>`select used from wealth_mmf_quick_investor
          where product_id = ${productId} and user_id = ${userId} and business_date = ${date}::date`.execute(
          db,
        );
  return rows.rows[0] ? BigInt(rows.rows[0].used) : 0n;
}
