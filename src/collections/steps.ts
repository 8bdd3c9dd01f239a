import { sql } from 'kysely';
import { type BatchStep, type ChunkBounds, keyRange } from '../batch/index.ts';
import type { Credit } from '../credit/index.ts';
import type { Executor } from '../db/index.ts';
import type { Identity } from '../identity/index.ts';
import { addDays, type Clock, CNY, formatAmount, type PlainDate } from '../kernel/index.ts';
import { bucketOf, type Lending } from '../lending/index.ts';
import {
  type CollectionSettings,
  fillTemplate,
  loadSettings,
  STAGES,
  type Stage,
  type Tier,
} from './settings.ts';

export interface CollectionsContext {
  readonly db: Executor;
  readonly clock: Clock;
  readonly identity: Identity;
  readonly lending: Lending;
  readonly credit: Credit;
}

/** What a case follows: an overdue loan (lending) or a delinquent credit line (credit). */
interface Overdue {
  readonly subjectId: string;
  readonly borrowerId: string;
  readonly productId: string;
  readonly dpd: number;
  readonly overdueAmount: bigint;
}

/** The column of collection_cases naming each kind of subject. */
export const SUBJECT_COLUMN = { loan: 'loan_id', credit_line: 'line_id' } as const;
export type SubjectKind = keyof typeof SUBJECT_COLUMN;

/**
 * A chunk of the loan book or of the credit-line book: a case opens for each subject newly overdue,
 * open cases follow their subject's days past due into the next stage (and lose their collector, to
 * be reassigned by the stage's tier), cases of subjects no longer overdue close. A handful of
 * statements per chunk, whatever its size.
 */
async function syncCases(
  context: CollectionsContext,
  trx: Executor,
  date: PlainDate,
  bounds: ChunkBounds,
  kind: SubjectKind,
  overdue: readonly Overdue[],
) {
  const column = sql.ref(SUBJECT_COLUMN[kind]);
  const regions = await context.identity.regionsOf([...new Set(overdue.map((o) => o.borrowerId))], trx);
  const input = sql`unnest(${overdue.map((o) => o.subjectId)}::uuid[], ${overdue.map((o) => o.borrowerId)}::uuid[],
      ${overdue.map((o) => o.productId)}::text[], ${overdue.map((o) => regions.get(o.borrowerId) ?? null)}::text[],
      ${overdue.map((o) => o.dpd)}::int[], ${overdue.map((o) => o.overdueAmount)}::int8[],
      ${overdue.map((o) => bucketOf(o.dpd))}::text[])
      as s(subject_id, borrower_id, product_id, region, dpd, amount, stage)`;
  const moved = await sql<{ id: string; old_stage: Stage; stage: Stage; amount: bigint }>`
    update collection_cases c set
      dpd = s.dpd, overdue_amount = s.amount, stage = s.stage, updated_on = ${date},
      max_stage = greatest(c.max_stage, s.stage),
      assigned_to = case when c.stage = s.stage then c.assigned_to end,
      assigned_on = case when c.stage = s.stage then c.assigned_on end
    from (select c2.id, c2.stage as old_stage, s.stage, s.dpd, s.amount
          from ${input} join collection_cases c2 on c2.${column} = s.subject_id and c2.status = 'open') s
    where c.id = s.id
    returning c.id, s.old_stage, c.stage, c.overdue_amount as amount`.execute(trx);
  const opened = await sql<{ id: string; stage: Stage; amount: bigint }>`
    insert into collection_cases (id, ${column}, borrower_id, product_id, region, stage, dpd, overdue_amount, status, opened_on, updated_on, max_stage)
    select gen_random_uuid(), s.subject_id, s.borrower_id, s.product_id, s.region, s.stage, s.dpd, s.amount, 'open', ${date}, ${date}, s.stage
    from ${input}
    where not exists (select 1 from collection_cases c where c.${column} = s.subject_id and c.status = 'open')
    returning id, stage, overdue_amount as amount`.execute(trx);
  // Only cases of this kind of subject: another kind's column is null here (and `null <> all('{}')` is true).
  const closed = await sql<{ id: string; stage: Stage; amount: bigint }>`
    update collection_cases set status = 'closed', closed_on = ${date}, updated_on = ${date}, close_reason = 'no_longer_overdue'
    where status = 'open' and ${column} is not null and ${keyRange(SUBJECT_COLUMN[kind], bounds)}
      and ${column} <> all(${overdue.map((o) => o.subjectId)}::uuid[])
    returning id, stage, overdue_amount as amount`.execute(trx);
  const history = [
    ...moved.rows
      .filter((m) => m.old_stage !== m.stage)
      .map((m) => [m.id, m.old_stage, m.stage, m.amount] as const),
    ...opened.rows.map((o) => [o.id, null, o.stage, o.amount] as const),
    ...closed.rows.map((c) => [c.id, c.stage, 'closed', c.amount] as const),
  ];
  if (history.length > 0) {
    await sql`
      insert into collection_stage_history (case_id, business_date, from_stage, to_stage, overdue_amount)
      select id, ${date}, f, t, a from unnest(${history.map((h) => h[0])}::uuid[], ${history.map((h) => h[1])}::text[],
        ${history.map((h) => h[2])}::text[], ${history.map((h) => h[3])}::int8[]) as x(id, f, t, a)
      on conflict (case_id, business_date) do update set to_stage = excluded.to_stage, overdue_amount = excluded.overdue_amount`.execute(
      trx,
    );
  }
  return overdue.length + closed.rows.length;
}

async function syncLoanCases(
  context: CollectionsContext,
  trx: Executor,
  date: PlainDate,
  bounds: ChunkBounds,
) {
  const loans = await context.lending.overdueLoans(trx, bounds);
  return syncCases(
    context,
    trx,
    date,
    bounds,
    'loan',
    loans.map((o) => ({ ...o, subjectId: o.loanId })),
  );
}

/** Credit lines delinquent at the close (credit's delinquency step, 360, has run): the same cases. */
async function syncLineCases(
  context: CollectionsContext,
  trx: Executor,
  date: PlainDate,
  bounds: ChunkBounds,
) {
  const lines = await context.credit.overdueLines(trx, bounds, date);
  return syncCases(
    context,
    trx,
    date,
    bounds,
    'credit_line',
    lines.map((o) => ({ ...o, subjectId: o.lineId, borrowerId: o.customerId })),
  );
}

/** The stage's automatic SMS on the days the strategy names, once per case and day. */
async function stageMessages(
  context: CollectionsContext,
  trx: Executor,
  date: PlainDate,
  settings: CollectionSettings,
) {
  let sent = 0;
  for (const stage of STAGES) {
    const days = settings.stages[stage].smsOnDays;
    if (days.length === 0) continue;
    const due = await sql<{ id: string; borrower_id: string; dpd: number; overdue_amount: bigint }>`
      select c.id, c.borrower_id, c.dpd, c.overdue_amount from collection_cases c
      where c.status = 'open' and c.stage = ${stage} and c.dpd = any(${days}::int[])
        and not exists (select 1 from collection_contacts k where k.case_id = c.id and k.business_date = ${date} and k.template = 'overdue')`.execute(
      trx,
    );
    await send(
      context,
      trx,
      'overdue',
      settings,
      due.rows.map((row) => ({
        borrowerId: row.borrower_id,
        values: { amount: formatAmount(row.overdue_amount, CNY), dpd: String(row.dpd) },
      })),
    );
    await sql`insert into collection_contacts (id, case_id, borrower_id, channel, party, template, outcome, business_date, at)
              select gen_random_uuid(), c, b, 'sms', 'borrower', 'overdue', 'sent', ${date}, ${context.clock.now()}
              from unnest(${due.rows.map((r) => r.id)}::uuid[], ${due.rows.map((r) => r.borrower_id)}::uuid[]) as x(c, b)`.execute(
      trx,
    );
    sent += due.rows.length;
  }
  return sent;
}

/** Queues an SMS from an approved template to each borrower (their numbers read and the messages queued in one statement each). */
export async function send(
  context: CollectionsContext,
  trx: Executor,
  template: string,
  settings: CollectionSettings,
  messages: readonly { borrowerId: string; values: Record<string, string> }[],
): Promise<void> {
  if (messages.length === 0) return;
  const people = await context.identity.reachOf([...new Set(messages.map((m) => m.borrowerId))], trx);
  const outgoing = [];
  for (const { borrowerId, values } of messages) {
    const person = people.get(borrowerId);
    if (!person) continue;
    outgoing.push({
      channel: 'sms' as const,
      recipient: person.phone,
      template: `collections.${template}`,
      body: fillTemplate(settings.smsTemplates[template] ?? '', { name: person.name, ...values }),
    });
  }
  await context.identity.notifier.enqueueMany(trx, outgoing);
}

/** Reminders before due dates (3 and 1 days before, by default): once per loan, due date and offset. */
async function reminders(
  context: CollectionsContext,
  trx: Executor,
  date: PlainDate,
  settings: CollectionSettings,
) {
  let sent = 0;
  for (const before of settings.remindDaysBefore) {
    const due = addDays(date, before);
    const loans = await context.lending.dueOn(trx, due);
    if (loans.length === 0) continue;
    const fresh = await sql<{ loan_id: string; borrower_id: string }>`
      insert into collection_reminders (loan_id, due_date, days_before, borrower_id, sent_on)
      select l, ${due}, ${before}, b, ${date} from unnest(${loans.map((l) => l.loanId)}::uuid[], ${loans.map((l) => l.borrowerId)}::uuid[]) as x(l, b)
      on conflict do nothing returning loan_id, borrower_id`.execute(trx);
    const amounts = new Map(loans.map((l) => [l.loanId, l.amount]));
    await send(
      context,
      trx,
      'reminder',
      settings,
      fresh.rows.map((row) => ({
        borrowerId: row.borrower_id,
        values: { amount: formatAmount(amounts.get(row.loan_id) ?? 0n, CNY), dueDate: due },
      })),
    );
    sent += fresh.rows.length;
  }
  return sent;
}

/**
 * Promises due: kept when the loan received at least the promised amount between the promise and
 * its date (or the case closed), broken when the date has passed without it. A broken promise
 * counts on its case, which then comes first in its collector's queue.
 */
async function resolvePromises(context: CollectionsContext, trx: Executor, date: PlainDate) {
  const pending = await sql<{
    id: string;
    case_id: string;
    loan_id: string | null;
    line_id: string | null;
    amount: bigint;
    made_on: PlainDate;
    promised_on: PlainDate;
    case_status: string;
  }>`
    select p.id, p.case_id, c.loan_id, c.line_id, p.amount, p.made_on, p.promised_on, c.status as case_status
    from collection_promises p join collection_cases c on c.id = p.case_id
    where p.status = 'pending' order by p.id`.execute(trx);
  // What each subject received since its promise was made: loans from lending, lines from credit.
  const ofLoans = pending.rows.filter((p) => p.loan_id !== null);
  const ofLines = pending.rows.filter((p) => p.line_id !== null);
  const loansPaid = await context.lending.repaidBetween(
    trx,
    ofLoans.map((p) => ({ loanId: p.loan_id!, from: p.made_on })),
    date,
  );
  const linesPaid = await context.credit.repaidBetween(
    trx,
    ofLines.map((p) => ({ lineId: p.line_id!, from: p.made_on })),
    date,
  );
  const received = new Map([
    ...ofLoans.map((p, i) => [p.id, loansPaid[i]!] as const),
    ...ofLines.map((p, i) => [p.id, linesPaid[i]!] as const),
  ]);
  const paid = pending.rows.map((p) => received.get(p.id) ?? 0n);
  const kept = pending.rows.filter((p, i) => paid[i]! >= p.amount || p.case_status === 'closed');
  const broken = pending.rows.filter((p) => !kept.includes(p) && p.promised_on <= date);
  await sql`update collection_promises set status = 'kept', resolved_on = ${date} where id = any(${kept.map((p) => p.id)}::uuid[])`.execute(
    trx,
  );
  await sql`update collection_promises set status = 'broken', resolved_on = ${date} where id = any(${broken.map((p) => p.id)}::uuid[])`.execute(
    trx,
  );
  // A case may have broken more than one promise on a date: count each.
  await sql`update collection_cases c set broken_promises = c.broken_promises + x.n
            from (select id, count(*)::int as n from unnest(${broken.map((p) => p.case_id)}::uuid[]) as u(id) group by id) x
            where c.id = x.id`.execute(trx);
  return kept.length + broken.length;
}

/**
 * Open cases without a collector, once they reach their stage's phone queue day, go to an active
 * collector of the stage's tier: in turn (round robin), to the one with the fewest open cases
 * (load), or to one of the borrower's region (region, falling back to load).
 */
async function assign(
  _context: CollectionsContext,
  trx: Executor,
  date: PlainDate,
  settings: CollectionSettings,
) {
  let assigned = 0;
  for (const stage of STAGES) {
    const strategy = settings.stages[stage];
    const cases = await sql<{ id: string; region: string | null }>`
      select id, region from collection_cases
      where status = 'open' and stage = ${stage} and assigned_to is null and dpd >= ${strategy.phoneFromDay}
      order by broken_promises desc, overdue_amount * dpd desc, id`.execute(trx);
    if (cases.rows.length === 0) continue;
    const collectors = await collectorsOf(trx, strategy.tier);
    if (collectors.length === 0) continue;
    const picks: string[] = [];
    const turn = await sql<{ n: number }>`
      select count(*)::int as n from collection_cases where assigned_to is not null and stage = ${stage}`.execute(
      trx,
    );
    let next = turn.rows[0]!.n;
    for (const c of cases.rows) {
      let chosen: (typeof collectors)[number];
      if (settings.assignment === 'round_robin') chosen = collectors[next++ % collectors.length]!;
      else {
        const local =
          settings.assignment === 'region' ? collectors.filter((k) => k.region && k.region === c.region) : [];
        const pool = local.length > 0 ? local : collectors;
        chosen = pool.reduce((a, b) =>
          b.load < a.load || (b.load === a.load && b.userId < a.userId) ? b : a,
        );
      }
      chosen.load += 1;
      picks.push(chosen.userId);
    }
    await sql`
      update collection_cases c set assigned_to = x.collector, assigned_on = ${date}
      from unnest(${cases.rows.map((c) => c.id)}::uuid[], ${picks}::uuid[]) as x(id, collector) where c.id = x.id`.execute(
      trx,
    );
    assigned += picks.length;
  }
  return assigned;
}

async function collectorsOf(trx: Executor, tier: Tier) {
  const rows = await sql<{ user_id: string; region: string | null; load: number }>`
    select k.user_id, k.region, (select count(*)::int from collection_cases c where c.assigned_to = k.user_id and c.status = 'open') as load
    from collectors k where k.active and k.tier = ${tier} order by k.user_id`.execute(trx);
  return rows.rows.map((r) => ({ userId: r.user_id, region: r.region, load: r.load }));
}

export function collectionSteps(context: CollectionsContext): BatchStep[] {
  return [
    {
      name: 'collections.cases',
      owner: 'collections',
      position: 600,
      description:
        'Open a case for each newly overdue loan, move cases to the stage of their bucket, close cured ones',
      plan: (db) => context.lending.loanRanges(db),
      run: (trx, date, bounds) => syncLoanCases(context, trx, date, bounds),
    },
    {
      name: 'collections.credit-cases',
      owner: 'collections',
      position: 605,
      description:
        'Open a case for each newly delinquent credit line, move its stage with its days past due, close cured ones',
      plan: (db) => context.credit.lineRanges(db),
      run: (trx, date, bounds) => syncLineCases(context, trx, date, bounds),
    },
    {
      name: 'collections.promises',
      owner: 'collections',
      position: 610,
      description: 'Mark promises to pay kept or broken; a broken promise raises its case in the queue',
      run: (trx, date) => resolvePromises(context, trx, date),
    },
    {
      name: 'collections.strategy',
      owner: 'collections',
      position: 620,
      description:
        'Reminders before due dates, each stage’s SMS, and assignment of cases reaching the phone queue',
      async run(trx, date) {
        const settings = await loadSettings(trx);
        return (
          (await reminders(context, trx, date, settings)) +
          (await stageMessages(context, trx, date, settings)) +
          (await assign(context, trx, date, settings))
        );
      },
    },
  ];
}
