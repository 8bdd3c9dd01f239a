import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { AuditContext, Identity } from '../identity/index.ts';
import { actorId } from '../identity/index.ts';
import { type Clock, notFound, type PlainDate, uuidv7 } from '../kernel/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { Payments } from '../payments/index.ts';
import type { Risk } from '../risk/index.ts';
import type { CreditContractRegistry } from './contract-hooks.ts';
import type { LineProductStore } from './products.ts';

/** What every operation of the context needs. */
export interface CreditContext {
  readonly db: Executor;
  readonly clock: Clock;
  readonly ledger: Ledger;
  readonly identity: Identity;
  readonly payments: Payments;
  readonly risk: Risk;
  readonly products: LineProductStore;
  /** The contracts register's hooks on a line's opening and the customer's acceptance. */
  readonly contracts: CreditContractRegistry;
}

export const LINE_STATUSES = ['referred', 'declined', 'active', 'frozen', 'closed'] as const;
export type LineStatus = (typeof LINE_STATUSES)[number];

/** A line's terms and state; its balances are the ledger's (lineBalances). */
export interface Line {
  readonly id: string;
  readonly customerId: string;
  readonly productId: string;
  readonly productVersion: number;
  readonly decisionId: string | null;
  readonly status: LineStatus;
  readonly reasons: string[];
  readonly grade: string | null;
  readonly grantedLimit: bigint;
  readonly temporaryRaise: bigint;
  readonly raiseEndsOn: PlainDate | null;
  readonly reductionDue: bigint;
  readonly dailyRate: string | null;
  readonly feeTable: Readonly<Record<string, string>>;
  readonly reviewOn: PlainDate | null;
  readonly openedOn: PlainDate | null;
  readonly accruedOn: PlainDate | null;
  readonly frozenReason: string | null;
  readonly createdAt: Date;
}

interface LineRow {
  id: string;
  customer_id: string;
  product_id: string;
  product_version: number;
  decision_id: string | null;
  status: LineStatus;
  reasons: string[];
  grade: string | null;
  granted_limit: bigint;
  temporary_raise: bigint;
  raise_ends_on: PlainDate | null;
  reduction_due: bigint;
  daily_rate: string | null;
  fee_table: Record<string, string>;
  review_on: PlainDate | null;
  opened_on: PlainDate | null;
  accrued_on: PlainDate | null;
  frozen_reason: string | null;
  created_at: Date;
}

const toLine = (r: LineRow): Line => ({
  id: r.id,
  customerId: r.customer_id,
  productId: r.product_id,
  productVersion: r.product_version,
  decisionId: r.decision_id,
  status: r.status,
  reasons: r.reasons,
  grade: r.grade,
  grantedLimit: r.granted_limit,
  temporaryRaise: r.temporary_raise,
  raiseEndsOn: r.raise_ends_on,
  reductionDue: r.reduction_due,
  // numeric comes back as a string with the column's 8 places; the rate is shown without the zeros.
  dailyRate: r.daily_rate === null ? null : r.daily_rate.replace(/\.?0+$/, ''),
  feeTable: r.fee_table,
  reviewOn: r.review_on,
  openedOn: r.opened_on,
  accruedOn: r.accrued_on,
  frozenReason: r.frozen_reason,
  createdAt: r.created_at,
});

const COLUMNS = sql`id, customer_id, product_id, product_version, decision_id, status, reasons, grade,
  granted_limit, temporary_raise, raise_ends_on::text as raise_ends_on, reduction_due, daily_rate::text as daily_rate,
  fee_table, review_on::text as review_on, opened_on::text as opened_on, accrued_on::text as accrued_on,
  frozen_reason, created_at`;

/**
 * A line by id. `update` locks it for a change of its terms or state (one at a time); `share` is what
 * a draw takes: draws on one line run side by side (the ledger keeps them within the limit), while a
 * freeze or a closure waits for them and they wait for it.
 */
export async function getLine(db: Executor, id: string, lock?: 'update' | 'share'): Promise<Line> {
  const rows = await sql<LineRow>`select ${COLUMNS} from credit_lines where id = ${id}::uuid
    ${lock === 'update' ? sql`for update` : lock === 'share' ? sql`for share` : sql``}`.execute(db);
  if (!rows.rows[0]) throw notFound('line_not_found', 'no such credit line');
  return toLine(rows.rows[0]);
}

/** A customer's lines, newest first. */
export async function linesOf(db: Executor, customerId: string): Promise<Line[]> {
  const rows = await sql<LineRow>`select ${COLUMNS} from credit_lines where customer_id = ${customerId}::uuid
    order by created_at desc, id desc limit 20`.execute(db);
  return rows.rows.map(toLine);
}

/** Staff search: by customer, status and delinquency at the last close (overdue), newest first, paged by id. */
export async function searchLines(
  db: Executor,
  filter: { customerId?: string; status?: LineStatus; overdue?: boolean; before?: string; limit: number },
): Promise<Line[]> {
  const rows = await sql<LineRow>`select ${COLUMNS} from credit_lines
    where (${filter.customerId ?? null}::uuid is null or customer_id = ${filter.customerId ?? null}::uuid)
      and (${filter.status ?? null}::text is null or status = ${filter.status ?? null}::text)
      and (${filter.overdue ?? null}::boolean is null or (overdue_since is not null) = ${filter.overdue ?? null}::boolean)
      and (${filter.before ?? null}::uuid is null or id < ${filter.before ?? null}::uuid)
    order by id desc limit ${filter.limit}`.execute(db);
  return rows.rows.map(toLine);
}

export interface LineEvent {
  readonly id: string;
  readonly kind: string;
  readonly amount: bigint | null;
  readonly reason: string | null;
  readonly actorId: string;
  readonly businessDate: PlainDate;
  readonly at: Date;
  readonly details: unknown;
}

/**
 * Records what happened to a line in its history, which the customer sees; a staff decision is also
 * written to the audit log, in the same transaction, with who made it and from where.
 */
export async function logEvent(
  context: CreditContext,
  trx: Executor,
  lineId: string,
  event: { kind: string; amount?: bigint; reason?: string | null; details?: unknown },
  date: PlainDate,
  by?: AuditContext | { readonly customerId: string },
): Promise<void> {
  // Who acted: staff (audited too), the line's customer, or the system (a decision, the day-close).
  const audit = by && 'principal' in by ? by : undefined;
  const actor = audit ? actorId(audit.principal) : by && 'customerId' in by ? by.customerId : 'system';
  const details = event.details === undefined ? null : JSON.stringify(event.details, bigintText);
  await sql`insert into credit_line_events (id, line_id, kind, amount, reason, actor_id, business_date, at, details)
    values (${uuidv7()}, ${lineId}::uuid, ${event.kind}, ${event.amount ?? null}, ${event.reason ?? null}, ${actor},
            ${date}, ${context.clock.now()}, ${details}::jsonb)`.execute(trx);
  if (audit)
    await context.identity.audit(
      audit,
      {
        action: `credit.line.${event.kind}`,
        subjectType: 'credit_line',
        subjectId: lineId,
        details: {
          amount: event.amount?.toString() ?? null,
          reason: event.reason ?? null,
          ...((event.details ?? {}) as Record<string, unknown>),
        },
      },
      trx,
    );
}

const bigintText = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);

/** The latest `limit` events of a line, newest first. */
export async function eventsOf(db: Executor, lineId: string, limit = 200): Promise<LineEvent[]> {
  const rows = await sql<{
    id: string;
    kind: string;
    amount: bigint | null;
    reason: string | null;
    actor_id: string;
    business_date: PlainDate;
    at: Date;
    details: unknown;
  }>`select id, kind, amount, reason, actor_id, business_date::text as business_date, at, details
    from credit_line_events where line_id = ${lineId}::uuid order by at desc, id desc limit ${limit}`.execute(
    db,
  );
  return rows.rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    amount: r.amount,
    reason: r.reason,
    actorId: r.actor_id,
    businessDate: r.business_date,
    at: r.at,
    details: r.details,
  }));
}
