import { sql } from 'kysely';
import { type BatchStep, type ChunkBounds, keyRange, recordSnapshots } from '../batch/index.ts';
import type { Executor } from '../db/index.ts';
import { addDays, CNY, daysBetween, formatAmount, type PlainDate } from '../kernel/index.ts';
import type { Ledger } from '../ledger/index.ts';
import { bucketOf } from '../lending/index.ts';
import { lineAccount, statementAccount } from './accounts.ts';
import { lineRanges } from './day-steps.ts';
import { type CreditContext, logEvent } from './lines.ts';
import { reviewLines } from './review.ts';

/**
 * Delinquency of credit lines, the automatic freeze and its lifting, and reminders (docs/credit.md,
 * "Delinquency and collections", "Reminders"). A statement is delinquent once its due date has passed
 * and it has not received its minimum payment: its own part of the minimum (min_payment less what
 * it carried from earlier statements) in credits posted on its accounts (paid or refunded; not the principal a conversion moved off),
 * and — since its minimum includes what it carried — nothing still unpaid on any older statement.
 * A line's days past due count from the due date of its oldest delinquent statement.
 */
export interface Delinquency {
  readonly dpd: number;
  readonly bucket: 'current' | 'M1' | 'M2' | 'M3' | 'M3+';
  /** The due date of the oldest delinquent statement. */
  readonly since: PlainDate;
  /** What is unpaid on the line's statements whose due date has passed (all parts, penalty included). */
  readonly overdueAmount: bigint;
}

interface StatementFacts {
  readonly id: string;
  readonly lineId: string;
  readonly dueOn: PlainDate;
  readonly minPayment: bigint;
  readonly carried: bigint;
  /**
   * Credits posted on the statement's four accounts, less the principal a conversion into instalments
   * moved off it (that is a new plan, not a payment), and what they still owe.
   */
  readonly credits: bigint;
  readonly unpaid: bigint;
}

const PARTS = ['principal', 'fees', 'interest', 'penalty'] as const;

/** Open statements of these lines due before `dueBefore`, oldest first, with their ledger figures. */
async function statementsDueBefore(
  ledger: Ledger,
  db: Executor,
  lineIds: readonly string[],
  dueBefore: PlainDate,
): Promise<StatementFacts[]> {
  if (lineIds.length === 0) return [];
  // settled_on is set once a statement owes nothing; an open one may still owe anything.
  const rows = await sql<{
    id: string;
    line_id: string;
    due_on: PlainDate;
    min_payment: bigint;
    carried: bigint;
    converted: bigint;
  }>`select s.id, s.line_id, s.due_on::text as due_on, s.min_payment, s.carried,
            coalesce(p.principal, 0) as converted
     from credit_statements s left join credit_plans p on p.id = s.converted_plan_id
     where s.line_id = any(${lineIds}::uuid[]) and s.settled_on is null and s.due_on < ${dueBefore}
     order by s.line_id, s.statement_date, s.id`.execute(db);
  if (rows.rows.length === 0) return [];
  const accounts = await ledger.lookupAccounts(
    rows.rows.flatMap((r) => PARTS.map((p) => statementAccount[p](r.id))),
    { tx: db },
  );
  const byId = new Map(accounts.map((a) => [a.id, a]));
  return rows.rows.map((r) => {
    let credits = 0n;
    let unpaid = 0n;
    for (const part of PARTS) {
      const a = byId.get(statementAccount[part](r.id));
      if (!a) continue;
      credits += a.creditsPosted;
      unpaid += a.debitsPosted - a.creditsPosted;
    }
    credits -= r.converted;
    return {
      id: r.id,
      lineId: r.line_id,
      dueOn: r.due_on,
      minPayment: r.min_payment,
      carried: r.carried,
      credits,
      unpaid,
    };
  });
}

/** The delinquency of each of these lines on business date `date` (absent: not delinquent). */
export async function assessLines(
  ledger: Ledger,
  db: Executor,
  lineIds: readonly string[],
  date: PlainDate,
): Promise<Map<string, Delinquency>> {
  const statements = await statementsDueBefore(ledger, db, lineIds, date);
  const result = new Map<string, Delinquency>();
  let lineId: string | null = null;
  let olderUnpaid = false;
  let since: PlainDate | null = null;
  let overdue = 0n;
  const flush = () => {
    if (lineId !== null && since !== null) {
      const dpd = daysBetween(since, date);
      result.set(lineId, { dpd, bucket: bucketOf(dpd), since, overdueAmount: overdue });
    }
  };
  for (const s of statements) {
    if (s.lineId !== lineId) {
      flush();
      lineId = s.lineId;
      olderUnpaid = false;
      since = null;
      overdue = 0n;
    }
    const ownMinimum = s.minPayment > s.carried ? s.minPayment - s.carried : 0n;
    const delinquent = s.credits < ownMinimum || (s.carried > 0n && olderUnpaid);
    if (delinquent && since === null) since = s.dueOn;
    if (s.unpaid > 0n) olderUnpaid = true;
    overdue += s.unpaid > 0n ? s.unpaid : 0n;
  }
  flush();
  return result;
}

/** One line's delinquency now (null when it has none): what its JSON shows. */
export async function lineDelinquency(
  context: CreditContext,
  lineId: string,
  date: PlainDate = context.clock.businessDate(),
): Promise<Delinquency | null> {
  return (await assessLines(context.ledger, context.db, [lineId], date)).get(lineId) ?? null;
}

/**
 * The close's delinquency step for a chunk of lines: each line's days past due and amount overdue
 * are recorded (for staff search and collections), with the worst days past due and the most credit
 * used since the last review. A line that becomes delinquent while active is frozen by the system
 * (frozen_by 'delinquency'); one frozen so is unfrozen once cured. A freeze by staff or by a review
 * is left alone either way. Run again on the same date it finds the same figures and changes nothing.
 */
async function markDelinquency(
  context: CreditContext,
  trx: Executor,
  date: PlainDate,
  bounds: ChunkBounds,
): Promise<number> {
  const lines = await sql<{
    id: string;
    status: 'active' | 'frozen';
    frozen_by: string | null;
    overdue_since: PlainDate | null;
  }>`select id, status, frozen_by, overdue_since::text as overdue_since from credit_lines
     where status in ('active', 'frozen') and ${keyRange('id', bounds)} order by id for update`.execute(trx);
  if (lines.rows.length === 0) return 0;
  const ids = lines.rows.map((l) => l.id);
  const found = await assessLines(context.ledger, trx, ids, date);
  const used = await context.ledger.lookupAccounts(
    ids.map((id) => lineAccount.used(id)),
    { tx: trx },
  );
  const usedOf = new Map(used.map((a) => [a.id, a.creditsPosted - a.debitsPosted]));
  const now = context.clock.now();
  for (const line of lines.rows) {
    const d = found.get(line.id);
    if (d && line.overdue_since === null && line.status === 'active') {
      const reason = `the minimum payment due on ${d.since} was not received: the line is frozen until it is paid`;
      await sql`update credit_lines set status = 'frozen', frozen_by = 'delinquency', frozen_reason = ${reason},
        updated_at = ${now} where id = ${line.id}::uuid`.execute(trx);
      await logEvent(
        context,
        trx,
        line.id,
        {
          kind: 'frozen',
          reason,
          details: { by: 'delinquency', dpd: d.dpd, overdue: formatAmount(d.overdueAmount, CNY) },
        },
        date,
      );
    } else if (!d && line.status === 'frozen' && line.frozen_by === 'delinquency') {
      const reason = 'the overdue payments were made: the line can be used again';
      await sql`update credit_lines set status = 'active', frozen_by = null, frozen_reason = null,
        updated_at = ${now} where id = ${line.id}::uuid`.execute(trx);
      await logEvent(
        context,
        trx,
        line.id,
        { kind: 'unfrozen', reason, details: { by: 'delinquency' } },
        date,
      );
    }
  }
  await sql`update credit_lines c set overdue_since = x.since, overdue_amount = x.amount,
      worst_dpd = greatest(c.worst_dpd, x.dpd), peak_used = greatest(c.peak_used, x.used)
    from unnest(${ids}::uuid[], ${ids.map((id) => found.get(id)?.since ?? null)}::date[],
                ${ids.map((id) => found.get(id)?.overdueAmount ?? 0n)}::int8[], ${ids.map((id) => found.get(id)?.dpd ?? 0)}::int[],
                ${ids.map((id) => usedOf.get(lineAccount.used(id)) ?? 0n)}::int8[]) as x(id, since, amount, dpd, used)
    where c.id = x.id`.execute(trx);
  return ids.length;
}

/** What collections needs of a delinquent line (read through credit's public surface). */
export interface OverdueLine {
  readonly lineId: string;
  readonly customerId: string;
  readonly productId: string;
  readonly dpd: number;
  readonly overdueAmount: bigint;
}

/** Lines in a chunk that were delinquent at the close of `date`, as the delinquency step left them. */
export async function overdueLines(
  db: Executor,
  bounds: ChunkBounds,
  date: PlainDate,
): Promise<OverdueLine[]> {
  const rows = await sql<{
    id: string;
    customer_id: string;
    product_id: string;
    overdue_since: PlainDate;
    overdue_amount: bigint;
  }>`select id, customer_id, product_id, overdue_since::text as overdue_since, overdue_amount from credit_lines
     where overdue_since is not null and status in ('active', 'frozen') and ${keyRange('id', bounds)}
     order by id`.execute(db);
  return rows.rows.map((r) => ({
    lineId: r.id,
    customerId: r.customer_id,
    productId: r.product_id,
    dpd: daysBetween(r.overdue_since, date),
    overdueAmount: r.overdue_amount,
  }));
}

/**
 * Repayments received on each line (by the customer or by auto-debit) from its own date up to `to`
 * (inclusive), in the order given: whether promises to pay were kept.
 */
export async function repaidBetween(
  db: Executor,
  windows: readonly { lineId: string; from: PlainDate }[],
  to: PlainDate,
): Promise<bigint[]> {
  if (windows.length === 0) return [];
  const rows = await sql<{ n: number; amount: bigint }>`
    select w.n::int as n, coalesce(sum(e.amount), 0)::int8 as amount
    from unnest(${windows.map((w) => w.lineId)}::uuid[], ${windows.map((w) => w.from)}::date[]) with ordinality as w(line_id, from_date, n)
    left join credit_line_events e on e.line_id = w.line_id and e.kind in ('repayment', 'auto_debit')
      and e.business_date between w.from_date and ${to}
    group by w.n order by w.n`.execute(db);
  return rows.rows.map((r) => r.amount);
}

/** What the reminders say (SMS through the notification outbox). */
const REMINDER_TEXT = (name: string, amount: string, minimum: string, due: PlainDate) =>
  `【netfin】${name}，您的信用额度账单待还 ${amount} 元（最低还款 ${minimum} 元），将于 ${due} 到期，请按时还款。`;
const AUTO_DEBIT_SHORT_TEXT = (name: string, short: string) =>
  `【netfin】${name}，今日自动还款未能足额扣款，本期最低还款尚差 ${short} 元，请于今日还款以免逾期。`;

/**
 * Reminders: on each of the product's reminderDays before a statement's due date, while something of
 * it is unpaid; and on the due date, to a customer with auto-debit, when the wallet did not cover the
 * minimum. Each at most once per statement, kind and date (credit_reminders' key), in the close's
 * transaction with the outbox rows.
 */
async function remind(
  context: CreditContext,
  trx: Executor,
  date: PlainDate,
  bounds: ChunkBounds,
): Promise<number> {
  const rows = await sql<{
    id: string;
    line_id: string;
    customer_id: string;
    product_id: string;
    product_version: number;
    auto_debit: boolean;
    due_on: PlainDate;
    min_payment: bigint;
    carried: bigint;
    converted: bigint;
  }>`select s.id, s.line_id, l.customer_id, l.product_id, l.product_version, l.auto_debit, s.due_on::text as due_on,
            s.min_payment, s.carried, coalesce(p.principal, 0) as converted
     from credit_statements s join credit_lines l on l.id = s.line_id
       left join credit_plans p on p.id = s.converted_plan_id
     where s.settled_on is null and s.due_on between ${date} and ${addDays(date, 31)}
       and l.status in ('active', 'frozen') and ${keyRange('s.line_id', bounds)}
     order by s.id`.execute(trx);
  const candidates: { id: string; kind: 'before_due' | 'auto_debit_short'; daysBefore: number }[] = [];
  for (const r of rows.rows) {
    const daysBefore = daysBetween(date, r.due_on);
    if (daysBefore === 0) {
      if (r.auto_debit) candidates.push({ id: r.id, kind: 'auto_debit_short', daysBefore });
      continue;
    }
    const product = await context.products.version(r.product_id, r.product_version, trx);
    if (product.billing.reminderDays.includes(daysBefore))
      candidates.push({ id: r.id, kind: 'before_due', daysBefore });
  }
  if (candidates.length === 0) return 0;
  const byId = new Map(rows.rows.map((r) => [r.id, r]));
  const accounts = await context.ledger.lookupAccounts(
    candidates.flatMap((c) => PARTS.map((p) => statementAccount[p](c.id))),
    { tx: trx },
  );
  const balances = new Map(accounts.map((a) => [a.id, a]));
  const figures = (id: string) => {
    let credits = 0n;
    let unpaid = 0n;
    for (const part of PARTS) {
      const a = balances.get(statementAccount[part](id));
      if (!a) continue;
      credits += a.creditsPosted;
      unpaid += a.debitsPosted - a.creditsPosted;
    }
    // A conversion's credit moved principal into a plan; it is not a payment towards the minimum.
    return { credits: credits - byId.get(id)!.converted, unpaid };
  };
  const due = candidates.flatMap((c) => {
    const s = byId.get(c.id)!;
    const { credits, unpaid } = figures(c.id);
    if (c.kind === 'before_due') {
      if (unpaid <= 0n) return [];
      const minimumLeft = s.min_payment - credits;
      return [{ ...c, amount: unpaid, minimum: minimumLeft > 0n ? minimumLeft : 0n }];
    }
    // The due date: the wallet's auto-debit (position 345) has run; what of its own minimum is missing.
    const ownMinimum = s.min_payment > s.carried ? s.min_payment - s.carried : 0n;
    if (credits >= ownMinimum) return [];
    return [{ ...c, amount: ownMinimum - credits, minimum: ownMinimum - credits }];
  });
  if (due.length === 0) return 0;
  const fresh = await sql<{ statement_id: string; kind: string }>`
    insert into credit_reminders (statement_id, kind, sent_on, days_before)
    select s, k, ${date}, d from unnest(${due.map((d) => d.id)}::uuid[], ${due.map((d) => d.kind)}::text[],
                                        ${due.map((d) => d.daysBefore)}::int[]) as x(s, k, d)
    on conflict do nothing returning statement_id, kind`.execute(trx);
  const sent = new Set(fresh.rows.map((r) => `${r.statement_id}:${r.kind}`));
  const toSend = due.filter((d) => sent.has(`${d.id}:${d.kind}`));
  const people = await context.identity.reachOf(
    [...new Set(toSend.map((d) => byId.get(d.id)!.customer_id))],
    trx,
  );
  const messages = toSend.flatMap((d) => {
    const s = byId.get(d.id)!;
    const person = people.get(s.customer_id);
    if (!person) return [];
    const body =
      d.kind === 'before_due'
        ? REMINDER_TEXT(person.name, formatAmount(d.amount, CNY), formatAmount(d.minimum, CNY), s.due_on)
        : AUTO_DEBIT_SHORT_TEXT(person.name, formatAmount(d.amount, CNY));
    return [
      {
        channel: 'sms' as const,
        recipient: person.phone,
        template: d.kind === 'before_due' ? 'credit.reminder' : 'credit.auto_debit_short',
        body,
      },
    ];
  });
  await context.identity.notifier.enqueueMany(trx, messages);
  return toSend.length;
}

/**
 * The day's figures of the line book by delinquency bucket, for the dashboards beside lending's
 * (`credit_lines.count`, `credit_lines.overdue_amount`; bucket as lending's bucketOf): one query.
 */
async function snapshot(trx: Executor, date: PlainDate): Promise<number> {
  const rows = await sql<{ overdue_since: PlainDate | null; lines: number; amount: bigint }>`
    select overdue_since::text as overdue_since, count(*)::int as lines, coalesce(sum(overdue_amount), 0)::int8 as amount
    from credit_lines where status in ('active', 'frozen') group by overdue_since`.execute(trx);
  const book = new Map<string, { lines: number; amount: bigint }>(
    ['current', 'M1', 'M2', 'M3', 'M3+'].map((b) => [b, { lines: 0, amount: 0n }]),
  );
  for (const r of rows.rows) {
    const bucket = r.overdue_since === null ? 'current' : bucketOf(daysBetween(r.overdue_since, date));
    const b = book.get(bucket)!;
    b.lines += r.lines;
    b.amount += r.amount;
  }
  return recordSnapshots(
    trx,
    date,
    [...book].flatMap(([bucket, b]) => [
      { metric: 'credit_lines.count', dimension: bucket, unit: 'count' as const, value: b.lines },
      { metric: 'credit_lines.overdue_amount', dimension: bucket, unit: 'money' as const, value: b.amount },
    ]),
  );
}

/** Delinquency (360, after penalty), reminders (365) the periodic review (370) and the book by bucket (375). */
export function overdueDaySteps(context: CreditContext): BatchStep[] {
  return [
    {
      name: 'credit.delinquency',
      owner: 'credit',
      position: 360,
      description:
        "Records each line's days past due and amount overdue; freezes a line that becomes delinquent, unfreezes one cured",
      plan: (db) => lineRanges(db),
      run: (db, date, bounds) => markDelinquency(context, db, date, bounds),
    },
    {
      name: 'credit.reminders',
      owner: 'credit',
      position: 365,
      description:
        "Reminds customers before a statement's due date, and on it when auto-debit did not cover the minimum",
      plan: (db) => lineRanges(db),
      run: (db, date, bounds) => remind(context, db, date, bounds),
    },
    {
      name: 'credit.review',
      owner: 'credit',
      position: 370,
      description: 'Reviews lines whose review date has come: raise, lower, freeze or keep, by behaviour',
      plan: (db) => lineRanges(db),
      run: (db, date, bounds) => reviewLines(context, db, date, bounds),
    },
    {
      name: 'credit.snapshot',
      owner: 'credit',
      position: 375,
      description:
        'Records the line book by delinquency bucket: lines and amount overdue, for the dashboards',
      run: (db, date) => snapshot(db, date),
    },
  ];
}
