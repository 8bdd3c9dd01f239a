import { sql } from 'kysely';
import { creditChangesOn, creditFacts } from '../credit/index.ts';
import type { Executor } from '../db/index.ts';
import { type CustomerRange, customerChangesOn, customerFacts } from '../identity/index.ts';
import { addDays, addMonths, Decimal, type PlainDate, roundToInteger } from '../kernel/index.ts';
import { firstPostedFrom, incomeFromAccounts, oldestIncomeIn, postedSumsBefore } from '../ledger/index.ts';
import { borrowing, lendingChangesOn, marketplaceInvesting } from '../lending/index.ts';
import { paymentChangesOn, paymentFacts } from '../payments/index.ts';
import { holdingAccounts, wealthChangesOn, wealthInvesting } from '../wealth/index.ts';
import type { CrmContext } from './context.ts';
import { bandOf, readBands, readRules } from './settings.ts';
import type { TagFacts, TagRules } from './tags.ts';

/**
 * One chunk of the portraits step: every customer whose id is in the range gets their portrait as of
 * the business date, read from the other contexts' crm-*.ts readers and the ledger, and written in
 * one statement (replacing yesterday's). Nothing here writes anywhere else, so a chunk run again
 * writes the same rows.
 *
 * Assets (AUM) are valued at the ledger at the end of the date: the wallet's posted balance, the
 * principal outstanding on the customer's notes, and their wealth holdings (a mutual fund's units at
 * the latest NAV). Contribution is the platform's income from the customer over the class rules'
 * window (12 months to the date's end): income-account transfers out of the customer's wallet, their
 * loans' receivables and interest payable (upfront, per-period and service fees, penalty), their
 * credit lines and statements (interest, fees, penalty) and their wealth holdings (early-redemption
 * fees). The investor service fee comes out of a loan's interest payable, so it counts to the
 * borrower's loan, not to the investors (docs/crm.md).
 */

const shanghaiMidnight = (date: PlainDate) => new Date(`${date}T00:00:00+08:00`);

export interface PortraitRow {
  readonly userId: string;
  readonly aum: bigint;
  readonly band: string;
  readonly contribution: bigint;
  readonly worstDpd: number;
  readonly ruleTags: string[];
  readonly data: Record<string, unknown>;
  /** The last date through which the portrait stays right if nothing touches the customer (null: any). */
  readonly validThrough: PlainDate | null;
}

/** What a chunk computed: the rows, the ledger accounts each read, and the customers whose tag rules threw. */
export interface BuiltPortraits {
  readonly rows: PortraitRow[];
  readonly accounts: { readonly accountId: string; readonly userId: string }[];
  readonly tagErrors: { readonly userId: string; readonly error: string }[];
}

/** The Shanghai calendar date of an instant. */
const shanghaiDate = (at: Date) =>
  new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10) as PlainDate;

/**
 * The first date D' whose income window (after addMonths(D', -months), to the end of D') no longer
 * holds a transfer of the Shanghai date `on`.
 */
export function leavesWindowOn(on: PlainDate, months: number): PlainDate {
  let d = addMonths(on, months);
  while (addMonths(d, -months) < on) d = addDays(d, 1);
  while (addMonths(addDays(d, -1), -months) >= on) d = addDays(d, -1);
  return d;
}

const money = (v: bigint) => v.toString();

const INCOME_KINDS: Record<number, string> = {
  4001: 'fees',
  4002: 'penalty',
  4003: 'credit_interest',
  4004: 'credit_fees',
  4005: 'credit_penalty',
  4006: 'merchant_discount',
};

/** Computes and writes the portraits of the customers in the range (see buildPortraits). */
export async function computePortraits(
  context: CrmContext,
  tags: TagRules,
  trx: Executor,
  date: PlainDate,
  range: CustomerRange,
): Promise<number> {
  const built = await buildPortraits(tags, trx, date, range);
  if (built.rows.length === 0) return 0;
  for (const e of built.tagErrors)
    (context.log ?? console.warn)(
      `crm.portraits ${date}: the tag rules failed for customer ${e.userId}: ${e.error}`,
    );
  await writePortraits(trx, date, built.rows, context.clock.now());
  await writeAccounts(
    trx,
    built.rows.map((r) => r.userId),
    built.accounts,
  );
  return built.rows.length;
}

/**
 * The portraits of the customers in the range as of the date, written nowhere: what the step writes,
 * and what a test compares the stored portraits with.
 */
export async function buildPortraits(
  tags: TagRules,
  trx: Executor,
  date: PlainDate,
  range: CustomerRange,
): Promise<BuiltPortraits> {
  const customers = await customerFacts(trx, range, date);
  if (customers.length === 0) return { rows: [], accounts: [], tagErrors: [] };
  const ids = range.ids ? [...range.ids] : null;
  const [bands, rules, ruleSet, investing, wealth, holdings, loans, credit, payments, previous, ...changes] =
    await Promise.all([
      readBands(trx),
      readRules(trx),
      tags.inForce(trx),
      marketplaceInvesting(trx, range, date),
      wealthInvesting(trx, range, date),
      holdingAccounts(trx, range, date),
      borrowing(trx, range, date),
      creditFacts(trx, range, date),
      paymentFacts(trx, range, date),
      sql<{ user_id: string; worst_dpd: number }>`
        select user_id, worst_dpd from crm_portraits
        where (${range.from}::uuid is null or user_id >= ${range.from}::uuid)
          and (${range.to}::uuid is null or user_id < ${range.to}::uuid)
          and (${ids}::uuid[] is null or user_id = any(${ids}::uuid[]))`.execute(trx),
      customerChangesOn(trx, range, date),
      lendingChangesOn(trx, range, date),
      creditChangesOn(trx, range, date),
      wealthChangesOn(trx, range, date),
      paymentChangesOn(trx, range, date),
    ]);
  const by = <T extends { userId: string }>(rows: readonly T[]) => new Map(rows.map((r) => [r.userId, r]));
  const investingOf = by(investing);
  const wealthOf = by(wealth);
  const loansOf = by(loans);
  const creditOf = by(credit);
  const paymentsOf = by(payments);
  const worstBefore = new Map(previous.rows.map((r) => [r.user_id, Number(r.worst_dpd)]));

  // Balances at the end of the date, each account on its own (a fund's units are valued by its NAV).
  const end = shanghaiMidnight(addDays(date, 1));
  const balanceAccounts = [
    ...payments.flatMap((p) => (p.walletAccount ? [{ id: p.walletAccount, group: p.walletAccount }] : [])),
    ...investing.flatMap((i) => i.noteAccounts.map((id) => ({ id, group: id }))),
    ...holdings.map((h) => ({ id: h.accountId, group: h.accountId })),
  ];
  const sums = await postedSumsBefore(trx, balanceAccounts, end);
  const balance = (id: string) => {
    const s = sums.get(id);
    return s ? s.creditsPosted - s.debitsPosted : 0n;
  };

  // Income over the window, by customer and income account.
  const window = { from: shanghaiMidnight(addDays(addMonths(date, -rules.windowMonths), 1)), to: end };
  const incomeAccounts = [
    ...payments.flatMap((p) => (p.walletAccount ? [{ id: p.walletAccount, group: p.userId }] : [])),
    ...loans.flatMap((l) => l.incomeAccounts.map((id) => ({ id, group: l.userId }))),
    ...credit.flatMap((c) => c.incomeAccounts.map((id) => ({ id, group: c.userId }))),
    ...holdings.map((h) => ({ id: h.accountId, group: h.userId })),
  ];
  const income = await incomeFromAccounts(trx, incomeAccounts, window);

  // When time alone next changes a portrait: each reader's dates, a transfer already created for a
  // later date on any of the customer's accounts, the oldest income leaving the window, and the next
  // day for fund units (valued at NAVs that may still be entered for past dates).
  const ownerOf = new Map<string, string>();
  for (const p of payments) if (p.walletAccount) ownerOf.set(p.walletAccount, p.userId);
  for (const i of investing) for (const id of i.noteAccounts) ownerOf.set(id, i.userId);
  for (const h of holdings) ownerOf.set(h.accountId, h.userId);
  const accounts = [
    ...new Map(
      [
        ...balanceAccounts.map((a) => ({ accountId: a.id, userId: ownerOf.get(a.id)! })),
        ...incomeAccounts.map((a) => ({ accountId: a.id, userId: a.group })),
      ].map((a) => [`${a.accountId} ${a.userId}`, a]),
    ).values(),
  ];
  const [nextTransfer, oldestIncome] = await Promise.all([
    firstPostedFrom(
      trx,
      accounts.map((a) => ({ id: a.accountId, group: a.userId })),
      end,
    ),
    oldestIncomeIn(trx, incomeAccounts, window),
  ]);
  const changesOn = new Map<string, PlainDate>();
  const soonest = (userId: string, on: PlainDate) => {
    const was = changesOn.get(userId);
    if (!was || on < was) changesOn.set(userId, on);
  };
  for (const m of changes) for (const [userId, on] of m) soonest(userId, on);
  for (const [userId, at] of nextTransfer) soonest(userId, shanghaiDate(at));
  for (const [userId, at] of oldestIncome)
    soonest(userId, leavesWindowOn(shanghaiDate(at), rules.windowMonths));
  for (const h of holdings)
    if (h.nav !== null && balance(h.accountId) !== 0n) soonest(h.userId, addDays(date, 1));

  const holdingsOf = new Map<string, bigint>();
  for (const h of holdings) {
    const units = balance(h.accountId);
    const value =
      h.nav === null ? units : roundToInteger(new Decimal(units.toString()).times(h.nav), 'half_up');
    holdingsOf.set(h.userId, (holdingsOf.get(h.userId) ?? 0n) + value);
  }

  const rows: (Omit<PortraitRow, 'ruleTags'> & { facts: TagFacts })[] = [];
  for (const c of customers) {
    const inv = investingOf.get(c.userId);
    const wl = wealthOf.get(c.userId);
    const ln = loansOf.get(c.userId);
    const cr = creditOf.get(c.userId);
    const pay = paymentsOf.get(c.userId);
    const wallet = pay?.walletAccount ? balance(pay.walletAccount) : 0n;
    const notes = (inv?.noteAccounts ?? []).reduce((s, id) => s + balance(id), 0n);
    const funds = holdingsOf.get(c.userId) ?? 0n;
    const aum = wallet + notes + funds;
    const byKind: Record<string, string> = {};
    let contribution = 0n;
    for (const [code, amount] of income.get(c.userId) ?? new Map<number, bigint>()) {
      const kind = INCOME_KINDS[code] ?? `income_${code}`;
      byKind[kind] = money(BigInt(byKind[kind] ?? '0') + amount);
      contribution += amount;
    }
    const currentDpd = Math.max(ln?.currentDpd ?? 0, cr?.currentDpd ?? 0);
    const worstDpd = Math.max(worstBefore.get(c.userId) ?? 0, currentDpd, cr?.worstDpd ?? 0);
    const latePeriods = ln?.latePeriods ?? 0;
    const hasBorrowed = (ln?.loans ?? 0) > 0 || (cr?.draws ?? 0) > 0;
    const behaviour = !hasBorrowed
      ? 'none'
      : currentDpd > 0
        ? 'delinquent'
        : latePeriods > 0 || worstDpd > 0
          ? 'late'
          : 'on_time';
    const invested365 = (inv?.count365 ?? 0) + (wl?.count365 ?? 0);
    const firstOn = [inv?.firstOn, wl?.firstOn].filter((d): d is PlainDate => Boolean(d)).sort()[0] ?? null;
    const lastOn =
      [inv?.lastOn, wl?.lastOn]
        .filter((d): d is PlainDate => Boolean(d))
        .sort()
        .at(-1) ?? null;
    const riskClass =
      c.riskLevel === null || (c.riskExpiresOn !== null && c.riskExpiresOn < date) ? null : c.riskLevel;
    const data = {
      identity: {
        channel: c.channel,
        signedUpAt: c.signedUpAt.toISOString(),
        kycLevel: c.kycLevel,
        status: c.status,
        ageBand: c.ageBand,
        province: c.province,
        city: c.city,
        sex: c.sex,
      },
      activity: { lastSeenAt: c.lastSeenAt?.toISOString() ?? null, activeDays30: c.activeDays30 },
      risk: { class: riskClass === null ? null : `C${riskClass}`, expiresOn: c.riskExpiresOn },
      investing: {
        count: (inv?.count ?? 0) + (wl?.count ?? 0),
        amount: money((inv?.amount ?? 0n) + (wl?.amount ?? 0n)),
        count90: (inv?.count90 ?? 0) + (wl?.count90 ?? 0),
        amount90: money((inv?.amount90 ?? 0n) + (wl?.amount90 ?? 0n)),
        count365: invested365,
        // Investments a month, over the last 12 months, to one decimal place.
        perMonth: (Math.round((invested365 * 10) / 12) / 10).toFixed(1),
        firstOn,
        lastOn,
        grades: inv?.grades ?? [],
        products: [...(inv?.products ?? []), ...(wl?.products ?? [])],
        wealthKinds: wl?.kinds ?? [],
        usualTerm: inv?.usualTerm || null,
        autoInvest: inv?.autoInvest ?? false,
        marketplace: { count: inv?.count ?? 0, amount: money(inv?.amount ?? 0n) },
        wealth: { count: wl?.count ?? 0, amount: money(wl?.amount ?? 0n) },
      },
      assets: {
        aum: money(aum),
        band: bandOf(bands, aum),
        wallet: money(wallet),
        notes: money(notes),
        funds: money(funds),
      },
      borrowing: {
        loans: ln?.loans ?? 0,
        active: ln?.active ?? 0,
        repaid: ln?.repaid ?? 0,
        writtenOff: ln?.writtenOff ?? 0,
        amount: money(ln?.amount ?? 0n),
        latePeriods,
        onTimePeriods: ln?.onTimePeriods ?? 0,
        currentDpd,
        worstDpd,
        behaviour,
        creditLines: cr?.lines ?? 0,
        activeLines: cr?.activeLines ?? 0,
        creditLimit: money(cr?.limit ?? 0n),
        draws: cr?.draws ?? 0,
        drawn: money(cr?.drawn ?? 0n),
      },
      payments: {
        count90: pay?.payments90 ?? 0,
        amount90: money(pay?.paid90 ?? 0n),
        topUps90: pay?.topUps90 ?? 0,
        withdrawals90: pay?.withdrawals90 ?? 0,
        lastPaidOn: pay?.lastPaidOn ?? null,
      },
      contribution: { total: money(contribution), byKind, windowMonths: rules.windowMonths },
    };
    const facts: TagFacts = {
      investedTotal: Number((inv?.amount ?? 0n) + (wl?.amount ?? 0n)),
      invested90d: Number((inv?.amount90 ?? 0n) + (wl?.amount90 ?? 0n)),
      investments90d: (inv?.count90 ?? 0) + (wl?.count90 ?? 0),
      aum: Number(aum),
      contribution: Number(contribution),
      loans: (ln?.loans ?? 0) + (cr?.draws ?? 0),
      currentDpd,
      worstDpd,
      latePeriods,
      payments90d: pay?.payments90 ?? 0,
      activeDays30d: c.activeDays30,
      riskLevel: riskClass ?? 0,
      autoInvest: inv?.autoInvest ?? false,
      channel: c.channel,
      ageBand: c.ageBand,
    };
    rows.push({
      userId: c.userId,
      aum,
      band: bandOf(bands, aum),
      contribution,
      worstDpd,
      facts,
      data,
      validThrough: (() => {
        const on = changesOn.get(c.userId);
        if (!on) return null;
        return on > date ? addDays(on, -1) : addDays(date, -1);
      })(),
    });
  }
  // The engine answers each call from its own threads: evaluated together, the calls overlap.
  // A rule that throws for one customer does not fail the chunk: their portrait has no rule tags,
  // says why (data.tagError), is due again at the next close, and the step logs it.
  const tagged: PortraitRow[] = [];
  const tagErrors: { userId: string; error: string }[] = [];
  for (let start = 0; start < rows.length; start += 500) {
    const slice = rows.slice(start, start + 500);
    const tagsOf = await Promise.all(
      slice.map((r) =>
        tags.evaluate(ruleSet, r.facts).then(
          (ruleTags) => ({ ruleTags, error: null }),
          (error: unknown) => ({
            ruleTags: [] as string[],
            error: error instanceof Error ? error.message : String(error),
          }),
        ),
      ),
    );
    slice.forEach(({ facts: _facts, ...r }, i) => {
      const { ruleTags, error } = tagsOf[i]!;
      if (error === null) tagged.push({ ...r, ruleTags });
      else {
        tagErrors.push({ userId: r.userId, error });
        // Due again at the next close: a rule that threw once (an engine that failed in passing) is
        // tried again rather than leaving the portrait untagged until something else touches it.
        tagged.push({
          ...r,
          ruleTags,
          data: { ...r.data, tagError: error },
          validThrough: addDays(date, -1),
        });
      }
    });
  }
  return { rows: tagged, accounts, tagErrors };
}

/** The ledger accounts each recomputed customer's portrait read, replacing what they read before. */
async function writeAccounts(
  trx: Executor,
  userIds: readonly string[],
  accounts: readonly { readonly accountId: string; readonly userId: string }[],
) {
  await sql`delete from crm_portrait_accounts where user_id = any(${[...userIds]}::uuid[])`.execute(trx);
  for (let start = 0; start < accounts.length; start += 20_000) {
    const slice = accounts.slice(start, start + 20_000);
    await sql`
      insert into crm_portrait_accounts (account_id, user_id)
      select * from unnest(${slice.map((a) => a.accountId)}::text[], ${slice.map((a) => a.userId)}::uuid[])
      on conflict do nothing`.execute(trx);
  }
}

async function writePortraits(trx: Executor, date: PlainDate, rows: readonly PortraitRow[], at: Date) {
  for (let start = 0; start < rows.length; start += 5000) {
    const slice = rows.slice(start, start + 5000);
    await sql`
      insert into crm_portraits (user_id, as_of, aum, aum_band, contribution, worst_dpd, rule_tags, data, computed_at,
                                 valid_through)
      select u.id, ${date}::date, u.aum, u.band, u.contribution, u.worst, array(select jsonb_array_elements_text(u.tags)),
             u.data, ${at}, u.valid_through
      from unnest(${slice.map((r) => r.userId)}::uuid[], ${slice.map((r) => r.aum.toString())}::int8[],
                  ${slice.map((r) => r.band)}::text[], ${slice.map((r) => r.contribution.toString())}::int8[],
                  ${slice.map((r) => r.worstDpd)}::int[], ${slice.map((r) => JSON.stringify(r.ruleTags))}::jsonb[],
                  ${slice.map((r) => JSON.stringify(r.data))}::jsonb[], ${slice.map((r) => r.validThrough)}::date[])
        as u(id, aum, band, contribution, worst, tags, data, valid_through)
      on conflict (user_id) do update set as_of = excluded.as_of, aum = excluded.aum, aum_band = excluded.aum_band,
        contribution = excluded.contribution, worst_dpd = excluded.worst_dpd, rule_tags = excluded.rule_tags,
        data = excluded.data, computed_at = excluded.computed_at, valid_through = excluded.valid_through`.execute(
      trx,
    );
  }
}
