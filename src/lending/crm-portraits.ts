import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';
import { loanAccount, noteAccountId } from './accounts.ts';

/**
 * Read-only facts about customers for the CRM portraits (issue 20, src/crm), over a range of user
 * ids: what they invested in the marketplace (notes acquired at a disbursement or bought on the
 * secondary market, by the business date acquired), whether auto-invest is on, and what they borrowed
 * and how they repaid. An assigned credit draw's loan is not the customer's loan (credit counts the
 * draw). The ledger accounts are named here so that CRM can value holdings and find the platform's
 * income from a customer without knowing how lending names its accounts.
 */
export interface UserRange {
  readonly from: string | null;
  readonly to: string | null;
  /** When given, only these customers of the range. */
  readonly ids?: readonly string[] | null | undefined;
}

export interface MarketplaceInvesting {
  readonly userId: string;
  readonly count: number;
  readonly amount: bigint;
  readonly count90: number;
  readonly amount90: bigint;
  readonly count365: number;
  readonly firstOn: PlainDate | null;
  readonly lastOn: PlainDate | null;
  readonly grades: string[];
  readonly products: string[];
  /** The term most invested in, e.g. "12 month" (the longer on a tie). */
  readonly usualTerm: string;
  readonly autoInvest: boolean;
  /** The ledger accounts of every note the customer holds or held (their balance is what is outstanding). */
  readonly noteAccounts: string[];
}

export interface Borrowing {
  readonly userId: string;
  readonly loans: number;
  readonly active: number;
  readonly repaid: number;
  readonly writtenOff: number;
  readonly amount: bigint;
  /** Days past due now, over the customer's loans. */
  readonly currentDpd: number;
  /** Instalments that drew a penalty or a late fee (paid late, or not yet paid). */
  readonly latePeriods: number;
  readonly onTimePeriods: number;
  /** The loans' accounts the platform's income comes from (fees, penalty, interest payable, principal). */
  readonly incomeAccounts: string[];
}

const inRange = (column: string, range: UserRange) =>
  sql`(${range.from}::uuid is null or ${sql.ref(column)} >= ${range.from}::uuid) and (${range.to}::uuid is null or ${sql.ref(column)} < ${range.to}::uuid)
    and (${range.ids ? [...range.ids] : null}::uuid[] is null or ${sql.ref(column)} = any(${range.ids ? [...range.ids] : null}::uuid[]))`;

const NOT_ASSIGNED_DRAW = sql`not exists (select 1 from loan_applications a where a.id = l.application_id and a.credit_plan_id is not null)`;

export async function marketplaceInvesting(
  db: Executor,
  range: UserRange,
  date: PlainDate,
): Promise<MarketplaceInvesting[]> {
  const rows = await sql<{
    user_id: string;
    n: number;
    amount: bigint;
    n90: number;
    amount90: bigint | null;
    n365: number;
    first_on: string;
    last_on: string;
    grades: string[];
    products: string[];
    usual_term: string;
    auto: boolean | null;
    notes: string[];
  }>`
    with acquired as (
      select n.holder_id as user_id, n.id, n.original_principal, n.acquired_on, l.grade, l.product_id,
             l.term || ' ' || l.term_unit as term, l.term as term_n
      from loan_notes n join loans l on l.id = n.loan_id
      where n.kind = 'investor' and n.origin in ('disbursement', 'purchase') and n.acquired_on <= ${date}::date
        and ${inRange('n.holder_id', range)})
    select a.user_id, count(*)::int as n, sum(a.original_principal)::int8 as amount,
      count(*) filter (where a.acquired_on > ${date}::date - 90)::int as n90,
      sum(a.original_principal) filter (where a.acquired_on > ${date}::date - 90)::int8 as amount90,
      count(*) filter (where a.acquired_on > ${date}::date - 365)::int as n365,
      min(a.acquired_on)::text as first_on, max(a.acquired_on)::text as last_on,
      array_agg(distinct a.grade order by a.grade) as grades,
      array_agg(distinct a.product_id order by a.product_id) as products,
      (select t.term from acquired t where t.user_id = a.user_id
        group by t.term, t.term_n order by count(*) desc, t.term_n desc limit 1) as usual_term,
      (select r.enabled from auto_invest_rules r where r.investor_id = a.user_id) as auto,
      (select array_agg(h.id::text order by h.id) from loan_notes h where h.holder_id = a.user_id and h.kind = 'investor') as notes
    from acquired a group by a.user_id order by a.user_id`.execute(db);
  const byUser = new Map<string, MarketplaceInvesting>(
    rows.rows.map((r) => [
      r.user_id,
      {
        userId: r.user_id,
        count: Number(r.n),
        amount: BigInt(r.amount),
        count90: Number(r.n90),
        amount90: BigInt(r.amount90 ?? 0n),
        count365: Number(r.n365),
        firstOn: r.first_on as PlainDate,
        lastOn: r.last_on as PlainDate,
        grades: r.grades,
        products: r.products,
        usualTerm: r.usual_term,
        autoInvest: r.auto === true,
        noteAccounts: (r.notes ?? []).map(noteAccountId),
      } satisfies MarketplaceInvesting,
    ]),
  );
  // Auto-investors who have not invested yet still have auto-invest on.
  const auto = await sql<{ investor_id: string }>`
    select investor_id from auto_invest_rules r where enabled and ${inRange('r.investor_id', range)}`.execute(
    db,
  );
  for (const r of auto.rows)
    if (!byUser.has(r.investor_id))
      byUser.set(r.investor_id, {
        userId: r.investor_id,
        count: 0,
        amount: 0n,
        count90: 0,
        amount90: 0n,
        count365: 0,
        firstOn: null,
        lastOn: null,
        grades: [],
        products: [],
        usualTerm: '',
        autoInvest: true,
        noteAccounts: [],
      });
  return [...byUser.values()];
}

export async function borrowing(db: Executor, range: UserRange, date: PlainDate): Promise<Borrowing[]> {
  const rows = await sql<{
    user_id: string;
    loans: number;
    active: number;
    repaid: number;
    written_off: number;
    amount: bigint;
    dpd: number;
    late: number;
    due: number;
    ids: string[];
  }>`
    with mine as (
      select l.id, l.borrower_id, l.status, l.amount, l.dpd from loans l
      where l.disbursed_at is not null and l.start_date <= ${date}::date and ${NOT_ASSIGNED_DRAW}
        and ${inRange('l.borrower_id', range)})
    select m.borrower_id as user_id, count(*)::int as loans,
      count(*) filter (where m.status = 'active')::int as active,
      count(*) filter (where m.status = 'repaid')::int as repaid,
      count(*) filter (where m.status = 'written_off')::int as written_off,
      sum(m.amount)::int8 as amount,
      coalesce(max(m.dpd) filter (where m.status = 'active'), 0)::int as dpd,
      (select count(*)::int from (select distinct c.loan_id, c.period from loan_charges c
         where c.loan_id in (select id from mine where borrower_id = m.borrower_id)
           and c.kind in ('penalty', 'late_fee') and c.charged_on <= ${date}::date) x) as late,
      (select count(*)::int from loan_installments i
         where i.loan_id in (select id from mine where borrower_id = m.borrower_id) and i.due_date <= ${date}::date) as due,
      array_agg(m.id::text order by m.id) as ids
    from mine m group by m.borrower_id order by m.borrower_id`.execute(db);
  return rows.rows.map((r) => ({
    userId: r.user_id,
    loans: Number(r.loans),
    active: Number(r.active),
    repaid: Number(r.repaid),
    writtenOff: Number(r.written_off),
    amount: BigInt(r.amount),
    currentDpd: Number(r.dpd),
    latePeriods: Number(r.late),
    onTimePeriods: Math.max(0, Number(r.due) - Number(r.late)),
    incomeAccounts: r.ids.flatMap((id) => [
      loanAccount.principal(id),
      loanAccount.fees(id),
      loanAccount.penalty(id),
      loanAccount.interestPayable(id),
    ]),
  }));
}

/**
 * For the portraits step: the earliest date after `date` on which time alone changes what
 * marketplaceInvesting and borrowing read, by customer: an acquisition leaving the 90 or 365 days or
 * dated later than `date`, a loan starting later, a penalty or late fee charged later, an instalment
 * falling due later, and the next day for a borrower past due now (days past due grow daily).
 */
export async function lendingChangesOn(
  db: Executor,
  range: UserRange,
  date: PlainDate,
): Promise<Map<string, PlainDate>> {
  const rows = await sql<{ user_id: string; on: string }>`
    select user_id, min(d)::text as on from (
      select n.holder_id as user_id,
        case when n.acquired_on > ${date}::date then n.acquired_on
             when n.acquired_on > ${date}::date - 90 then n.acquired_on + 90
             else n.acquired_on + 365 end as d
      from loan_notes n
      where n.kind = 'investor' and n.origin in ('disbursement', 'purchase')
        and n.acquired_on > ${date}::date - 365 and ${inRange('n.holder_id', range)}
      union all
      select l.borrower_id, case when l.start_date > ${date}::date then l.start_date else ${date}::date + 1 end
      from loans l
      where l.disbursed_at is not null and ${NOT_ASSIGNED_DRAW} and ${inRange('l.borrower_id', range)}
        and (l.start_date > ${date}::date or (l.status = 'active' and l.dpd > 0))
      union all
      select l.borrower_id, min(c.charged_on) from loan_charges c join loans l on l.id = c.loan_id
      where c.kind in ('penalty', 'late_fee') and c.charged_on > ${date}::date and ${inRange('l.borrower_id', range)}
      group by l.borrower_id
      union all
      select l.borrower_id, min(i.due_date) from loan_installments i join loans l on l.id = i.loan_id
      where i.due_date > ${date}::date and ${inRange('l.borrower_id', range)}
      group by l.borrower_id) x
    group by user_id`.execute(db);
  return new Map(rows.rows.map((r) => [r.user_id, r.on as PlainDate]));
}
