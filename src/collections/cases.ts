import { sql } from 'kysely';
import { inTransaction } from '../db/index.ts';
import type { AuditContext } from '../identity/index.ts';
import { maskName, maskPhone } from '../identity/index.ts';
import { conflict, DomainError, invalid, isUuid, notFound, type PlainDate } from '../kernel/index.ts';
import { contactDay } from './conduct.ts';
import type { Channel, Stage } from './settings.ts';
import type { CollectionsContext, SubjectKind } from './steps.ts';

/**
 * The collector's workbench: the queue of cases in priority order, a case in detail, and assignment.
 * Contacts are logged in contacts.ts, calls placed in calls.ts, under the rules of conduct.ts.
 */

/** A credit line as a collector sees it: its state and balances and its delinquency now. */
async function creditLineView(context: CollectionsContext, lineId: string) {
  const line = await context.credit.line(lineId);
  const balances = await context.credit.balances(lineId);
  return {
    id: line.id,
    product: line.productId,
    status: line.status,
    frozenReason: line.frozenReason,
    limit: balances.limit,
    available: balances.available,
    used: balances.used,
    delinquency: await context.credit.delinquency(lineId),
  };
}

export interface CaseSummary {
  readonly id: string;
  /** What the case is about: a loan (lending) or a credit line (credit); loanId or lineId is its id. */
  readonly subject: { readonly kind: SubjectKind; readonly id: string };
  readonly loanId: string | null;
  readonly lineId: string | null;
  readonly borrowerId: string;
  readonly productId: string;
  readonly region: string | null;
  readonly stage: Stage;
  readonly dpd: number;
  readonly overdueAmount: bigint;
  readonly brokenPromises: number;
  /** Amount overdue (in yuan) × days past due; cases with a broken promise come first whatever it is. */
  readonly priority: number;
  readonly assignedTo: string | null;
  readonly status: 'open' | 'closed';
  readonly openedOn: PlainDate;
  readonly closedOn: PlainDate | null;
  readonly lastContactAt: Date | null;
}

export interface CaseRow {
  id: string;
  loan_id: string | null;
  line_id: string | null;
  borrower_id: string;
  product_id: string;
  region: string | null;
  stage: Stage;
  dpd: number;
  overdue_amount: bigint;
  broken_promises: number;
  assigned_to: string | null;
  status: 'open' | 'closed';
  opened_on: PlainDate;
  closed_on: PlainDate | null;
  last_contact_at: Date | null;
}

const toSummary = (r: CaseRow): CaseSummary => ({
  id: r.id,
  subject:
    r.loan_id !== null ? { kind: 'loan', id: r.loan_id } : { kind: 'credit_line', id: r.line_id ?? '' },
  loanId: r.loan_id,
  lineId: r.line_id,
  borrowerId: r.borrower_id,
  productId: r.product_id,
  region: r.region,
  stage: r.stage,
  dpd: r.dpd,
  overdueAmount: r.overdue_amount,
  brokenPromises: r.broken_promises,
  priority: Number(r.overdue_amount / 100n) * r.dpd,
  assignedTo: r.assigned_to,
  status: r.status,
  openedOn: r.opened_on,
  closedOn: r.closed_on,
  lastContactAt: r.last_contact_at,
});

const CASE_COLUMNS = sql`c.id, c.loan_id, c.line_id, c.borrower_id, c.product_id, c.region, c.stage, c.dpd, c.overdue_amount,
  c.broken_promises, c.assigned_to, c.status, c.opened_on, c.closed_on,
  (select max(at) from collection_contacts k where k.case_id = c.id) as last_contact_at`;

export interface CaseFilter {
  readonly assignedTo?: string;
  readonly unassigned?: boolean;
  readonly stage?: Stage;
  readonly status?: 'open' | 'closed';
  readonly subject?: SubjectKind;
  readonly limit: number;
  readonly offset?: number;
}

/** Cases in priority order: broken promises first, then amount overdue × days past due. */
export async function listCases(context: CollectionsContext, filter: CaseFilter): Promise<CaseSummary[]> {
  const rows = await sql<CaseRow>`
    select ${CASE_COLUMNS} from collection_cases c
    where c.status = ${filter.status ?? 'open'}
      and (${filter.assignedTo ?? null}::uuid is null or c.assigned_to = ${filter.assignedTo ?? null}::uuid)
      and (${filter.unassigned ?? false} = false or c.assigned_to is null)
      and (${filter.stage ?? null}::text is null or c.stage = ${filter.stage ?? null})
      and (${filter.subject ?? null}::text is null or (${filter.subject ?? null}::text = 'loan') = (c.loan_id is not null))
    order by (c.broken_promises > 0) desc, (c.overdue_amount / 100) * c.dpd desc, c.id
    limit ${filter.limit} offset ${filter.offset ?? 0}`.execute(context.db);
  return rows.rows.map(toSummary);
}

export async function caseRow(
  context: CollectionsContext,
  db: typeof context.db,
  caseId: string,
  lock = false,
) {
  if (!isUuid(caseId)) throw notFound('case_not_found', 'no such collection case');
  const rows = await sql<CaseRow>`
    select ${CASE_COLUMNS} from collection_cases c where c.id = ${caseId}::uuid ${lock ? sql`for update` : sql``}`.execute(
    db,
  );
  const row = rows.rows[0];
  if (!row) throw notFound('case_not_found', 'no such collection case');
  return row;
}

/** A collector sees their own cases; a supervisor sees every case. */
export function checkAccess(row: CaseRow, viewer: { userId: string; supervisor: boolean }) {
  if (!viewer.supervisor && row.assigned_to !== viewer.userId)
    throw new DomainError('case_not_yours', 'forbidden', 'this case is in another collector’s queue');
}

/** The case with the borrower (masked unless the viewer may read personal data), the loan, contacts and promises. */
export async function caseDetail(
  context: CollectionsContext,
  caseId: string,
  viewer: { userId: string; supervisor: boolean; unmasked: boolean },
) {
  const row = await caseRow(context, context.db, caseId);
  checkAccess(row, viewer);
  const person = (await context.identity.reachOf([row.borrower_id])).get(row.borrower_id);
  const registered = await context.identity.contacts.list(row.borrower_id, { unmasked: viewer.unmasked });
  const loan = row.loan_id !== null ? await context.lending.loanView(row.loan_id) : null;
  const line = row.line_id !== null ? await creditLineView(context, row.line_id) : null;
  const contacts = await sql<{
    id: string;
    collector_id: string | null;
    channel: Channel;
    party: string;
    template: string | null;
    outcome: string;
    note: string | null;
    at: Date;
    call_id: string | null;
    business_date: PlainDate;
    answered: boolean;
  }>`select k.id, k.collector_id, k.channel, k.party, k.template, k.outcome, k.note, k.at, k.call_id, k.business_date,
            exists (select 1 from collection_contacts o where o.call_id = k.id) as answered
     from collection_contacts k
     where k.case_id = ${row.id} order by k.at desc, k.id desc limit 200`.execute(context.db);
  const today = await contactDay(context, context.db);
  const promises = await sql<{
    id: string;
    amount: bigint;
    promised_on: PlainDate;
    made_on: PlainDate;
    status: string;
    resolved_on: PlainDate | null;
  }>`select id, amount, promised_on, made_on, status, resolved_on from collection_promises where case_id = ${row.id} order by made_on desc, id desc`.execute(
    context.db,
  );
  return {
    case: toSummary(row),
    borrower: {
      id: row.borrower_id,
      name: person ? (viewer.unmasked ? person.name : maskName(person.name || '—')) : null,
      phone: person ? (viewer.unmasked ? person.phone : maskPhone(person.phone)) : null,
      region: row.region,
      contacts: registered,
    },
    loan,
    line,
    contacts: contacts.rows.map((c) => ({
      id: c.id,
      collectorId: c.collector_id,
      channel: c.channel,
      party: c.party,
      template: c.template,
      outcome: c.outcome,
      note: c.note,
      at: c.at,
      /** The call this contact is the outcome of, if it is one. */
      callId: c.call_id,
      /** A call placed today whose outcome is not logged yet (logContact's callId). */
      awaitingOutcome: c.outcome === 'dialled' && !c.answered && c.business_date === today,
    })),
    promises: promises.rows.map((p) => ({
      id: p.id,
      amount: p.amount,
      promisedOn: p.promised_on,
      madeOn: p.made_on,
      status: p.status,
      resolvedOn: p.resolved_on,
    })),
  };
}

export async function assignCase(
  context: CollectionsContext,
  caseId: string,
  collectorId: string,
  audit: AuditContext,
) {
  return inTransaction(context.db, async (trx) => {
    const row = await caseRow(context, trx, caseId, true);
    if (row.status !== 'open') throw conflict('case_closed', 'the case is closed');
    const collector =
      await sql`select 1 from collectors where user_id = ${isUuid(collectorId) ? collectorId : null}::uuid and active`.execute(
        trx,
      );
    if (collector.rows.length === 0) throw invalid('collector_not_found', 'no active collector with that id');
    await sql`update collection_cases set assigned_to = ${collectorId}::uuid, assigned_on = ${context.clock.businessDate()} where id = ${row.id}`.execute(
      trx,
    );
    await context.identity.audit(
      audit,
      {
        action: 'collections.assign',
        subjectType: 'collection_case',
        subjectId: row.id,
        details: { collectorId },
      },
      trx,
    );
    return toSummary({ ...row, assigned_to: collectorId });
  });
}
