import { sql } from 'kysely';
import type { PaymentsContext } from './context.ts';

/** One direction of the day's money through one channel: orders that succeeded, and those still pending. */
export interface ChannelFlow {
  readonly channel: string;
  readonly count: number;
  readonly amount: bigint;
}

/** Money in (top-ups) and out (withdrawals) on a business date, by channel, and finance's open exceptions. */
export interface DaySummary {
  readonly businessDate: string;
  readonly topUps: { readonly count: number; readonly amount: bigint; readonly byChannel: ChannelFlow[] };
  readonly withdrawals: {
    readonly count: number;
    readonly amount: bigint;
    readonly byChannel: ChannelFlow[];
  };
  readonly pending: { readonly count: number; readonly amount: bigint };
  /** Open exceptions; the amount counts those whose money is known (the order's, or the channel's). */
  readonly exceptions: { readonly open: number; readonly amount: bigint };
}

/** The day's summary from payments' own orders and exceptions (succeeded orders of the date, by channel). */
export async function daySummary(context: PaymentsContext, businessDate: string): Promise<DaySummary> {
  const rows = await sql<{ kind: string; status: string; channel: string | null; n: number; total: string }>`
    select kind, status, channel, count(*)::int as n, sum(amount)::text as total from payment_orders
    where business_date = ${businessDate}::date and kind in ('top_up', 'withdrawal')
      and status in ('succeeded', 'pending')
    group by kind, status, channel order by channel`.execute(context.db);
  const flow = (kind: string) => {
    const byChannel = rows.rows
      .filter((r) => r.kind === kind && r.status === 'succeeded')
      .map((r) => ({ channel: r.channel ?? 'wallet', count: r.n, amount: BigInt(r.total) }));
    return {
      count: byChannel.reduce((sum, c) => sum + c.count, 0),
      amount: byChannel.reduce((sum, c) => sum + c.amount, 0n),
      byChannel,
    };
  };
  const pendingRows = rows.rows.filter((r) => r.status === 'pending');
  const exceptions = await sql<{ n: number; total: string }>`
    select count(*)::int as n, coalesce(sum(coalesce(o.amount, case when e.details->>'channelAmount' ~ '^[0-9]{1,18}$'
                                        then (e.details->>'channelAmount')::int8 end)), 0)::text as total
    from payment_exceptions e left join payment_orders o on o.id = e.order_id
    where e.status = 'open'`.execute(context.db);
  return {
    businessDate,
    topUps: flow('top_up'),
    withdrawals: flow('withdrawal'),
    pending: {
      count: pendingRows.reduce((sum, r) => sum + r.n, 0),
      amount: pendingRows.reduce((sum, r) => sum + BigInt(r.total), 0n),
    },
    exceptions: { open: exceptions.rows[0]?.n ?? 0, amount: BigInt(exceptions.rows[0]?.total ?? '0') },
  };
}
