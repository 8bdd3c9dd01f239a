import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import type { AuditContext } from '../identity/index.ts';
import { applyRate, conflict, Decimal, invalid, notFound, ruleViolation, uuidv7 } from '../kernel/index.ts';
import { walletAccountId } from '../payments/index.ts';
import { CrowdfundingCode, post, projectAccount, transfer } from './accounts.ts';
import { backingRow } from './backings.ts';
import type { CrowdfundingContext } from './context.ts';
import { loadProject, type Project, projectRow } from './model.ts';

interface MilestoneRow {
  id: string;
  position: number;
  share: string;
  status: 'pending' | 'submitted' | 'paid';
}

async function nextMilestone(trx: Executor, projectId: string) {
  const rows =
    await sql<MilestoneRow>`select id, position, share::text as share, status from crowdfunding_milestones
    where project_id = ${projectId}::uuid and status <> 'paid' order by position limit 1 for update`.execute(
      trx,
    );
  return rows.rows[0] ?? null;
}

/** The creator sends evidence that the next milestone is reached; staff then confirm or reject it. */
export async function submitMilestone(
  context: CrowdfundingContext,
  creatorId: string,
  projectId: string,
  evidence: string,
): Promise<Project> {
  if (evidence.trim().length === 0) throw invalid('evidence_required', 'describe what was done');
  await inTransaction(context.db, async (trx) => {
    const project = await projectRow(trx, projectId, true);
    if (project.creator_id !== creatorId) throw notFound('project_not_found', 'no such project');
    if (project.status !== 'succeeded' || project.payout_kind !== 'milestones')
      throw conflict(
        'no_milestones_due',
        'only a successful project with a milestone plan has milestones to release',
      );
    const next = await nextMilestone(trx, projectId);
    if (!next) throw conflict('no_milestones_due', 'every milestone is paid');
    if (next.status === 'submitted')
      throw conflict('milestone_already_submitted', 'this milestone waits for review');
    await sql`update crowdfunding_milestones set status = 'submitted', evidence = ${evidence}, rejection_reason = null
      where id = ${next.id}::uuid`.execute(trx);
  });
  return loadProject(context.db, context.clock, projectId);
}

/**
 * Staff confirm the submitted milestone (its share of what escrow received at success is paid to the
 * creator's wallet; the last milestone pays whatever escrow still holds, so nothing is stranded) or
 * reject it with a reason (the creator may submit again).
 */
export async function reviewMilestone(
  context: CrowdfundingContext,
  projectId: string,
  review: { decision: 'confirm' } | { decision: 'reject'; reason: string },
  audit: AuditContext,
): Promise<Project> {
  if (review.decision === 'reject' && review.reason.trim().length === 0)
    throw invalid('reason_required', 'say why');
  await inTransaction(context.db, async (trx) => {
    const project = await projectRow(trx, projectId, true);
    if (project.status !== 'succeeded' || project.payout_kind !== 'milestones')
      throw conflict(
        'no_milestones_due',
        'only a successful project with a milestone plan has milestones to release',
      );
    const next = await nextMilestone(trx, projectId);
    if (next?.status !== 'submitted')
      throw conflict('milestone_not_submitted', 'no milestone waits for review');
    if (audit.principal.userId !== null && audit.principal.userId === project.creator_id)
      throw ruleViolation('own_project', 'you cannot review your own project');
    let amount: bigint | null = null;
    if (review.decision === 'reject') {
      await sql`update crowdfunding_milestones set status = 'pending', rejection_reason = ${review.reason}
        where id = ${next.id}::uuid`.execute(trx);
    } else {
      const escrow = projectAccount.escrow(projectId);
      const account = await context.ledger.getAccount(escrow, { tx: trx });
      const balance = account ? account.creditsPosted - account.debitsPosted : 0n;
      const later = await sql<{ n: number }>`select count(*)::int as n from crowdfunding_milestones
        where project_id = ${projectId}::uuid and position > ${next.position}`.execute(trx);
      const raisedNet = project.pledged - (project.fee ?? 0n) - (project.payment_cost ?? 0n);
      const share = applyRate(raisedNet, new Decimal(next.share), 'down');
      amount = later.rows[0]!.n === 0 ? balance : share < balance ? share : balance;
      const paid = transfer(
        escrow,
        walletAccountId(project.creator_id),
        amount,
        CrowdfundingCode.payout,
        next.id,
      );
      await context.payments.walletAccount(trx, project.creator_id);
      await post(context.ledger, trx, [paid]);
      await sql`update crowdfunding_milestones set status = 'paid', amount = ${amount}, transfer_id = ${paid.id},
          paid_at = ${context.clock.now()} where id = ${next.id}::uuid`.execute(trx);
    }
    await context.identity.audit(
      audit,
      {
        action:
          review.decision === 'confirm' ? 'crowdfunding.milestone_paid' : 'crowdfunding.milestone_rejected',
        subjectType: 'crowdfunding_project',
        subjectId: projectId,
        after: {
          milestoneId: next.id,
          amount: amount?.toString() ?? null,
          reason: review.decision === 'reject' ? review.reason : null,
        },
      },
      trx,
    );
  });
  return loadProject(context.db, context.clock, projectId);
}

export interface Refund {
  readonly id: string;
  readonly backingId: string;
  readonly projectId: string;
  readonly amount: bigint;
  readonly reason: string;
  readonly complaintId: string | null;
  readonly createdAt: Date;
}

/**
 * Refunds a backer of a successful project from its escrow: up to what they paid less what was
 * refunded already, and never more than escrow holds (the ledger refuses it: escrow_insufficient).
 * `by` is the creator (asCreator) or a member of staff.
 */
export function refundBacking(
  context: CrowdfundingContext,
  backingId: string,
  input: RefundInput,
  by: { creatorId: string } | { staff: AuditContext },
): Promise<Refund> {
  return inTransaction(context.db, (trx) => refundWithin(context, trx, backingId, input, by));
}

export interface RefundInput {
  readonly amount: bigint;
  readonly reason: string;
  /** The complaint whose resolution makes this refund (recorded on the refund's row). */
  readonly complaintId?: string;
}

/** refundBacking in the caller's transaction (a complaint's resolution refunds in its own). */
export async function refundWithin(
  context: CrowdfundingContext,
  trx: Executor,
  backingId: string,
  input: RefundInput,
  by: { creatorId: string } | { staff: AuditContext },
): Promise<Refund> {
  if (input.amount <= 0n) throw invalid('amount_must_be_positive', 'the amount must be more than zero');
  if (input.reason.trim().length === 0) throw invalid('reason_required', 'say why');
  // The project first, then the backing: the order every writer of a project's backings locks in.
  const first = await backingRow(trx, backingId);
  const project = await projectRow(trx, first.project_id, true);
  if ('creatorId' in by && project.creator_id !== by.creatorId)
    throw notFound('backing_not_found', 'no such backing');
  const backing = await backingRow(trx, backingId, true);
  if (backing.status !== 'collected' || project.status !== 'succeeded')
    throw conflict('backing_not_collected', 'only a backing of a successful project is refunded from escrow');
  const left = backing.amount - backing.refunded;
  if (input.amount > left)
    throw ruleViolation('refund_exceeds_backing', 'that is more than the backer paid and has not had back', {
      left: left.toString(),
    });
  const id = uuidv7();
  const paid = transfer(
    projectAccount.escrow(project.id),
    walletAccountId(backing.backer_id),
    input.amount,
    CrowdfundingCode.refund,
    id,
  );
  await context.payments.walletAccount(trx, backing.backer_id);
  await post(context.ledger, trx, [paid]);
  const now = context.clock.now();
  const byUser = 'creatorId' in by ? by.creatorId : by.staff.principal.userId;
  await sql`insert into crowdfunding_refunds (id, backing_id, project_id, amount, reason, by_user, complaint_id, transfer_id, created_at)
    values (${id}, ${backingId}, ${project.id}, ${input.amount}, ${input.reason}, ${byUser}, ${input.complaintId ?? null},
      ${paid.id}, ${now})`.execute(trx);
  await sql`update crowdfunding_backings set refunded = refunded + ${input.amount}, updated_at = ${now}
    where id = ${backingId}::uuid`.execute(trx);
  if ('staff' in by)
    await context.identity.audit(
      by.staff,
      {
        action: 'crowdfunding.refund',
        subjectType: 'crowdfunding_backing',
        subjectId: backingId,
        after: {
          amount: input.amount.toString(),
          reason: input.reason,
          complaintId: input.complaintId ?? null,
        },
      },
      trx,
    );
  return {
    id,
    backingId,
    projectId: project.id,
    amount: input.amount,
    reason: input.reason,
    complaintId: input.complaintId ?? null,
    createdAt: now,
  };
}
