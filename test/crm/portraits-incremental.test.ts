import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, type PlainDate } from '../../src/kernel/index.ts';
import { closeTo } from '../support/batch.ts';
import { customerWithLine, post, signInAgain } from '../support/credit.ts';
import { cny, drain, fundedLoan, openLendingApp, resetBorrowerSequence } from '../support/lending.ts';
import { asAdmin, type TestApp } from '../support/platform.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { subscribed, wealthInvestor } from '../support/wealth.ts';

/**
 * The portraits step recomputes only the customers whose portrait can differ, and what it stores is
 * exactly what a full recompute of the same date gives. A story over some forty business days: two
 * investors fund a loan whose borrower repays its first instalment (the note holders' assets change
 * by the ledger alone), a late borrower whose days past due grow daily, a wealth investor who signs
 * in and subscribes, a credit customer who draws, a risk assessment expiring, an active day leaving
 * the 30 days and a birthday crossing an age band (time alone), a tag rule set saved and the AUM
 * bands changed (everyone). After every close, the stored portraits equal a full recompute of the
 * date (every column but the dates it was computed), and on quiet days fewer customers were
 * recomputed than exist. Last, a tag rule that throws for one customer does not fail the close.
 */
let t: TestApp;
let payer: TestUser;
let noteHolders: TestUser[];
let late: TestUser;
let wealth: TestUser;
let credit: { user: TestUser; line: { id: string } };
let quiet: TestUser[];
let firstDue: PlainDate;
let firstClose: PlainDate;
const recomputed: Record<string, number> = {};

async function customers(): Promise<number> {
  const rows = await sql<{ n: number }>`select count(*)::int as n from users where not is_staff`.execute(
    t.platform.db,
  );
  return Number(rows.rows[0]!.n);
}

/** Closes the business date, checks the stored portraits against a full recompute; the count recomputed. */
async function closeAndCheck(): Promise<{ date: PlainDate; rows: number }> {
  const date = await t.platform.batch.businessDate();
  await closeTo(t, date);
  const step = await sql<{ rows: number; status: string }>`
    select rows, status from batch_steps where business_date = ${date} and step = 'crm.portraits'`.execute(
    t.platform.db,
  );
  expect(step.rows[0]!.status).toBe('done');
  const rows = Number(step.rows[0]!.rows);
  recomputed[date] = rows;
  const stored = await sql<{
    user_id: string;
    aum: bigint;
    aum_band: string;
    contribution: bigint;
    worst_dpd: number;
    rule_tags: string[];
    data: Record<string, unknown>;
    valid_through: string | null;
  }>`
    select user_id, aum, aum_band, contribution, worst_dpd, rule_tags, data, valid_through::text as valid_through
    from crm_portraits order by user_id`.execute(t.platform.db);
  const full = (await t.platform.crm.fullRecompute(date)).sort((a, b) => (a.userId < b.userId ? -1 : 1));
  expect(
    stored.rows.map((r) => ({
      userId: r.user_id,
      aum: BigInt(r.aum),
      band: r.aum_band,
      contribution: BigInt(r.contribution),
      worstDpd: Number(r.worst_dpd),
      ruleTags: r.rule_tags,
      data: r.data,
      validThrough: r.valid_through,
    })),
    `portraits of ${date}`,
  ).toEqual(
    full.map((r) => ({
      userId: r.userId,
      aum: r.aum,
      band: r.band,
      contribution: r.contribution,
      worstDpd: r.worstDpd,
      ruleTags: r.ruleTags,
      data: JSON.parse(JSON.stringify(r.data)),
      validThrough: r.validThrough,
    })),
  );
  return { date, rows };
}

async function computedOn(userId: string): Promise<string> {
  const rows = await sql<{ as_of: string }>`
    select as_of::text as as_of from crm_portraits where user_id = ${userId}::uuid`.execute(t.platform.db);
  return rows.rows[0]!.as_of;
}

async function portrait(userId: string) {
  const response = await t.app.inject({
    method: 'GET',
    url: `/v1/crm/portraits/${userId}`,
    headers: asAdmin,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

beforeAll(async () => {
  t = await openLendingApp();
  resetBorrowerSequence();
  const repaid = await fundedLoan(t, {
    amount: '6000.00',
    term: 3,
    investors: 2,
    borrowerBalance: '3000.00',
  });
  payer = repaid.borrower;
  noteHolders = repaid.investors;
  const due = await sql<{ due_date: string }>`
    select due_date::text as due_date from loan_installments where loan_id = ${repaid.loanId} and period = 1`.execute(
    t.platform.db,
  );
  firstDue = due.rows[0]!.due_date as PlainDate;
  const overdue = await fundedLoan(t, { amount: '3000.00', term: 3, investors: 2 });
  late = overdue.borrower;
  await drain(t, late.userId);
  wealth = await wealthInvestor(t);
  credit = await customerWithLine(t);
  quiet = [await signUp(t), await signUp(t), await signUp(t)];
});
afterAll(async () => {
  await t?.close();
});

describe('the portraits step recomputes only who can have changed, exactly', () => {
  it('computes everyone at the first close, then only the customers touched or due', async () => {
    const all = await customers();
    const first = await closeAndCheck();
    expect(first.rows).toBe(all);
    firstClose = first.date;

    // A quiet day: only the late borrower (days past due grow daily, once past due) at most.
    const second = await closeAndCheck();
    expect(second.rows).toBeLessThan(all);
    for (const q of quiet) expect(await computedOn(q.userId)).toBe(first.date);

    // A session, a wealth subscription and a credit draw: those three customers, not the quiet ones.
    wealth = await signInAgain(t, wealth);
    await subscribed(t, wealth, '1000.00');
    const drawn = await post(t, credit.user, `/v1/credit/lines/${credit.line.id}/draws`, {
      amount: cny('500.00'),
    });
    expect(drawn.statusCode, drawn.body).toBe(201);
    const third = await closeAndCheck();
    expect(third.rows).toBeLessThan(all);
    expect(await computedOn(wealth.userId)).toBe(third.date);
    expect(await computedOn(credit.user.userId)).toBe(third.date);
    for (const q of quiet) expect(await computedOn(q.userId)).toBe(first.date);
    expect((await portrait(wealth.userId)).sections.investing.wealth.count).toBe(1);
    expect((await portrait(credit.user.userId)).sections.borrowing.draws).toBe(1);

    // Time alone: the risk assessment expires after today, an active day 29 days ago leaves the 30
    // days tomorrow, a customer turns 25 the day after tomorrow.
    const today = await t.platform.batch.businessDate();
    await sql`update investor_assessments set expires_on = ${today} where user_id = ${wealth.userId}::uuid`.execute(
      t.platform.db,
    );
    await sql`insert into user_activity_days (user_id, day) values (${quiet[0]!.userId}::uuid, ${addDays(today, -29)})`.execute(
      t.platform.db,
    );
    const birth = `${Number(today.slice(0, 4)) - 25}${addDays(today, 2).slice(4)}`;
    await sql`update users set birth_date = ${birth}::date where id = ${quiet[1]!.userId}::uuid`.execute(
      t.platform.db,
    );
    const fourth = await closeAndCheck();
    expect((await portrait(wealth.userId)).riskClass).toBe('C3');
    const active = (await portrait(quiet[0]!.userId)).sections.activity.activeDays30;
    expect(active).toBeGreaterThanOrEqual(1);
    expect((await portrait(quiet[1]!.userId)).sections.identity.ageBand).toBe('18-24');
    const fifth = await closeAndCheck();
    expect(fifth.rows).toBeLessThan(all);
    expect(await computedOn(wealth.userId)).toBe(fifth.date);
    expect((await portrait(wealth.userId)).riskClass).toBeNull();
    expect(await computedOn(quiet[0]!.userId)).toBe(fifth.date);
    expect((await portrait(quiet[0]!.userId)).sections.activity.activeDays30).toBe(active - 1);
    expect(await computedOn(quiet[1]!.userId)).toBe(fourth.date);
    const sixth = await closeAndCheck();
    expect(await computedOn(quiet[1]!.userId)).toBe(sixth.date);
    expect((await portrait(quiet[1]!.userId)).sections.identity.ageBand).toBe('25-34');
    expect(await computedOn(quiet[2]!.userId)).toBe(first.date);
  });

  it('follows the repayment to the note holders, and the late borrower every day', async () => {
    const all = await customers();
    let sawRepayment = false;
    while ((await t.platform.batch.businessDate()) <= addDays(firstDue, 2)) {
      const before = await Promise.all(
        noteHolders.map(async (h) => (await portrait(h.userId)).sections.assets),
      );
      const { date, rows } = await closeAndCheck();
      // Everyone signed up (an active day) on the first date: 30 days on, that day leaves everyone's
      // 30 days, and everyone is recomputed.
      if (date === addDays(firstClose, 30)) expect(rows).toBe(all);
      else expect(rows, date).toBeLessThan(all);
      const dpd = (await portrait(late.userId)).sections.borrowing.currentDpd;
      if (dpd > 0) expect(await computedOn(late.userId)).toBe(date);
      if (date === firstDue) {
        sawRepayment = true;
        for (const [i, h] of noteHolders.entries()) {
          expect(await computedOn(h.userId)).toBe(date);
          const after = (await portrait(h.userId)).sections.assets;
          expect(after.notes.amount).not.toBe(before[i]!.notes.amount);
        }
      }
    }
    expect(sawRepayment).toBe(true);
    expect((await portrait(late.userId)).sections.borrowing.currentDpd).toBeGreaterThan(0);
    expect(await computedOn(quiet[2]!.userId)).not.toBe(firstDue);
  });

  it('recomputes everyone when the tag rules or the AUM bands change', async () => {
    const all = await customers();
    const current = (await t.app.inject({ method: 'GET', url: '/v1/crm/tags', headers: asAdmin })).json();
    const content = structuredClone(current.inForce.content);
    const table = content.nodes.find((n: { type: string }) => n.type === 'decisionTableNode');
    table.content.rules.push({
      _id: 'wealth-1k',
      invested: '>= 100000',
      dpd: '',
      active: '',
      auto: '',
      aum: '',
      tag: '"invested_1k"',
    });
    const saved = await t.app.inject({
      method: 'POST',
      url: '/v1/crm/tags/rule-sets',
      headers: asAdmin,
      payload: { content },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    expect((await closeAndCheck()).rows).toBe(all);
    expect((await portrait(wealth.userId)).tags.rules).toContain('invested_1k');
    expect((await closeAndCheck()).rows).toBeLessThan(all);

    const bands = [
      { band: 'under_5k', from: '0.00' },
      { band: '5k_plus', from: '5000.00' },
    ];
    const changed = await t.app.inject({
      method: 'POST',
      url: '/v1/crm/settings/aum-bands',
      headers: asAdmin,
      payload: { bands },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await closeAndCheck()).rows).toBe(all);
    expect((await closeAndCheck()).rows).toBeLessThan(all);
  });

  it('writes a customer whose tag rules throw without rule tags, and the close goes on', async () => {
    const tags = t.platform.crm.tagRules;
    const evaluate = tags.evaluate.bind(tags);
    // The step's warnings go to the platform's log (silent in tests): listen to them here.
    const context = (t.platform.crm as unknown as { context: { log?: (line: string) => void } }).context;
    const log = context.log;
    const warnings: string[] = [];
    context.log = (line) => warnings.push(line);
    tags.evaluate = async (ruleSet, facts) => {
      if (facts.currentDpd > 0) throw new Error('rule failed on purpose');
      return evaluate(ruleSet, facts);
    };
    try {
      const { date } = await closeAndCheck();
      expect(await computedOn(late.userId)).toBe(date);
      const p = await portrait(late.userId);
      expect(p.tags.rules).toEqual([]);
      expect(p.sections.tagError).toBe('rule failed on purpose');
      expect((await portrait(payer.userId)).sections.tagError).toBeUndefined();
      // One warning per customer past due (the late borrower among them), none for the others.
      expect(warnings).toContain(
        `crm.portraits ${date}: the tag rules failed for customer ${late.userId}: rule failed on purpose`,
      );
      const failed = await sql<{ user_id: string }>`
        select user_id from crm_portraits where data ? 'tagError' order by user_id`.execute(t.platform.db);
      expect(warnings).toHaveLength(failed.rows.length);
    } finally {
      tags.evaluate = evaluate;
      context.log = log;
    }
    console.info(`crm.portraits recomputed per close: ${JSON.stringify(recomputed)}`);
  });
});
