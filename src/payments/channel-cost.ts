import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { applyRate, Decimal } from '../kernel/index.ts';
import { CHANNEL_COST_CODE, CURRENCY, channelCashAccountId, channelFeeAccountId } from './accounts.ts';
import type { PaymentsContext } from './context.ts';
import type { Order } from './orders.ts';

/**
 * What a channel charges netfin for a charge it settles (docs/payments.md, Channel costs): the
 * channel's configured rate of the amount, rounded to the cent by the configured mode (half up), at
 * least its minimum, never more than the amount. A channel with no configured cost costs nothing.
 */
export function channelCostFor(context: PaymentsContext, channel: string, amount: bigint): bigint {
  const cost = context.settings.channelCosts[channel];
  if (!cost) return 0n;
  const computed = applyRate(amount, new Decimal(cost.rate), context.settings.channelCostRounding);
  const atLeast = computed > cost.minimum ? computed : cost.minimum;
  return atLeast < amount ? atLeast : amount;
}

/** Money a channel charges for: a top-up, or a card payment to a merchant (never a payout). */
export function isCharge(order: Order): boolean {
  return order.kind === 'top_up' || (order.kind === 'merchant_payment' && order.method === 'card');
}

/**
 * The transfer that books a settled charge's cost: channel fee expense (5001) → the channel's cash
 * account, which then holds what the channel actually remits (the amount less the cost), while the
 * wallet or merchant was credited the whole amount. Its id is the order's, so it is booked once.
 */
export function channelCostTransfer(order: Order, channel: string, cost: bigint) {
  return {
    id: `pay:${order.id}:channel-cost`,
    debitAccountId: channelFeeAccountId(channel),
    creditAccountId: channelCashAccountId(channel),
    amount: cost,
    ledger: CURRENCY,
    code: CHANNEL_COST_CODE,
    userData: order.id,
  };
}

/**
 * The channel cost recorded on each of these orders when it settled (payment_orders.channel_cost),
 * for the orders that have one: a charge that succeeded. Other contexts read it through
 * Payments.channelCosts, in their own transaction if they pass it.
 */
export async function channelCosts(db: Executor, orderIds: readonly string[]): Promise<Map<string, bigint>> {
  const costs = new Map<string, bigint>();
  if (orderIds.length === 0) return costs;
  const rows = await sql<{ id: string; channel_cost: bigint }>`
    select id, channel_cost from payment_orders
    where id = any(${[...orderIds]}::uuid[]) and channel_cost is not null`.execute(db);
  for (const r of rows.rows) costs.set(r.id, r.channel_cost);
  return costs;
}
