import { sql } from 'kysely';
import type { BatchStep } from '../batch/index.ts';
import type { Executor } from '../db/index.ts';
import { applyRate, Decimal, type PlainDate } from '../kernel/index.ts';
import { TransferFlag, type TransferInput } from '../ledger/index.ts';
import { walletAccountId } from '../payments/index.ts';
import { CrowdfundingCode, CURRENCY, post, projectAccount, transfer } from './accounts.ts';
import type { CrowdfundingContext } from './context.ts';
import { projectRow } from './model.ts';

/**
 * Day-close step 560, crowdfunding.settle, for business date D: every live project whose deadline
 * falls on or before D is decided, one chunk (one transaction, with the chunk's done mark) per
 * project. Reached its target: every hold is posted, the platform's fee and the payment cost of the
 * card backings go to fee income and the rest to the project's escrow (and, for a plan "all", on to the creator's wallet). Missed: every
 * hold is voided in this close, so each backer has every cent back the day the deadline passes.
 * The project's status is the step's memory: a project already decided is left alone, so a rerun
 * or a resumed close changes nothing twice.
 */
export function settleStep(context: CrowdfundingContext): BatchStep {
  return {
    name: 'crowdfunding.settle',
    owner: 'crowdfunding',
    position: 560,
    description:
      'Crowdfunding: decide each project whose deadline has passed (all or nothing): post every hold and take the fee, or void every hold',
    async plan(db, date) {
      const rows = await sql<{ id: string }>`select id from crowdfunding_projects
        where status = 'scheduled' and deadline_on <= ${date}::date order by id`.execute(db);
      return rows.rows.map((r) => ({ project: r.id }));
    },
    run(trx, date, bounds) {
      return settleProject(context, trx, date, String(bounds.project));
    },
  };
}

/** What the fee on a successful project's total is: the configured rate, rounded by the named mode. */
export function feeOn(context: CrowdfundingContext, total: bigint): bigint {
  return applyRate(total, new Decimal(context.settings.feeRate), context.settings.feeRounding);
}

/**
 * The payment cost a successful project passes on to its creator: what the channels charged netfin
 * for the top-ups that paid its card backings (payments records each one when the top-up settles),
 * summed to the cent; a wallet backing costs nothing. Never more than the creator's share after the
 * fee (`cap`), which only an absurd channel minimum could reach.
 */
async function paymentCostOf(
  context: CrowdfundingContext,
  trx: Executor,
  held: readonly { payment_order_id: string | null }[],
  cap: bigint,
): Promise<bigint> {
  const orders = held.flatMap((b) => (b.payment_order_id === null ? [] : [b.payment_order_id]));
  const costs = await context.payments.channelCosts(orders, trx);
  const sum = [...costs.values()].reduce((a, b) => a + b, 0n);
  return sum < cap ? sum : cap;
}

export async function settleProject(
  context: CrowdfundingContext,
  trx: Executor,
  date: PlainDate,
  projectId: string,
): Promise<number> {
  const project = await projectRow(trx, projectId, true);
  if (project.status !== 'scheduled' || project.deadline_on === null || project.deadline_on > date) return 0;
  const held = await sql<{
    id: string;
    amount: bigint;
    hold_transfer_id: string;
    payment_order_id: string | null;
  }>`
    select id, amount, hold_transfer_id, payment_order_id from crowdfunding_backings
    where project_id = ${projectId}::uuid and status = 'held' order by id`.execute(trx);
  const total = held.rows.reduce((sum, b) => sum + b.amount, 0n);
  const succeeded = total > 0n && total >= project.target;
  const resolve = (flag: number, suffix: string): TransferInput[] =>
    held.rows.map((b) => ({
      id: `${b.hold_transfer_id}:${suffix}`,
      pendingId: b.hold_transfer_id,
      amount: b.amount,
      ledger: CURRENCY,
      code: CrowdfundingCode.back,
      userData: projectId,
      flags: flag,
    }));
  const now = context.clock.now();
  const fee = succeeded ? feeOn(context, total) : null;
  const paymentCost = succeeded ? await paymentCostOf(context, trx, held.rows, total - fee!) : null;
  if (succeeded) {
    const share = total - fee! - paymentCost!;
    const holds = projectAccount.holds(projectId);
    const escrow = projectAccount.escrow(projectId);
    const transfers = [
      ...resolve(TransferFlag.postPendingTransfer, 'post'),
      transfer(holds, context.payments.feeIncomeAccount, fee!, CrowdfundingCode.fee, projectId),
      transfer(
        holds,
        context.payments.feeIncomeAccount,
        paymentCost!,
        CrowdfundingCode.paymentCost,
        projectId,
      ),
      transfer(holds, escrow, share, CrowdfundingCode.escrow, projectId),
    ];
    if (project.payout_kind === 'all')
      transfers.push(
        transfer(escrow, walletAccountId(project.creator_id), share, CrowdfundingCode.payout, projectId),
      );
    await context.payments.walletAccount(trx, project.creator_id);
    await post(context.ledger, trx, transfers);
  } else await post(context.ledger, trx, resolve(TransferFlag.voidPendingTransfer, 'void'));
  await sql`update crowdfunding_backings set status = ${succeeded ? 'collected' : 'released'}, settled_on = ${date},
      updated_at = ${now} where project_id = ${projectId}::uuid and status = 'held'`.execute(trx);
  await sql`update crowdfunding_projects set status = ${succeeded ? 'succeeded' : 'failed'}, settled_on = ${date},
      fee = ${fee}, payment_cost = ${paymentCost}, updated_at = ${now} where id = ${projectId}::uuid`.execute(
    trx,
  );
  return held.rows.length;
}
