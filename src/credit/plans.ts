import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { applyRate, assert, type Clock, Decimal, type PlainDate, uuidv7 } from '../kernel/index.ts';
import { firstTakesRemainder } from './apr.ts';

/**
 * Plans: how one amount borrowed from a line is billed, instalment by instalment. A purchase paid in
 * full by the statement's due date is a plan of one instalment without a fee; a purchase in n
 * instalments, a cash draw repaid in instalments and a statement converted into instalments are plans
 * of n. The rows hold the terms and what each statement billed; the money is the ledger's (the line's
 * unbilled account until an instalment is billed, then its statement's accounts).
 */
export const PLAN_KINDS = [
  'purchase',
  'instalment_purchase',
  'draw_instalments',
  'statement_instalments',
] as const;
export type PlanKind = (typeof PLAN_KINDS)[number];
/** 'listing' and 'assigned': a cash draw assigned to marketplace investors (assign.ts). */
export type PlanStatus = 'active' | 'completed' | 'refunded' | 'cancelled' | 'listing' | 'assigned';

export interface PlanInstalment {
  readonly seq: number;
  /** Principal and charge (fee, or interest for a draw) still to bill, or billed. */
  readonly principal: bigint;
  readonly charge: bigint;
  readonly statementId: string | null;
  readonly cancelled: boolean;
  /** Of a billed instalment, what refunds have taken back off it. */
  readonly refundedPrincipal: bigint;
  readonly refundedCharge: bigint;
}

export interface Plan {
  readonly id: string;
  readonly lineId: string;
  readonly kind: PlanKind;
  readonly status: PlanStatus;
  readonly principal: bigint;
  /** The total fee (purchases, conversions) or interest (draws) as agreed. */
  readonly charge: bigint;
  readonly instalments: number;
  readonly feeRate: string | null;
  readonly repaymentMethod: string | null;
  readonly annualRate: string | null;
  readonly orderId: string | null;
  readonly merchantId: string | null;
  readonly merchantName: string | null;
  readonly merchantDiscount: bigint;
  readonly statementId: string | null;
  /** Principal refunded by the merchant so far, and the fee given back so far. */
  readonly refunded: bigint;
  readonly chargeRefunded: bigint;
  readonly createdOn: PlainDate;
  readonly createdAt: Date;
  readonly schedule: readonly PlanInstalment[];
}

/** The total fee of `principal` at a fee share, rounded half up to the cent. */
export function planFee(principal: bigint, feeRate: string): bigint {
  return applyRate(principal, new Decimal(feeRate), 'half_up');
}

/**
 * The issue's split: principal and fee per instalment equal, each rounded down to the cent, the
 * remainder of each in the first instalment.
 */
export function splitInstalments(
  principal: bigint,
  fee: bigint,
  count: number,
): { principal: bigint; charge: bigint }[] {
  assert(Number.isInteger(count) && count >= 1, 'a plan has at least one instalment');
  assert(principal >= 0n && fee >= 0n, 'a plan splits no negative amount');
  const principals = firstTakesRemainder(principal, count);
  const fees = firstTakesRemainder(fee, count);
  return principals.map((p, k) => ({ principal: p, charge: fees[k]! }));
}

export interface NewPlan {
  readonly lineId: string;
  readonly kind: PlanKind;
  readonly principal: bigint;
  readonly createdOn: PlainDate;
  /** Either n instalments at a total fee share (split by the issue's rule)... */
  readonly instalments?: number;
  readonly feeRate?: string;
  /** ...or the instalments as given (a draw's schedule: principal and interest per period). */
  readonly schedule?: readonly { principal: bigint; charge: bigint; dueOn?: PlainDate }[];
  readonly repaymentMethod?: string;
  readonly annualRate?: string;
  readonly orderId?: string;
  readonly merchantId?: string;
  readonly merchantName?: string;
  readonly merchantDiscount?: bigint;
  readonly statementId?: string;
}

/**
 * Writes a plan and its instalments in the caller's transaction, which also posts the money (this
 * posts nothing). Called by purchases, instalment draws and statement conversion.
 */
export async function createPlan(context: { clock: Clock }, trx: Executor, input: NewPlan): Promise<Plan> {
  assert(input.principal > 0n, 'a plan borrows something');
  assert((input.feeRate === undefined) !== (input.schedule === undefined), 'a fee rate or a schedule');
  const parts =
    input.schedule ??
    splitInstalments(input.principal, planFee(input.principal, input.feeRate!), input.instalments ?? 1);
  assert(parts.length >= 1 && parts.length <= 36, 'a plan has 1 to 36 instalments');
  assert(
    parts.reduce((sum, p) => sum + p.principal, 0n) === input.principal,
    "a plan's instalments add up to its principal",
  );
  const charge = parts.reduce((sum, p) => sum + p.charge, 0n);
  const id = uuidv7();
  const now = context.clock.now();
  await sql`insert into credit_plans (id, line_id, kind, status, principal, charge, instalments, fee_rate,
      repayment_method, annual_rate, order_id, merchant_id, merchant_name, merchant_discount, statement_id, created_on, created_at)
    values (${id}::uuid, ${input.lineId}::uuid, ${input.kind}, 'active', ${input.principal}, ${charge}, ${parts.length},
      ${input.feeRate ?? null}::numeric, ${input.repaymentMethod ?? null}, ${input.annualRate ?? null}::numeric,
      ${input.orderId ?? null}::uuid, ${input.merchantId ?? null}::uuid, ${input.merchantName ?? null},
      ${input.merchantDiscount ?? 0n}, ${input.statementId ?? null}::uuid, ${input.createdOn}::date, ${now})`.execute(
    trx,
  );
  const dueOn = parts.map((p) => ('dueOn' in p ? (p.dueOn ?? null) : null));
  await sql`insert into credit_plan_instalments (plan_id, seq, principal, charge, due_on)
    select ${id}::uuid, s, p, c, d from unnest(${parts.map((_, k) => k + 1)}::int[], ${parts.map((p) => p.principal)}::int8[],
      ${parts.map((p) => p.charge)}::int8[], ${dueOn}::date[]) as v(s, p, c, d)`.execute(trx);
  return {
    id,
    lineId: input.lineId,
    kind: input.kind,
    status: 'active',
    principal: input.principal,
    charge,
    instalments: parts.length,
    feeRate: input.feeRate === undefined ? null : new Decimal(input.feeRate).toFixed(),
    repaymentMethod: input.repaymentMethod ?? null,
    annualRate: input.annualRate === undefined ? null : new Decimal(input.annualRate).toFixed(),
    orderId: input.orderId ?? null,
    merchantId: input.merchantId ?? null,
    merchantName: input.merchantName ?? null,
    merchantDiscount: input.merchantDiscount ?? 0n,
    statementId: input.statementId ?? null,
    refunded: 0n,
    chargeRefunded: 0n,
    createdOn: input.createdOn,
    createdAt: now,
    schedule: parts.map((p, k) => ({
      seq: k + 1,
      principal: p.principal,
      charge: p.charge,
      statementId: null,
      cancelled: false,
      refundedPrincipal: 0n,
      refundedCharge: 0n,
    })),
  };
}

interface PlanRow {
  id: string;
  line_id: string;
  kind: PlanKind;
  status: PlanStatus;
  principal: bigint;
  charge: bigint;
  instalments: number;
  fee_rate: string | null;
  repayment_method: string | null;
  annual_rate: string | null;
  order_id: string | null;
  merchant_id: string | null;
  merchant_name: string | null;
  merchant_discount: bigint;
  statement_id: string | null;
  refunded: bigint;
  charge_refunded: bigint;
  created_on: PlainDate;
  created_at: Date;
}

interface InstalmentRow {
  plan_id: string;
  seq: number;
  principal: bigint;
  charge: bigint;
  statement_id: string | null;
  cancelled: boolean;
  refunded_principal: bigint;
  refunded_charge: bigint;
}

const PLAN_COLUMNS = sql`id, line_id, kind, status, principal, charge, instalments, fee_rate::text as fee_rate,
  repayment_method, annual_rate::text as annual_rate, order_id, merchant_id, merchant_name, merchant_discount,
  statement_id, refunded, charge_refunded, created_on::text as created_on, created_at`;

/** numeric comes back with the column's places; a rate is shown without the trailing zeros. */
const rateText = (text: string | null) =>
  text === null ? null : text.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');

async function withSchedules(db: Executor, rows: PlanRow[]): Promise<Plan[]> {
  if (rows.length === 0) return [];
  const instalments =
    await sql<InstalmentRow>`select plan_id, seq, principal, charge, statement_id, cancelled,
      refunded_principal, refunded_charge
    from credit_plan_instalments where plan_id = any(${rows.map((r) => r.id)}::uuid[]) order by plan_id, seq`.execute(
      db,
    );
  const byPlan = new Map<string, PlanInstalment[]>();
  for (const i of instalments.rows) {
    const list = byPlan.get(i.plan_id) ?? [];
    list.push({
      seq: i.seq,
      principal: i.principal,
      charge: i.charge,
      statementId: i.statement_id,
      cancelled: i.cancelled,
      refundedPrincipal: i.refunded_principal,
      refundedCharge: i.refunded_charge,
    });
    byPlan.set(i.plan_id, list);
  }
  return rows.map((r) => ({
    id: r.id,
    lineId: r.line_id,
    kind: r.kind,
    status: r.status,
    principal: r.principal,
    charge: r.charge,
    instalments: r.instalments,
    feeRate: rateText(r.fee_rate),
    repaymentMethod: r.repayment_method,
    annualRate: rateText(r.annual_rate),
    orderId: r.order_id,
    merchantId: r.merchant_id,
    merchantName: r.merchant_name,
    merchantDiscount: r.merchant_discount,
    statementId: r.statement_id,
    refunded: r.refunded,
    chargeRefunded: r.charge_refunded,
    createdOn: r.created_on,
    createdAt: r.created_at,
    schedule: byPlan.get(r.id) ?? [],
  }));
}

export async function planById(db: Executor, id: string, lock?: 'update'): Promise<Plan | undefined> {
  const rows = await sql<PlanRow>`select ${PLAN_COLUMNS} from credit_plans where id = ${id}::uuid
    ${lock === 'update' ? sql`for update` : sql``}`.execute(db);
  return (await withSchedules(db, rows.rows))[0];
}

/** The plan that paid a payment order, if any. */
export async function planOfOrder(db: Executor, orderId: string, lock?: 'update'): Promise<Plan | undefined> {
  const rows = await sql<PlanRow>`select ${PLAN_COLUMNS} from credit_plans where order_id = ${orderId}::uuid
    ${lock === 'update' ? sql`for update` : sql``}`.execute(db);
  return (await withSchedules(db, rows.rows))[0];
}

/** A line's plans, newest first (the latest 200). */
export async function plansOf(db: Executor, lineId: string): Promise<Plan[]> {
  const rows = await sql<PlanRow>`select ${PLAN_COLUMNS} from credit_plans where line_id = ${lineId}::uuid
    order by created_at desc, id desc limit 200`.execute(db);
  return withSchedules(db, rows.rows);
}
