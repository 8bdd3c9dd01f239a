import { sql } from 'kysely';
import { type Executor, inTransaction } from '../../db/index.ts';
import type { AuditContext, Identity } from '../../identity/index.ts';
import { actorId } from '../../identity/index.ts';
import { type Clock, conflict, invalid, notFound, uuidv7 } from '../../kernel/index.ts';

/**
 * The compliance officers' work on cases: notes (append-only), assignment, and the decision. Dismiss
 * and monitor are one officer's call, with a reason; a report to the regulator needs two officers:
 * one proposes it, a different one approves it. Every action is audited.
 */
export type CaseStatus = 'open' | 'monitoring' | 'dismissed' | 'reported';
export type CaseDecision = 'dismiss' | 'monitor' | 'report';

export interface AmlAlert {
  id: string;
  ruleCode: string;
  ruleSetId: string;
  ruleSetVersion: number | null;
  customerId: string;
  businessDate: string;
  windowKey: string;
  facts: Record<string, unknown>;
  evidence: {
    transactions: {
      ref: string;
      kind: string;
      direction: string;
      amount: string;
      at: string;
      businessDate: string;
    }[];
    sharedAccounts: { kind: string; key: string; userIds: string[] } | null;
    lastMovementDate: string | null;
  };
  caseId: string;
  createdAt: Date;
}

export interface AmlCase {
  id: string;
  customerId: string;
  status: CaseStatus;
  assignedTo: string | null;
  portrait: Record<string, unknown>;
  decision: CaseDecision | null;
  decisionReason: string | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  reportProposedBy: string | null;
  reportProposedAt: Date | null;
  reportReason: string | null;
  reportApprovedBy: string | null;
  reportApprovedAt: Date | null;
  openedAt: Date;
  updatedAt: Date;
  alertCount: number;
  rules: string[];
}

export interface CaseNote {
  id: string;
  author: string;
  body: string;
  createdAt: Date;
}

const alertOf = (r: Record<string, any>): AmlAlert => ({
  id: r.id,
  ruleCode: r.rule_code,
  ruleSetId: r.rule_set_id,
  ruleSetVersion: r.rule_set_version === null ? null : Number(r.rule_set_version),
  customerId: r.customer_id,
  businessDate: r.business_date,
  windowKey: r.window_key,
  facts: r.facts,
  evidence: r.evidence,
  caseId: r.case_id,
  createdAt: r.created_at,
});

const caseOf = (r: Record<string, any>): AmlCase => ({
  id: r.id,
  customerId: r.customer_id,
  status: r.status,
  assignedTo: r.assigned_to,
  portrait: r.portrait,
  decision: r.decision,
  decisionReason: r.decision_reason,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  reportProposedBy: r.report_proposed_by,
  reportProposedAt: r.report_proposed_at,
  reportReason: r.report_reason,
  reportApprovedBy: r.report_approved_by,
  reportApprovedAt: r.report_approved_at,
  openedAt: r.opened_at,
  updatedAt: r.updated_at,
  alertCount: Number(r.alert_count ?? 0),
  rules: r.rules ?? [],
});

const CASE_COLUMNS = sql`c.*,
  (select count(*) from aml_alerts a where a.case_id = c.id) as alert_count,
  (select coalesce(array_agg(distinct a.rule_code), '{}') from aml_alerts a where a.case_id = c.id) as rules`;

export class Cases {
  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly identity: Identity,
  ) {}

  async alerts(filter: { caseId?: string | undefined; limit: number }): Promise<AmlAlert[]> {
    const rows = await sql<Record<string, any>>`
      select id, rule_code, rule_set_id, rule_set_version, customer_id, business_date::text, window_key, facts, evidence,
             case_id, created_at
      from aml_alerts where ${filter.caseId ? sql`case_id = ${filter.caseId}::uuid` : sql`true`}
      order by created_at desc, id limit ${filter.limit}`.execute(this.db);
    return rows.rows.map(alertOf);
  }

  async list(filter: { status?: CaseStatus | undefined; limit: number }): Promise<AmlCase[]> {
    const rows = await sql<Record<string, any>>`
      select ${CASE_COLUMNS} from aml_cases c
      where ${filter.status ? sql`c.status = ${filter.status}` : sql`true`}
      order by c.updated_at desc, c.id limit ${filter.limit}`.execute(this.db);
    return rows.rows.map(caseOf);
  }

  async get(id: string, db: Executor = this.db): Promise<AmlCase> {
    const rows = await sql<
      Record<string, any>
    >`select ${CASE_COLUMNS} from aml_cases c where c.id = ${id}::uuid`.execute(db);
    if (!rows.rows[0]) throw notFound('case_not_found', 'no such AML case');
    return caseOf(rows.rows[0]);
  }

  async notes(caseId: string): Promise<CaseNote[]> {
    const rows = await sql<{ id: string; author: string; body: string; created_at: Date }>`
      select id, author, body, created_at from aml_case_notes where case_id = ${caseId}::uuid order by created_at, id`.execute(
      this.db,
    );
    return rows.rows.map((r) => ({ id: r.id, author: r.author, body: r.body, createdAt: r.created_at }));
  }

  async addNote(caseId: string, body: string, context: AuditContext): Promise<CaseNote> {
    const text = body.trim();
    if (!text) throw invalid('note_empty', 'a note says something');
    const id = uuidv7();
    const now = this.clock.now();
    const author = actorId(context.principal);
    await inTransaction(this.db, async (trx) => {
      await this.get(caseId, trx);
      await sql`insert into aml_case_notes (id, case_id, author, body, created_at)
                values (${id}, ${caseId}::uuid, ${author}, ${text}, ${now})`.execute(trx);
      await sql`update aml_cases set updated_at = ${now} where id = ${caseId}::uuid`.execute(trx);
      await this.identity.audit(
        context,
        { action: 'aml.case_noted', subjectType: 'aml_case', subjectId: caseId, details: { noteId: id } },
        trx,
      );
    });
    return { id, author, body: text, createdAt: now };
  }

  async assign(caseId: string, assignee: string, context: AuditContext): Promise<AmlCase> {
    await inTransaction(this.db, async (trx) => {
      const current = await this.locked(trx, caseId);
      this.stillInWork(current);
      await sql`update aml_cases set assigned_to = ${assignee}, updated_at = ${this.clock.now()} where id = ${caseId}::uuid`.execute(
        trx,
      );
      await this.identity.audit(
        context,
        {
          action: 'aml.case_assigned',
          subjectType: 'aml_case',
          subjectId: caseId,
          before: { assignedTo: current.assignedTo },
          after: { assignedTo: assignee },
        },
        trx,
      );
    });
    return this.get(caseId);
  }

  async decide(
    caseId: string,
    input: { decision: CaseDecision; reason: string },
    context: AuditContext,
  ): Promise<AmlCase> {
    const reason = input.reason.trim();
    if (reason.length < 3) throw invalid('reason_required', 'a decision gives its reason');
    const officer = actorId(context.principal);
    const now = this.clock.now();
    await inTransaction(this.db, async (trx) => {
      const current = await this.locked(trx, caseId);
      this.stillInWork(current);
      if (current.reportProposedBy)
        throw conflict('report_pending_approval', 'a report is proposed: it is approved, not decided again');
      if (input.decision === 'report') {
        await sql`update aml_cases set report_proposed_by = ${officer}, report_proposed_at = ${now}, report_reason = ${reason},
                         updated_at = ${now} where id = ${caseId}::uuid`.execute(trx);
      } else {
        const status = input.decision === 'dismiss' ? 'dismissed' : 'monitoring';
        await sql`update aml_cases set status = ${status}, decision = ${input.decision}, decision_reason = ${reason},
                         decided_by = ${officer}, decided_at = ${now}, updated_at = ${now} where id = ${caseId}::uuid`.execute(
          trx,
        );
      }
      await this.identity.audit(
        context,
        {
          action: input.decision === 'report' ? 'aml.case_report_proposed' : 'aml.case_decided',
          subjectType: 'aml_case',
          subjectId: caseId,
          before: { status: current.status },
          after: { decision: input.decision },
          details: { reason },
        },
        trx,
      );
    });
    return this.get(caseId);
  }

  /** The second officer's approval of a proposed report: the case is reported. */
  async approveReport(caseId: string, context: AuditContext): Promise<AmlCase> {
    const officer = actorId(context.principal);
    const now = this.clock.now();
    await inTransaction(this.db, async (trx) => {
      const current = await this.proposalFor(trx, caseId, officer);
      await sql`update aml_cases set status = 'reported', decision = 'report', decision_reason = report_reason,
                       decided_by = report_proposed_by, decided_at = ${now}, report_approved_by = ${officer},
                       report_approved_at = ${now}, updated_at = ${now} where id = ${caseId}::uuid`.execute(
        trx,
      );
      await this.identity.audit(
        context,
        {
          action: 'aml.case_reported',
          subjectType: 'aml_case',
          subjectId: caseId,
          before: { status: current.status },
          after: { status: 'reported', proposedBy: current.reportProposedBy, approvedBy: officer },
        },
        trx,
      );
    });
    return this.get(caseId);
  }

  /**
   * The second officer's refusal of a proposed report: the proposal is withdrawn (kept in the audit
   * log and as a note on the case) and the case is back in work, to be decided again.
   */
  async rejectReport(caseId: string, reasonText: string, context: AuditContext): Promise<AmlCase> {
    const reason = reasonText.trim();
    if (reason.length < 3) throw invalid('reason_required', 'a refusal gives its reason');
    const officer = actorId(context.principal);
    const now = this.clock.now();
    await inTransaction(this.db, async (trx) => {
      const current = await this.proposalFor(trx, caseId, officer);
      await sql`update aml_cases set report_proposed_by = null, report_proposed_at = null, report_reason = null,
                       updated_at = ${now} where id = ${caseId}::uuid`.execute(trx);
      await sql`insert into aml_case_notes (id, case_id, author, body, created_at)
                values (${uuidv7()}, ${caseId}::uuid, ${officer},
                        ${`Report proposed by ${current.reportProposedBy} refused: ${reason}`}, ${now})`.execute(
        trx,
      );
      await this.identity.audit(
        context,
        {
          action: 'aml.case_report_refused',
          subjectType: 'aml_case',
          subjectId: caseId,
          before: { proposedBy: current.reportProposedBy, reason: current.reportReason },
          details: { reason },
        },
        trx,
      );
    });
    return this.get(caseId);
  }

  /** The case locked, in work, with a report proposed by someone other than `officer` (dual control). */
  private async proposalFor(trx: Executor, caseId: string, officer: string): Promise<AmlCase> {
    const current = await this.locked(trx, caseId);
    this.stillInWork(current);
    if (!current.reportProposedBy)
      throw conflict('report_not_proposed', 'no report is proposed on this case');
    if (current.reportProposedBy === officer)
      throw conflict(
        'second_approver_required',
        'a proposed report is approved or refused by an officer other than the one who proposed it',
      );
    return current;
  }

  private async locked(trx: Executor, caseId: string): Promise<AmlCase> {
    await sql`select id from aml_cases where id = ${caseId}::uuid for update`.execute(trx);
    return this.get(caseId, trx);
  }

  private stillInWork(current: AmlCase): void {
    if (current.status === 'dismissed' || current.status === 'reported')
      throw conflict('case_closed', `the case is ${current.status}`);
  }
}
