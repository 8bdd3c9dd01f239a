import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import { type AuditContext, actorId, type Identity } from '../identity/index.ts';
import { type Clock, conflict, Decimal, invalid, notFound, parseDecimal, uuidv7 } from '../kernel/index.ts';
import type { RiskSettings } from './settings.ts';

/**
 * Manual review of referred applications. An officer approves (amount and rate adjustable within
 * policy), declines with a reason, or asks the applicant for more information; above the configured
 * amount two different officers must approve. Every action is audited and reaches the applicant as a
 * notification.
 */
export type ReviewStatus = 'open' | 'info_requested' | 'approved' | 'declined';

export interface Review {
  decisionId: string;
  status: ReviewStatus;
  amount: bigint;
  needsTwo: boolean;
  firstApprover: string | null;
  finalAmount: bigint | null;
  finalRate: string | null;
  decidedBy: string | null;
  reason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

interface Row {
  decision_id: string;
  status: ReviewStatus;
  amount: bigint;
  needs_two: boolean;
  first_approver: string | null;
  final_amount: bigint | null;
  final_rate: string | null;
  decided_by: string | null;
  reason: string | null;
  created_at: Date;
  updated_at: Date;
}

const toReview = (r: Row): Review => ({
  decisionId: r.decision_id,
  status: r.status,
  amount: r.amount,
  needsTwo: r.needs_two,
  firstApprover: r.first_approver,
  finalAmount: r.final_amount,
  finalRate: r.final_rate,
  decidedBy: r.decided_by,
  reason: r.reason,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** A review that ended, as other contexts hear of it (lending lists the loan an approval allows). */
export interface ReviewOutcome {
  readonly decisionId: string;
  readonly status: 'approved' | 'declined';
  readonly amount: bigint | null;
  readonly annualRate: string | null;
  readonly grade: string | null;
  readonly upfrontFeeRate: string | null;
  readonly reason: string | null;
}
/**
 * Called inside the review's transaction, so that what the listener writes commits with the review;
 * it may return work to run after the commit.
 */
export type ReviewListener = (
  outcome: ReviewOutcome,
  trx: Executor,
) => Promise<(() => Promise<void>) | undefined>;

export class Reviews {
  private readonly listeners: ReviewListener[] = [];

  onClosed(listener: ReviewListener): void {
    this.listeners.push(listener);
  }

  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly identity: Identity,
    private readonly settings: RiskSettings,
  ) {}

  async list(filter: { status?: ReviewStatus | undefined; limit: number }): Promise<Review[]> {
    const rows = await sql<Row>`
      select * from risk_reviews where ${filter.status === undefined ? sql`status in ('open', 'info_requested')` : sql`status = ${filter.status}`}
      order by created_at limit ${filter.limit}`.execute(this.db);
    return rows.rows.map(toReview);
  }

  async get(decisionId: string, db: Executor = this.db, lock = false): Promise<Review> {
    const rows =
      await sql<Row>`select * from risk_reviews where decision_id = ${decisionId}::uuid ${lock ? sql`for update` : sql``}`.execute(
        db,
      );
    if (!rows.rows[0]) throw notFound('review_not_found', 'no review for this decision');
    return toReview(rows.rows[0]);
  }

  async actions(decisionId: string) {
    const rows = await sql<{ actor: string; action: string; details: unknown; at: Date }>`
      select actor, action, details, at from risk_review_actions where decision_id = ${decisionId}::uuid order by at`.execute(
      this.db,
    );
    return rows.rows;
  }

  private async act(
    decisionId: string,
    context: AuditContext,
    action: string,
    change: (review: Review, trx: Executor) => Promise<{ details: unknown; message: string | null }>,
  ): Promise<Review> {
    const afterCommit = await inTransaction(this.db, async (trx) => {
      const review = await this.get(decisionId, trx, true);
      if (review.status === 'approved' || review.status === 'declined')
        throw conflict('review_closed', `this review is already ${review.status}`);
      const { details, message } = await change(review, trx);
      await sql`insert into risk_review_actions (id, decision_id, actor, action, details, at)
                values (${uuidv7()}, ${decisionId}::uuid, ${actorId(context.principal)}, ${action}, ${JSON.stringify(details)}::jsonb, ${this.clock.now()})`.execute(
        trx,
      );
      // The audit record is the transaction's last write: appending to the audit chain locks its head
      // until commit, and what the listeners lock must not be taken after it (docs/compliance.md).
      const audited = () =>
        this.identity.audit(
          context,
          {
            action: `risk.review_${action}`,
            subjectType: 'risk_decision',
            subjectId: decisionId,
            before: { status: review.status },
            details,
          },
          trx,
        );
      const applicant = await sql<{
        applicant_id: string | null;
      }>`select applicant_id from risk_decisions where id = ${decisionId}::uuid`.execute(trx);
      const applicantId = applicant.rows[0]?.applicant_id;
      if (message && applicantId) {
        const phone = await this.identity.users.phoneOf(applicantId, trx);
        await this.identity.notifier.enqueue(trx, {
          channel: 'sms',
          recipient: phone,
          template: `risk.review_${action}`,
          body: message,
        });
      }
      const after = await this.get(decisionId, trx);
      if (after.status !== 'approved' && after.status !== 'declined') {
        await audited();
        return [];
      }
      const decision = await sql<{ grade: string | null; upfront_fee_rate: string | null }>`
        select grade, result ->> 'upfrontFeeRate' as upfront_fee_rate from risk_decisions where id = ${decisionId}::uuid`.execute(
        trx,
      );
      const outcome: ReviewOutcome = {
        decisionId,
        status: after.status,
        amount: after.finalAmount,
        annualRate: after.finalRate,
        grade: decision.rows[0]?.grade ?? null,
        upfrontFeeRate: decision.rows[0]?.upfront_fee_rate ?? null,
        reason: after.reason,
      };
      const tasks: (() => Promise<void>)[] = [];
      for (const listener of this.listeners) {
        const task = await listener(outcome, trx);
        if (task) tasks.push(task);
      }
      await audited();
      return tasks;
    });
    for (const task of afterCommit) await task();
    return this.get(decisionId);
  }

  /** Approves, within policy; above the two-officer amount the first approval waits for a second officer. */
  async approve(
    decisionId: string,
    input: { amount?: bigint | undefined; annualRate?: string | undefined },
    context: AuditContext,
  ): Promise<Review> {
    const policy = await this.settings.policy();
    const officer = actorId(context.principal);
    return this.act(decisionId, context, 'approved', async (review, trx) => {
      const amount = input.amount ?? review.amount;
      if (amount <= 0n || amount > review.amount)
        throw invalid(
          'review_amount_out_of_policy',
          'the amount must be positive and at most what was asked',
        );
      const original = await sql<{
        annual_rate: string | null;
      }>`select annual_rate::text from risk_decisions where id = ${decisionId}::uuid`.execute(trx);
      const rate = input.annualRate ?? original.rows[0]?.annual_rate ?? null;
      if (
        rate === null ||
        !parseDecimal(rate).ok ||
        new Decimal(rate).gt(policy.maxAnnualRate) ||
        new Decimal(rate).lt('0.01')
      ) {
        throw invalid(
          'review_rate_out_of_policy',
          `the rate must be between 0.01 and ${policy.maxAnnualRate}`,
        );
      }
      const fixedRate = new Decimal(rate).toFixed(6);
      if (review.needsTwo && review.firstApprover === null) {
        await sql`update risk_reviews set first_approver = ${officer}, first_amount = ${amount}, first_rate = ${fixedRate}::numeric, updated_at = ${this.clock.now()}
                  where decision_id = ${decisionId}::uuid`.execute(trx);
        return {
          details: { stage: 'first_approval', amount: amount.toString(), annualRate: fixedRate },
          message: null,
        };
      }
      if (review.needsTwo && review.firstApprover === officer) {
        throw conflict('second_officer_required', 'a second, different officer must approve this amount');
      }
      await sql`update risk_reviews set status = 'approved', final_amount = ${amount}, final_rate = ${fixedRate}::numeric, decided_by = ${officer},
                updated_at = ${this.clock.now()} where decision_id = ${decisionId}::uuid`.execute(trx);
      const yuan = `${amount / 100n}.${String(amount % 100n).padStart(2, '0')}`;
      return {
        details: { stage: 'approved', amount: amount.toString(), annualRate: fixedRate },
        message: `【netfin】您的借款申请已通过审核，额度 ${yuan} 元。Your netfin loan application was approved for ${yuan} yuan.`,
      };
    });
  }

  async decline(decisionId: string, reason: string, context: AuditContext): Promise<Review> {
    return this.act(decisionId, context, 'declined', async (_review, trx) => {
      await sql`update risk_reviews set status = 'declined', decided_by = ${actorId(context.principal)}, reason = ${reason}, updated_at = ${this.clock.now()}
                where decision_id = ${decisionId}::uuid`.execute(trx);
      return {
        details: { reason },
        message: '【netfin】很抱歉，您的借款申请未能通过审核。Your netfin loan application was not approved.',
      };
    });
  }

  async requestInfo(decisionId: string, message: string, context: AuditContext): Promise<Review> {
    return this.act(decisionId, context, 'info_requested', async (_review, trx) => {
      await sql`update risk_reviews set status = 'info_requested', updated_at = ${this.clock.now()} where decision_id = ${decisionId}::uuid`.execute(
        trx,
      );
      return {
        details: { message },
        message: `【netfin】审核需要补充材料：${message}。Your netfin application needs more information: ${message}`,
      };
    });
  }

  /** Past decisions like this one (same grade, score within 20), for the officer to compare with. */
  async similar(decisionId: string, limit = 10) {
    const rows = await sql<{
      id: string;
      outcome: string;
      grade: string | null;
      score: number | null;
      created_at: Date;
    }>`
      select d.id, d.outcome, d.grade, d.score, d.created_at from risk_decisions d, risk_decisions me
      where me.id = ${decisionId}::uuid and d.id <> me.id and d.variant <> 'simulation' and d.grade is not distinct from me.grade
        and abs(coalesce(d.score, 0) - coalesce(me.score, 0)) <= 20
      order by d.created_at desc limit ${limit}`.execute(this.db);
    return rows.rows;
  }
}
