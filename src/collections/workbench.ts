import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import type { AuditContext } from '../identity/index.ts';
import { maskName, maskPhone } from '../identity/index.ts';
import {
  addDays,
  CNY,
  conflict,
  Decimal,
  DomainError,
  dateInZone,
  formatAmount,
  formatDecimal,
  invalid,
  isUuid,
  notFound,
  type PlainDate,
  ruleViolation,
  uuidv7,
} from '../kernel/index.ts';
import {
  type Channel,
  type CollectionSettings,
  loadSettings,
  type Outcome,
  type Stage,
  TIERS,
  type Tier,
} from './settings.ts';
import { type CollectionsContext, type SubjectKind, send } from './steps.ts';

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

interface CaseRow {
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

async function caseRow(context: CollectionsContext, db: typeof context.db, caseId: string, lock = false) {
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
function checkAccess(row: CaseRow, viewer: { userId: string; supervisor: boolean }) {
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
  }>`select id, collector_id, channel, party, template, outcome, note, at from collection_contacts
     where case_id = ${row.id} order by at desc, id desc limit 200`.execute(context.db);
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

export interface ContactInput {
  readonly channel: Channel;
  /** "borrower", or the id of a contact the borrower registered. */
  readonly party: string;
  readonly outcome: Outcome;
  readonly note?: string | undefined;
  /** SMS only: the name of an approved template. */
  readonly template?: string | undefined;
  readonly promise?: { readonly amount: bigint; readonly date: PlainDate } | undefined;
}

/** The hour (0-23) and date of an instant in a time zone. */
function localTime(instant: Date, timeZone: string): { hour: number; date: PlainDate } {
  const hour = Number(
    new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(instant),
  );
  return { hour, date: dateInZone(instant, timeZone) };
}

/**
 * The conduct rules every collector contact passes (a logged contact and a call alike): the case is
 * open, it is within the allowed hours in the borrower's time zone, the day's limit of contacts with
 * the borrower and their contacts is not reached, and the party is the borrower or a contact they
 * registered. Takes the borrower's lock, so that two contacts at once count one after the other.
 */
async function checkConduct(
  context: CollectionsContext,
  trx: Executor,
  row: CaseRow,
  party: string,
): Promise<{ settings: CollectionSettings; now: Date; local: { hour: number; date: PlainDate } }> {
  if (row.status !== 'open') throw conflict('case_closed', 'the case is closed');
  const settings: CollectionSettings = await loadSettings(trx);
  const now = context.clock.now();
  const local = localTime(now, settings.conduct.timeZone);
  if (local.hour < settings.conduct.earliestHour || local.hour >= settings.conduct.latestHour)
    throw ruleViolation(
      'outside_contact_hours',
      `contacts are allowed from ${settings.conduct.earliestHour}:00 to ${settings.conduct.latestHour}:00 in the borrower's time zone (${settings.conduct.timeZone}); it is ${local.hour}:00 there`,
    );
  // Every collector contact with this borrower today, whichever of their cases it was logged on.
  await sql`select pg_advisory_xact_lock(hashtext('collections:' || ${row.borrower_id}))`.execute(trx);
  const today = await sql<{ n: number }>`
    select count(*)::int as n from collection_contacts
    where borrower_id = ${row.borrower_id} and business_date = ${local.date} and collector_id is not null`.execute(
    trx,
  );
  if (today.rows[0]!.n >= settings.conduct.maxContactsPerDay)
    throw ruleViolation(
      'contact_limit_reached',
      `at most ${settings.conduct.maxContactsPerDay} contacts a day with a borrower and their contacts`,
    );
  if (
    party !== 'borrower' &&
    !(isUuid(party) && (await context.identity.contacts.isContactOf(row.borrower_id, party, trx)))
  )
    throw invalid('party_not_allowed', 'only the borrower and the contacts they registered may be contacted');
  return { settings, now, local };
}

/**
 * A collector's "call" button: the attempt is logged as a phone contact with the outcome `dialled`
 * under the conduct rules (hours, daily limit, registered parties), and the answer carries what a
 * softphone needs to place it: a call reference and the number masked. The full number never leaves
 * the server here; a telephony gateway would dial it from the reference.
 */
export async function placeCall(
  context: CollectionsContext,
  caseId: string,
  collector: { userId: string; supervisor: boolean },
  party: string,
  audit: AuditContext,
) {
  return inTransaction(context.db, async (trx) => {
    const row = await caseRow(context, trx, caseId, true);
    checkAccess(row, collector);
    const { now, local } = await checkConduct(context, trx, row, party);
    let maskedNumber: string | null = null;
    if (party === 'borrower') {
      const person = (await context.identity.reachOf([row.borrower_id], trx)).get(row.borrower_id);
      maskedNumber = person ? maskPhone(person.phone) : null;
    } else {
      const contact = (await context.identity.contacts.list(row.borrower_id, { db: trx })).find(
        (c) => c.id === party,
      );
      maskedNumber = contact?.phone ?? null;
    }
    const id = uuidv7();
    await sql`insert into collection_contacts (id, case_id, borrower_id, collector_id, channel, party, template, outcome, note, business_date, at)
              values (${id}, ${row.id}, ${row.borrower_id}, ${collector.userId}, 'phone', ${party}, null, 'dialled', null, ${local.date}, ${now})`.execute(
      trx,
    );
    await context.identity.audit(
      audit,
      {
        action: 'collections.call',
        subjectType: 'collection_case',
        subjectId: row.id,
        details: { party, contactId: id },
      },
      trx,
    );
    return { id, caseId: row.id, party, maskedNumber, reference: `call-${id}`, at: now };
  });
}

/**
 * Logs a contact attempt under the conduct rules: within the allowed hours in the borrower's time
 * zone, at most N contacts a day with the borrower and their contacts, only the borrower or a
 * contact they registered, SMS only from an approved template. A refused contact writes nothing.
 */
export async function logContact(
  context: CollectionsContext,
  caseId: string,
  collector: { userId: string; supervisor: boolean },
  input: ContactInput,
  audit: AuditContext,
) {
  return inTransaction(context.db, async (trx) => {
    const row = await caseRow(context, trx, caseId, true);
    checkAccess(row, collector);
    const { settings, now, local } = await checkConduct(context, trx, row, input.party);
    if (input.channel === 'sms') {
      if (!input.template || !settings.smsTemplates[input.template])
        throw invalid(
          'sms_template_not_approved',
          `an SMS uses one of the approved templates: ${Object.keys(settings.smsTemplates).join(', ')}`,
        );
    } else if (input.template) throw invalid('template_for_sms_only', 'templates are for SMS');
    if (input.outcome === 'promise_to_pay') {
      if (!input.promise) throw invalid('promise_required', 'a promise to pay has an amount and a date');
      const businessDate = context.clock.businessDate();
      if (input.promise.date < businessDate || input.promise.date > addDays(businessDate, 30))
        throw invalid('promise_date_invalid', 'a promise is for today or one of the next 30 days');
      if (input.promise.amount <= 0n) throw invalid('amount_not_positive', 'the promised amount is positive');
      // The same promise logged twice (a double click, two collectors on one call) would count twice in
      // the kept rate: one pending promise of an amount for a date per case.
      const same = await sql`
        select 1 from collection_promises
        where case_id = ${row.id} and status = 'pending' and amount = ${input.promise.amount}
          and promised_on = ${input.promise.date}`.execute(trx);
      if (same.rows.length > 0)
        throw conflict(
          'promise_already_made',
          `the case already has a pending promise of ${formatAmount(input.promise.amount, CNY)} for ${input.promise.date}`,
        );
    } else if (input.promise)
      throw invalid('promise_without_outcome', 'a promise goes with the outcome promise_to_pay');
    const id = uuidv7();
    await sql`insert into collection_contacts (id, case_id, borrower_id, collector_id, channel, party, template, outcome, note, business_date, at)
              values (${id}, ${row.id}, ${row.borrower_id}, ${collector.userId}, ${input.channel}, ${input.party}, ${input.template ?? null},
                      ${input.outcome}, ${input.note ?? null}, ${local.date}, ${now})`.execute(trx);
    let promiseId: string | null = null;
    if (input.promise) {
      promiseId = uuidv7();
      await sql`insert into collection_promises (id, case_id, contact_id, amount, promised_on, made_on, status)
                values (${promiseId}, ${row.id}, ${id}, ${input.promise.amount}, ${input.promise.date}, ${context.clock.businessDate()}, 'pending')`.execute(
        trx,
      );
    }
    // The SMS itself goes out to the borrower; one to a registered contact is logged, not sent.
    if (input.channel === 'sms' && input.party === 'borrower')
      await send(context, trx, input.template!, settings, [
        {
          borrowerId: row.borrower_id,
          values: {
            amount: formatAmount(input.promise?.amount ?? row.overdue_amount, CNY),
            dpd: String(row.dpd),
            dueDate: input.promise?.date ?? '',
          },
        },
      ]);
    await context.identity.audit(
      audit,
      {
        action: 'collections.contact',
        subjectType: 'collection_case',
        subjectId: row.id,
        details: { channel: input.channel, party: input.party, outcome: input.outcome },
      },
      trx,
    );
    return { id, caseId: row.id, promiseId, at: now };
  });
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

export interface Collector {
  readonly userId: string;
  readonly tier: Tier;
  readonly region: string | null;
  readonly active: boolean;
  readonly openCases: number;
}

export async function saveCollector(
  context: CollectionsContext,
  input: { userId: string; tier: Tier; region?: string | null; active?: boolean },
  audit: AuditContext,
): Promise<Collector> {
  if (!TIERS.includes(input.tier)) throw invalid('tier_invalid', `tier is one of ${TIERS.join(', ')}`);
  if (input.region !== undefined && input.region !== null && !/^[0-9]{2}$/.test(input.region))
    throw invalid('region_invalid', 'a region is a two-digit province code, e.g. "11" for Beijing');
  if (!isUuid(input.userId)) throw invalid('user_not_found', 'no such user');
  const profile = await context.identity.users.profile(input.userId, { unmasked: false }).catch(() => null);
  if (!profile?.roles.includes('collector'))
    throw invalid('not_a_collector', 'the user must hold the collector role');
  await inTransaction(context.db, async (trx) => {
    await sql`insert into collectors (user_id, tier, region, active, created_at) values (${input.userId}, ${input.tier}, ${input.region ?? null}, ${input.active ?? true}, ${context.clock.now()})
              on conflict (user_id) do update set tier = excluded.tier, region = excluded.region, active = excluded.active`.execute(
      trx,
    );
    await context.identity.audit(
      audit,
      {
        action: 'collections.collector',
        subjectType: 'user',
        subjectId: input.userId,
        details: { tier: input.tier, region: input.region ?? null },
      },
      trx,
    );
  });
  return (await listCollectors(context)).find((c) => c.userId === input.userId)!;
}

export async function listCollectors(context: CollectionsContext): Promise<Collector[]> {
  const rows = await sql<{
    user_id: string;
    tier: Tier;
    region: string | null;
    active: boolean;
    open_cases: number;
  }>`
    select k.user_id, k.tier, k.region, k.active,
           (select count(*)::int from collection_cases c where c.assigned_to = k.user_id and c.status = 'open') as open_cases
    from collectors k order by k.tier, k.user_id`.execute(context.db);
  return rows.rows.map((r) => ({
    userId: r.user_id,
    tier: r.tier,
    region: r.region,
    active: r.active,
    openCases: r.open_cases,
  }));
}

/** A collector's (or, with no collector, the whole team's) figures for the business date. */
export interface WorkSummary {
  readonly businessDate: PlainDate;
  readonly openCases: { readonly stage: Stage; readonly count: number; readonly overdueAmount: bigint }[];
  readonly promisesDueToday: { readonly count: number; readonly amount: bigint };
  /** Promises made in the last 30 days that came due: kept and broken, and kept / (kept + broken). */
  readonly promises30d: { readonly kept: number; readonly broken: number; readonly keptRate: string | null };
  readonly casesTouchedToday: number;
}

/**
 * The dashboard's figures: open cases by stage, pending promises due today (count and amount), the
 * kept rate of promises made in the last 30 days, and the cases contacted today. A collector's own:
 * cases assigned to them, promises and contacts they logged; the team's with no collector.
 */
export async function workSummary(
  context: CollectionsContext,
  collectorId: string | null,
): Promise<WorkSummary> {
  const today = context.clock.businessDate();
  const from = addDays(today, -29);
  const mine = collectorId;
  const stages = await sql<{ stage: Stage; n: number; amount: string }>`
    select stage, count(*)::int as n, coalesce(sum(overdue_amount), 0)::text as amount from collection_cases
    where status = 'open' and (${mine}::uuid is null or assigned_to = ${mine}::uuid)
    group by stage order by stage`.execute(context.db);
  const due = await sql<{ n: number; amount: string }>`
    select count(*)::int as n, coalesce(sum(p.amount), 0)::text as amount
    from collection_promises p join collection_cases c on c.id = p.case_id
    where p.status = 'pending' and p.promised_on = ${today}::date
      and (${mine}::uuid is null or c.assigned_to = ${mine}::uuid)`.execute(context.db);
  const promises = await sql<{ kept: number; broken: number }>`
    select count(*) filter (where p.status = 'kept')::int as kept, count(*) filter (where p.status = 'broken')::int as broken
    from collection_promises p join collection_contacts k on k.id = p.contact_id
    where p.made_on between ${from}::date and ${today}::date
      and (${mine}::uuid is null or k.collector_id = ${mine}::uuid)`.execute(context.db);
  const touched = await sql<{ n: number }>`
    select count(distinct case_id)::int as n from collection_contacts
    where business_date = ${today}::date and collector_id is not null
      and (${mine}::uuid is null or collector_id = ${mine}::uuid)`.execute(context.db);
  const kept = promises.rows[0]?.kept ?? 0;
  const broken = promises.rows[0]?.broken ?? 0;
  return {
    businessDate: today,
    openCases: stages.rows.map((r) => ({ stage: r.stage, count: r.n, overdueAmount: BigInt(r.amount) })),
    promisesDueToday: { count: due.rows[0]?.n ?? 0, amount: BigInt(due.rows[0]?.amount ?? '0') },
    promises30d: {
      kept,
      broken,
      keptRate: kept + broken === 0 ? null : formatDecimal(new Decimal(kept).div(kept + broken), 4),
    },
    casesTouchedToday: touched.rows[0]?.n ?? 0,
  };
}
