import { sql } from 'kysely';
import { inTransaction } from '../db/index.ts';
import type { AuditContext } from '../identity/index.ts';
import { conflict, notFound } from '../kernel/index.ts';
import type { StatementLine } from './channels/channel.ts';
import { channelOf, type PaymentsContext } from './context.ts';
import { openException } from './settle.ts';

/**
 * Reconciliation: the channel's statement for a business date against netfin's orders on that
 * channel for that date. Every line is classified (matched, missing in netfin, missing at the
 * channel, amount differs, status differs); every difference opens an exception for finance. Running
 * a date again replaces its lines and opens no exception twice.
 */
export type Classification =
  | 'matched'
  | 'missing_in_netfin'
  | 'missing_at_channel'
  | 'amount_differs'
  | 'status_differs';

export interface ReconciliationReport {
  readonly channel: string;
  readonly businessDate: string;
  readonly counts: Record<Classification, number>;
}

const SETTLED = new Set(['succeeded', 'failed']);

export async function reconcile(
  context: PaymentsContext,
  channelName: string,
  businessDate: string,
): Promise<ReconciliationReport> {
  const channel = channelOf(context, channelName);
  const statement = await channel.statement(businessDate);
  const byOrder = new Map<string, StatementLine>(statement.map((line) => [line.orderId, line]));
  const orders = await sql<{ id: string; amount: bigint; status: string; kind: string }>`
    select id, amount, status, kind from payment_orders
    where channel = ${channelName} and (business_date = ${businessDate}::date or (completed_at at time zone 'Asia/Shanghai')::date = ${businessDate}::date)`.execute(
    context.db,
  );
  const counts: Record<Classification, number> = {
    matched: 0,
    missing_in_netfin: 0,
    missing_at_channel: 0,
    amount_differs: 0,
    status_differs: 0,
  };
  const lines: {
    reference: string;
    classification: Classification;
    netfinAmount: bigint | null;
    channelAmount: bigint | null;
    netfinStatus: string | null;
    channelStatus: string | null;
  }[] = [];
  for (const order of orders.rows) {
    const line = byOrder.get(order.id);
    byOrder.delete(order.id);
    let classification: Classification;
    if (!line) {
      // An order that never settled at the channel is not a difference; one that did is.
      if (!SETTLED.has(order.status) || order.status === 'failed') continue;
      classification = 'missing_at_channel';
    } else if (line.status !== order.status) classification = 'status_differs';
    else if (line.amount !== order.amount) classification = 'amount_differs';
    else classification = 'matched';
    counts[classification]++;
    lines.push({
      reference: order.id,
      classification,
      netfinAmount: order.amount,
      channelAmount: line?.amount ?? null,
      netfinStatus: order.status,
      channelStatus: line?.status ?? null,
    });
  }
  for (const line of byOrder.values()) {
    counts.missing_in_netfin++;
    lines.push({
      reference: line.orderId,
      classification: 'missing_in_netfin',
      netfinAmount: null,
      channelAmount: line.amount,
      netfinStatus: null,
      channelStatus: line.status,
    });
  }
  await inTransaction(context.db, async (trx) => {
    await sql`delete from reconciliation_lines where channel = ${channelName} and business_date = ${businessDate}::date`.execute(
      trx,
    );
    if (lines.length > 0) {
      await sql`
        insert into reconciliation_lines (channel, business_date, reference, classification, netfin_amount, channel_amount, netfin_status, channel_status)
        select ${channelName}, ${businessDate}::date, reference, classification, netfin_amount, channel_amount, netfin_status, channel_status
        from unnest(${lines.map((l) => l.reference)}::text[], ${lines.map((l) => l.classification)}::text[],
                    ${lines.map((l) => l.netfinAmount)}::int8[], ${lines.map((l) => l.channelAmount)}::int8[],
                    ${lines.map((l) => l.netfinStatus)}::text[], ${lines.map((l) => l.channelStatus)}::text[])
          as v(reference, classification, netfin_amount, channel_amount, netfin_status, channel_status)`.execute(
        trx,
      );
    }
    for (const line of lines) {
      if (line.classification === 'matched') continue;
      await openException(trx, context, {
        kind: `reconciliation_${line.classification}`,
        reference: `${channelName}:${businessDate}:${line.reference}`,
        orderId: line.netfinStatus === null ? null : line.reference,
        channel: channelName,
        details: { businessDate, ...line },
      });
    }
    await sql`
      insert into reconciliation_runs (channel, business_date, ran_at, counts) values (${channelName}, ${businessDate}::date, ${context.clock.now()}, ${JSON.stringify(counts)}::jsonb)
      on conflict (channel, business_date) do update set ran_at = excluded.ran_at, counts = excluded.counts`.execute(
      trx,
    );
  });
  return { channel: channelName, businessDate, counts };
}

export interface ReconciliationLine {
  reference: string;
  classification: Classification;
  netfinAmount: bigint | null;
  channelAmount: bigint | null;
  netfinStatus: string | null;
  channelStatus: string | null;
}

export async function reconciliationLines(
  context: PaymentsContext,
  channel: string,
  businessDate: string,
): Promise<ReconciliationLine[]> {
  const rows = await sql<{
    reference: string;
    classification: Classification;
    netfin_amount: bigint | null;
    channel_amount: bigint | null;
    netfin_status: string | null;
    channel_status: string | null;
  }>`
    select reference, classification, netfin_amount, channel_amount, netfin_status, channel_status from reconciliation_lines
    where channel = ${channel} and business_date = ${businessDate}::date order by classification, reference`.execute(
    context.db,
  );
  return rows.rows.map((r) => ({
    reference: r.reference,
    classification: r.classification,
    netfinAmount: r.netfin_amount,
    channelAmount: r.channel_amount,
    netfinStatus: r.netfin_status,
    channelStatus: r.channel_status,
  }));
}

export interface PaymentException {
  id: string;
  kind: string;
  channel: string | null;
  orderId: string | null;
  reference: string;
  details: unknown;
  /**
   * The money in question: the order's amount, or for a line only the channel has, the amount on
   * its statement (null when neither is known).
   */
  amount: bigint | null;
  status: string;
  createdAt: Date;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolution: string | null;
  note: string | null;
}

export async function listExceptions(
  context: PaymentsContext,
  filter: { status?: 'open' | 'resolved' | undefined; limit: number; before?: string | undefined },
): Promise<PaymentException[]> {
  const rows = await sql<{
    id: string;
    kind: string;
    channel: string | null;
    order_id: string | null;
    reference: string;
    details: unknown;
    amount: bigint | null;
    status: string;
    created_at: Date;
    resolved_at: Date | null;
    resolved_by: string | null;
    resolution: string | null;
    note: string | null;
  }>`
    select e.*, coalesce(o.amount, case when e.details->>'channelAmount' ~ '^[0-9]{1,18}$'
                                        then (e.details->>'channelAmount')::int8 end) as amount
    from payment_exceptions e left join payment_orders o on o.id = e.order_id
    where ${filter.status === undefined ? sql`true` : sql`e.status = ${filter.status}`}
      and ${filter.before === undefined ? sql`true` : sql`e.id < ${filter.before}::uuid`}
    order by e.id desc limit ${filter.limit}`.execute(context.db);
  return rows.rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    channel: r.channel,
    orderId: r.order_id,
    reference: r.reference,
    details: r.details,
    amount: r.amount,
    status: r.status,
    createdAt: r.created_at,
    resolvedAt: r.resolved_at,
    resolvedBy: r.resolved_by,
    resolution: r.resolution,
    note: r.note,
  }));
}

export const RESOLUTIONS = [
  'accepted_channel',
  'accepted_netfin',
  'adjusted',
  'written_off',
  'false_alarm',
] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/** Finance closes an exception with a resolution and a note; the before and after go to the audit log. */
export async function resolveException(
  context: PaymentsContext,
  id: string,
  input: { resolution: Resolution; note: string },
  audit: AuditContext,
): Promise<void> {
  await inTransaction(context.db, async (trx) => {
    const rows = await sql<{
      status: string;
      kind: string;
      reference: string;
    }>`select status, kind, reference from payment_exceptions where id = ${id}::uuid for update`.execute(trx);
    const row = rows.rows[0];
    if (!row) throw notFound('exception_not_found', 'no such exception');
    if (row.status === 'resolved')
      throw conflict('exception_already_resolved', 'this exception is already resolved');
    const by = audit.principal.userId ?? audit.principal.kind;
    await sql`update payment_exceptions set status = 'resolved', resolved_at = ${context.clock.now()}, resolved_by = ${by},
              resolution = ${input.resolution}, note = ${input.note} where id = ${id}::uuid`.execute(trx);
    await context.identity.audit(
      audit,
      {
        action: 'payments.exception_resolved',
        subjectType: 'payment_exception',
        subjectId: id,
        before: { status: 'open', kind: row.kind, reference: row.reference },
        after: { status: 'resolved', resolution: input.resolution, note: input.note },
      },
      trx,
    );
  });
}
