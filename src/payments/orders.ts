import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';

/** Payment orders: the business record of every money movement payments makes; the ledger holds the money. */
export type OrderKind = 'top_up' | 'withdrawal' | 'transfer' | 'merchant_payment' | 'refund';
export type OrderStatus = 'awaiting_payment' | 'pending' | 'succeeded' | 'failed' | 'expired' | 'closed';

export interface Order {
  id: string;
  kind: OrderKind;
  status: OrderStatus;
  userId: string | null;
  counterpartyUserId: string | null;
  merchantId: string | null;
  parentOrderId: string | null;
  amount: bigint;
  fee: bigint;
  currency: string;
  method: 'wallet' | 'card' | 'credit' | null;
  channel: string | null;
  channelOrderId: string | null;
  cardId: string | null;
  description: string | null;
  merchantOrderNo: string | null;
  failureCode: string | null;
  passwordFree: boolean;
  note: string | null;
  expiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
  businessDate: string;
  /** What the channel charged netfin for this order (a charge that succeeded), else null. */
  channelCost: bigint | null;
}

const COLUMNS =
  sql.raw(`id, kind, status, user_id, counterparty_user_id, merchant_id, parent_order_id, amount, fee, currency,
  method, channel, channel_order_id, card_id, description, merchant_order_no, failure_code, password_free, note, expires_at,
  created_at, updated_at, completed_at, business_date, channel_cost`);

interface Row {
  id: string;
  kind: OrderKind;
  status: OrderStatus;
  user_id: string | null;
  counterparty_user_id: string | null;
  merchant_id: string | null;
  parent_order_id: string | null;
  amount: bigint;
  fee: bigint;
  currency: string;
  method: 'wallet' | 'card' | 'credit' | null;
  channel: string | null;
  channel_order_id: string | null;
  card_id: string | null;
  description: string | null;
  merchant_order_no: string | null;
  failure_code: string | null;
  password_free: boolean;
  note: string | null;
  expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  business_date: string;
  channel_cost: bigint | null;
}

function toOrder(r: Row): Order {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    userId: r.user_id,
    counterpartyUserId: r.counterparty_user_id,
    merchantId: r.merchant_id,
    parentOrderId: r.parent_order_id,
    amount: r.amount,
    fee: r.fee,
    currency: r.currency,
    method: r.method,
    channel: r.channel,
    channelOrderId: r.channel_order_id,
    cardId: r.card_id,
    description: r.description,
    merchantOrderNo: r.merchant_order_no,
    failureCode: r.failure_code,
    passwordFree: r.password_free,
    note: r.note,
    expiresAt: r.expires_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    completedAt: r.completed_at,
    businessDate: r.business_date,
    channelCost: r.channel_cost,
  };
}

export interface NewOrder {
  id: string;
  kind: OrderKind;
  status: OrderStatus;
  userId?: string | null;
  counterpartyUserId?: string | null;
  merchantId?: string | null;
  parentOrderId?: string | null;
  amount: bigint;
  fee?: bigint;
  currency: string;
  method?: 'wallet' | 'card' | 'credit' | null;
  channel?: string | null;
  cardId?: string | null;
  description?: string | null;
  merchantOrderNo?: string | null;
  passwordFree?: boolean;
  note?: string | null;
  expiresAt?: Date | null;
  completedAt?: Date | null;
}

/** The order as insertOrder stores it, without reading it back. */
export function orderFromNew(order: NewOrder, now: Date, businessDate: PlainDate): Order {
  return {
    id: order.id,
    kind: order.kind,
    status: order.status,
    userId: order.userId ?? null,
    counterpartyUserId: order.counterpartyUserId ?? null,
    merchantId: order.merchantId ?? null,
    parentOrderId: order.parentOrderId ?? null,
    amount: order.amount,
    fee: order.fee ?? 0n,
    currency: order.currency,
    method: order.method ?? null,
    channel: order.channel ?? null,
    channelOrderId: null,
    cardId: order.cardId ?? null,
    description: order.description ?? null,
    merchantOrderNo: order.merchantOrderNo ?? null,
    failureCode: null,
    passwordFree: order.passwordFree ?? false,
    note: order.note ?? null,
    expiresAt: order.expiresAt ?? null,
    createdAt: now,
    updatedAt: now,
    completedAt: order.completedAt ?? null,
    businessDate,
    channelCost: null,
  };
}

export async function insertOrder(
  trx: Executor,
  order: NewOrder,
  now: Date,
  businessDate: PlainDate,
): Promise<void> {
  await sql`
    insert into payment_orders (id, kind, status, user_id, counterparty_user_id, merchant_id, parent_order_id, amount, fee,
      currency, method, channel, card_id, description, merchant_order_no, password_free, note, expires_at, created_at,
      updated_at, completed_at, business_date)
    values (${order.id}, ${order.kind}, ${order.status}, ${order.userId ?? null}, ${order.counterpartyUserId ?? null},
      ${order.merchantId ?? null}, ${order.parentOrderId ?? null}, ${order.amount}, ${order.fee ?? 0n}, ${order.currency},
      ${order.method ?? null}, ${order.channel ?? null}, ${order.cardId ?? null}, ${order.description ?? null},
      ${order.merchantOrderNo ?? null}, ${order.passwordFree ?? false}, ${order.note ?? null}, ${order.expiresAt ?? null},
      ${now}, ${now}, ${order.completedAt ?? null}, ${businessDate})`.execute(trx);
}

/** Inserts many orders with one statement. */
export async function insertOrders(
  trx: Executor,
  orders: NewOrder[],
  now: Date,
  businessDate: PlainDate,
): Promise<void> {
  if (orders.length === 0) return;
  await sql`
    insert into payment_orders (id, kind, status, user_id, counterparty_user_id, amount, currency, method, note,
      completed_at, created_at, updated_at, business_date)
    select id, kind, status, user_id, counterparty_user_id, amount, ${orders[0]!.currency}, method, note, completed_at,
           ${now}::timestamptz, ${now}::timestamptz, ${businessDate}::date
    from unnest(${orders.map((o) => o.id)}::uuid[], ${orders.map((o) => o.kind)}::text[], ${orders.map((o) => o.status)}::text[],
                ${orders.map((o) => o.userId ?? null)}::uuid[], ${orders.map((o) => o.counterpartyUserId ?? null)}::uuid[],
                ${orders.map((o) => o.amount)}::int8[], ${orders.map((o) => o.method ?? null)}::text[],
                ${orders.map((o) => o.note ?? null)}::text[], ${orders.map((o) => o.completedAt?.toISOString() ?? null)}::timestamptz[])
      as v(id, kind, status, user_id, counterparty_user_id, amount, method, note, completed_at)`.execute(trx);
}

export async function getOrder(
  db: Executor,
  id: string,
  options: { lock?: boolean } = {},
): Promise<Order | undefined> {
  const rows = await sql<Row>`
    select ${COLUMNS} from payment_orders where id = ${id}::uuid ${options.lock ? sql`for update` : sql``}`.execute(
    db,
  );
  return rows.rows[0] ? toOrder(rows.rows[0]) : undefined;
}

/** Several orders by id, with `lock` locked in id order (so that two writers never lock them crosswise). */
export async function getOrders(
  db: Executor,
  ids: readonly string[],
  options: { lock?: boolean } = {},
): Promise<Order[]> {
  if (ids.length === 0) return [];
  const rows = await sql<Row>`
    select ${COLUMNS} from payment_orders where id = any(${[...ids]}::uuid[])
    order by id ${options.lock ? sql`for update` : sql``}`.execute(db);
  return rows.rows.map(toOrder);
}

export async function updateOrder(
  trx: Executor,
  id: string,
  changes: {
    status?: OrderStatus;
    failureCode?: string | null;
    channelOrderId?: string | null;
    completedAt?: Date | null;
    userId?: string;
    method?: 'wallet' | 'card' | 'credit';
    cardId?: string | null;
    passwordFree?: boolean;
    channel?: string | null;
    channelCost?: bigint;
  },
  now: Date,
): Promise<void> {
  await sql`
    update payment_orders set
      status = coalesce(${changes.status ?? null}, status),
      failure_code = ${changes.failureCode === undefined ? sql`failure_code` : sql`${changes.failureCode}`},
      channel_order_id = coalesce(${changes.channelOrderId ?? null}, channel_order_id),
      completed_at = ${changes.completedAt === undefined ? sql`completed_at` : sql`${changes.completedAt}`},
      user_id = coalesce(${changes.userId ?? null}::uuid, user_id),
      method = coalesce(${changes.method ?? null}, method),
      card_id = ${changes.cardId === undefined ? sql`card_id` : sql`${changes.cardId}::uuid`},
      channel = ${changes.channel === undefined ? sql`channel` : sql`${changes.channel}`},
      password_free = coalesce(${changes.passwordFree ?? null}, password_free),
      channel_cost = coalesce(${changes.channelCost ?? null}::int8, channel_cost),
      updated_at = ${now}
    where id = ${id}::uuid`.execute(trx);
}

/**
 * Settles many orders in one statement (settle.ts): each row's status and completion time, its
 * failure code where given (else kept), the channel's order number and the channel cost where given
 * (else kept), as updateOrder would for each. One row per order.
 */
export async function updateSettledOrders(
  trx: Executor,
  updates: readonly {
    id: string;
    status: OrderStatus;
    failureCode?: string | null;
    channelOrderId?: string | null;
    completedAt: Date;
    channelCost?: bigint;
  }[],
  now: Date,
): Promise<void> {
  if (updates.length === 0) return;
  await sql`
    update payment_orders o set
      status = v.status,
      failure_code = case when v.sets_failure then v.failure_code else o.failure_code end,
      channel_order_id = coalesce(v.channel_order_id, o.channel_order_id),
      completed_at = v.completed_at,
      channel_cost = coalesce(v.channel_cost, o.channel_cost),
      updated_at = ${now}
    from unnest(${updates.map((u) => u.id)}::uuid[], ${updates.map((u) => u.status)}::text[],
                ${updates.map((u) => u.failureCode !== undefined)}::bool[],
                ${updates.map((u) => u.failureCode ?? null)}::text[],
                ${updates.map((u) => u.channelOrderId ?? null)}::text[],
                ${updates.map((u) => u.completedAt.toISOString())}::timestamptz[],
                ${updates.map((u) => u.channelCost ?? null)}::int8[])
      as v(id, status, sets_failure, failure_code, channel_order_id, completed_at, channel_cost)
    where o.id = v.id`.execute(trx);
}

export interface OrderFilter {
  readonly kind?: OrderKind | undefined;
  readonly status?: OrderStatus | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly before?: string | undefined;
  readonly limit: number;
}

function filters(filter: OrderFilter) {
  return sql.join(
    [
      filter.kind === undefined ? sql`true` : sql`kind = ${filter.kind}`,
      filter.status === undefined ? sql`true` : sql`status = ${filter.status}`,
      filter.from === undefined ? sql`true` : sql`business_date >= ${filter.from}::date`,
      filter.to === undefined ? sql`true` : sql`business_date <= ${filter.to}::date`,
      filter.before === undefined ? sql`true` : sql`id < ${filter.before}::uuid`,
    ],
    sql` and `,
  );
}

/** A user's orders: those they paid or received (transfers in, refunds to them, top-ups), newest first. */
export async function ordersOfUser(db: Executor, userId: string, filter: OrderFilter): Promise<Order[]> {
  const rows = await sql<Row>`
    select ${COLUMNS} from payment_orders
    where (user_id = ${userId} or counterparty_user_id = ${userId}) and ${filters(filter)}
    order by id desc limit ${filter.limit}`.execute(db);
  return rows.rows.map(toOrder);
}

export async function ordersOfMerchant(
  db: Executor,
  merchantId: string,
  filter: OrderFilter,
): Promise<Order[]> {
  const rows = await sql<Row>`
    select ${COLUMNS} from payment_orders where merchant_id = ${merchantId} and ${filters(filter)}
    order by id desc limit ${filter.limit}`.execute(db);
  return rows.rows.map(toOrder);
}

export async function refundsOf(db: Executor, orderId: string): Promise<Order[]> {
  const rows = await sql<Row>`
    select ${COLUMNS} from payment_orders where parent_order_id = ${orderId} and kind = 'refund' order by id`.execute(
    db,
  );
  return rows.rows.map(toOrder);
}

/** Orders waiting on a channel for longer than `olderThan`, oldest first. */
export async function stalePendingOrders(db: Executor, olderThan: Date, limit: number): Promise<Order[]> {
  const rows = await sql<Row>`
    select ${COLUMNS} from payment_orders where status = 'pending' and channel is not null and updated_at < ${olderThan}
    order by updated_at limit ${limit}`.execute(db);
  return rows.rows.map(toOrder);
}
