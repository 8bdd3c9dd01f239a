import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { assert, CNY, formatAmount } from '../kernel/index.ts';
import type { TransferInput } from '../ledger/index.ts';
import type { CreditRefund } from '../payments/index.ts';
import {
  CREDIT_FEE_INCOME_ACCOUNT,
  CreditCode,
  lineAccount,
  MERCHANT_DISCOUNT_INCOME_ACCOUNT,
  post,
  statementAccount,
  transfer,
} from './accounts.ts';
import { type CreditContext, getLine, logEvent } from './lines.ts';
import { type Plan, type PlanInstalment, planById, planOfOrder } from './plans.ts';

/**
 * A merchant's refund of an order paid with credit (docs/credit.md, "Merchant refunds"): it comes off
 * the plan's unbilled instalments, then its statements' unpaid principal, then goes to the wallet; the
 * discount and the fee come back as the product says; the credit taken off debt is given back.
 */
const yuan = (minor: bigint) => formatAmount(minor, CNY);
const min = (a: bigint, b: bigint) => (a < b ? a : b);

/** A statement's part still unpaid: the ledger balance of its account. */
async function unpaid(
  context: CreditContext,
  trx: Executor,
  accountIds: string[],
): Promise<Map<string, bigint>> {
  const accounts = await context.ledger.lookupAccounts([...new Set(accountIds)], { tx: trx });
  return new Map(accounts.map((a) => [a.id, a.debitsPosted - a.creditsPosted]));
}

interface Take {
  readonly seq: number;
  readonly statementId: string | null;
  readonly amount: bigint;
  readonly toWallet: boolean;
  /** Taken off the unbilled instalment of the plan its statement was converted into. */
  readonly converted?: { readonly planId: string; readonly seq: number };
}

/**
 * Takes `amount` off a plan's instalments: first those not yet billed, last first; then what
 * statements billed and is unpaid, newest first (each capped by what the statement still owes of that
 * part, less what this refund already took from it); the rest comes out of what was billed and paid,
 * which goes back to the wallet. `part` picks principal or charge.
 */
async function takeOff(
  context: CreditContext,
  trx: Executor,
  schedule: readonly PlanInstalment[],
  amount: bigint,
  part: 'principal' | 'charge',
): Promise<Take[]> {
  const takes: Take[] = [];
  let rest = amount;
  const newestFirst = [...schedule].sort((a, b) => b.seq - a.seq);
  for (const i of newestFirst) {
    if (rest === 0n) break;
    if (i.statementId !== null || i.cancelled) continue;
    const take = min(rest, i[part]);
    if (take > 0n) takes.push({ seq: i.seq, statementId: null, amount: take, toWallet: false });
    rest -= take;
  }
  const billed = newestFirst.filter((i) => i.statementId !== null);
  const accountOf = (statementId: string) =>
    part === 'principal' ? statementAccount.principal(statementId) : statementAccount.fees(statementId);
  const owed = await unpaid(
    context,
    trx,
    billed.map((i) => accountOf(i.statementId!)),
  );
  const room = new Map(
    billed.map((i) => [i.seq, i[part] - (part === 'principal' ? i.refundedPrincipal : i.refundedCharge)]),
  );
  for (const i of billed) {
    if (rest === 0n) break;
    const account = accountOf(i.statementId!);
    const take = min(min(rest, room.get(i.seq)!), owed.get(account) ?? 0n);
    if (take <= 0n) continue;
    takes.push({ seq: i.seq, statementId: i.statementId, amount: take, toWallet: false });
    owed.set(account, (owed.get(account) ?? 0n) - take);
    room.set(i.seq, room.get(i.seq)! - take);
    rest -= take;
  }
  if (part === 'principal') rest = await takeOffConverted(trx, billed, room, rest, takes);
  for (const i of billed) {
    if (rest === 0n) break;
    const take = min(rest, room.get(i.seq)!);
    if (take <= 0n) continue;
    takes.push({ seq: i.seq, statementId: i.statementId, amount: take, toWallet: true });
    room.set(i.seq, room.get(i.seq)! - take);
    rest -= take;
  }
  assert(rest === 0n, `a refund takes no more off a plan than it has left (${part} ${rest} over)`);
  return takes;
}

/**
 * A statement converted into instalments moved its unpaid principal into the conversion plan's
 * unbilled instalments: what a refund finds unpaid there comes off that plan's unbilled
 * instalments, last first, rather than going to the wallet while the conversion still bills it.
 * Returns what is left to take.
 */
async function takeOffConverted(
  trx: Executor,
  billed: readonly PlanInstalment[],
  room: Map<number, bigint>,
  amount: bigint,
  takes: Take[],
): Promise<bigint> {
  let rest = amount;
  const statementIds = [...new Set(billed.map((i) => i.statementId!))];
  if (rest === 0n || statementIds.length === 0) return rest;
  const converted = await sql<{ id: string; converted_plan_id: string }>`select id, converted_plan_id
    from credit_statements where id = any(${statementIds}::uuid[]) and converted_plan_id is not null`.execute(
    trx,
  );
  const planOf = new Map(converted.rows.map((r) => [r.id, r.converted_plan_id]));
  const left = new Map<string, { seq: number; principal: bigint }[]>();
  for (const i of billed) {
    const planId = planOf.get(i.statementId!);
    if (rest === 0n || planId === undefined) continue;
    if (!left.has(planId)) {
      const plan = await planById(trx, planId, 'update');
      left.set(
        planId,
        (plan?.schedule ?? [])
          .filter((c) => c.statementId === null && !c.cancelled)
          .sort((a, b) => b.seq - a.seq)
          .map((c) => ({ seq: c.seq, principal: c.principal })),
      );
    }
    for (const c of left.get(planId)!) {
      const take = min(min(rest, room.get(i.seq)!), c.principal);
      if (take <= 0n) continue;
      takes.push({
        seq: i.seq,
        statementId: i.statementId,
        amount: take,
        toWallet: false,
        converted: { planId, seq: c.seq },
      });
      c.principal -= take;
      room.set(i.seq, room.get(i.seq)! - take);
      rest -= take;
    }
  }
  return rest;
}

/**
 * A merchant's refund of an order paid with credit, in the refund's transaction (payments calls it).
 * The discount comes back pro rata (cumulatively, so a full refund returns all of it); the refund
 * comes off the plan's unbilled instalments, then its statements' unpaid principal, then to the
 * wallet; what it takes off unbilled or unpaid gives the credit back. The fee: pro rata of what is
 * left (product.billing.feeRefund 'pro_rata'), or only the fees of the instalments cancelled.
 */
export async function refundPurchase(
  context: CreditContext,
  trx: Executor,
  refund: CreditRefund,
): Promise<void> {
  const found = await planOfOrder(trx, refund.order.id);
  assert(found !== undefined, `an order paid with credit has its plan (${refund.order.id})`);
  const lineId = found.lineId;
  // The line, then the plan: the statement step's order of locks.
  const line = await getLine(trx, lineId, 'update');
  const plan = (await planOfOrder(trx, refund.order.id, 'update'))!;
  const product = await context.products.version(line.productId, line.productVersion, trx);
  const amount = refund.amount;
  assert(plan.refunded + amount <= plan.principal, 'payments refunds no more than was paid');
  const refundedAfter = plan.refunded + amount;
  const discountBack =
    (plan.merchantDiscount * refundedAfter) / plan.principal -
    (plan.merchantDiscount * plan.refunded) / plan.principal;

  const principalTakes = await takeOff(context, trx, plan.schedule, amount, 'principal');
  const principalOff = new Map<number, bigint>();
  for (const t of principalTakes) if (t.statementId === null) principalOff.set(t.seq, t.amount);
  // Cancelled now: unbilled instalments whose principal the refund took entirely.
  const cancelledNow = plan.schedule.filter(
    (i) =>
      i.statementId === null && !i.cancelled && i.principal > 0n && principalOff.get(i.seq) === i.principal,
  );
  const feeLeft = plan.charge - plan.chargeRefunded;
  const feeOff =
    product.billing.feeRefund === 'pro_rata'
      ? feeLeft - (plan.charge * (plan.principal - refundedAfter)) / plan.principal
      : cancelledNow.reduce((sum, i) => sum + i.charge, 0n);
  // The fee comes off the instalments with the principal just taken off them first (last first).
  const afterPrincipal = plan.schedule.map((i) => ({
    ...i,
    principal: i.principal - (principalOff.get(i.seq) ?? 0n),
  }));
  const feeTakes = await takeOff(context, trx, afterPrincipal, feeOff, 'charge');

  const wallet = await context.payments.walletAccount(trx, line.customerId);
  const transfers: TransferInput[] = [
    // The discount given back to the merchant, who then pays the whole refund.
    transfer(
      MERCHANT_DISCOUNT_INCOME_ACCOUNT,
      refund.merchantAccountId,
      discountBack,
      CreditCode.merchantDiscount,
      lineId,
    ),
  ];
  let restored = 0n;
  for (const t of principalTakes) {
    const to = t.toWallet
      ? wallet
      : t.statementId && !t.converted
        ? statementAccount.principal(t.statementId)
        : lineAccount.unbilled(lineId);
    transfers.push(transfer(refund.merchantAccountId, to, t.amount, CreditCode.refund, lineId));
    if (!t.toWallet) restored += t.amount;
  }
  for (const t of feeTakes) {
    // A fee not yet billed is simply not billed; one billed comes back out of fee income.
    if (t.statementId === null) continue;
    const to = t.toWallet ? wallet : statementAccount.fees(t.statementId);
    transfers.push(transfer(CREDIT_FEE_INCOME_ACCOUNT, to, t.amount, CreditCode.refundFee, lineId));
  }
  // Credit given back, less what an ended temporary raise still has to take off the limit.
  const reduce = min(restored, line.reductionDue);
  transfers.push(
    transfer(
      lineAccount.used(lineId),
      lineAccount.available(lineId),
      restored - reduce,
      CreditCode.restoreLimit,
      lineId,
    ),
    transfer(lineAccount.used(lineId), lineAccount.limit(lineId), reduce, CreditCode.lower, lineId),
  );
  await post(context.ledger, trx, transfers);
  if (reduce > 0n)
    await sql`update credit_lines set reduction_due = reduction_due - ${reduce}, updated_at = ${context.clock.now()}
      where id = ${lineId}::uuid`.execute(trx);

  await writeInstalments(trx, plan, principalTakes, feeTakes);
  await reduceConverted(trx, principalTakes);
  const remaining = await sql<{ n: number }>`select count(*)::int as n from credit_plan_instalments
    where plan_id = ${plan.id}::uuid and statement_id is null and not cancelled`.execute(trx);
  const status =
    refundedAfter === plan.principal
      ? 'refunded'
      : plan.status === 'active' && remaining.rows[0]!.n === 0
        ? 'completed'
        : plan.status;
  const feeBack = feeTakes.reduce((sum, t) => sum + t.amount, 0n);
  await sql`update credit_plans set refunded = ${refundedAfter}, charge_refunded = charge_refunded + ${feeBack},
    status = ${status} where id = ${plan.id}::uuid`.execute(trx);

  const sum = (takes: Take[], pick: (t: Take) => boolean) =>
    takes.filter(pick).reduce((total, t) => total + t.amount, 0n);
  await logEvent(
    context,
    trx,
    lineId,
    {
      kind: 'refund',
      amount,
      details: {
        merchant: plan.merchantName,
        orderId: refund.order.id,
        refundId: refund.refundOrderId,
        planId: plan.id,
        unbilled: yuan(sum(principalTakes, (t) => t.statementId === null)),
        billed: yuan(sum(principalTakes, (t) => t.statementId !== null && !t.toWallet)),
        toWallet: yuan(sum(principalTakes, (t) => t.toWallet) + sum(feeTakes, (t) => t.toWallet)),
        fee: yuan(feeBack),
      },
    },
    refund.businessDate,
  );
}

/**
 * The conversion plans a refund reached: their unbilled instalments reduced by the principal taken
 * off them; one with no principal left is cancelled with its fee (never billed, so never owed).
 */
async function reduceConverted(trx: Executor, takes: Take[]): Promise<void> {
  const plans = new Set<string>();
  for (const t of takes) {
    if (!t.converted) continue;
    plans.add(t.converted.planId);
    await sql`update credit_plan_instalments set principal = principal - ${t.amount},
        cancelled = principal - ${t.amount} = 0,
        charge = case when principal - ${t.amount} = 0 then 0 else charge end
      where plan_id = ${t.converted.planId}::uuid and seq = ${t.converted.seq}`.execute(trx);
  }
  for (const planId of plans) {
    const taken = takes.filter((t) => t.converted?.planId === planId).reduce((sum, t) => sum + t.amount, 0n);
    await sql`update credit_plans p set refunded = refunded + ${taken},
        status = case when status = 'active' and not exists (select 1 from credit_plan_instalments i
          where i.plan_id = p.id and i.statement_id is null and not i.cancelled) then 'completed' else status end
      where id = ${planId}::uuid`.execute(trx);
  }
}

/** The plan's instalments after a refund: unbilled ones reduced (cancelled when nothing is left), billed ones marked. */
async function writeInstalments(trx: Executor, plan: Plan, principal: Take[], fee: Take[]): Promise<void> {
  const changes = new Map<number, { principal: bigint; charge: bigint }>();
  for (const [takes, key] of [
    [principal, 'principal'],
    [fee, 'charge'],
  ] as const)
    for (const t of takes) {
      const change = changes.get(t.seq) ?? { principal: 0n, charge: 0n };
      change[key] += t.amount;
      changes.set(t.seq, change);
    }
  for (const i of plan.schedule) {
    const change = changes.get(i.seq);
    if (!change) continue;
    if (i.statementId === null) {
      const left = { principal: i.principal - change.principal, charge: i.charge - change.charge };
      await sql`update credit_plan_instalments set principal = ${left.principal}, charge = ${left.charge},
        cancelled = ${left.principal === 0n && left.charge === 0n}
        where plan_id = ${plan.id}::uuid and seq = ${i.seq}`.execute(trx);
    } else {
      await sql`update credit_plan_instalments set refunded_principal = refunded_principal + ${change.principal},
        refunded_charge = refunded_charge + ${change.charge}
        where plan_id = ${plan.id}::uuid and seq = ${i.seq}`.execute(trx);
    }
  }
}
