import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addDays, type PlainDate, uuidv7 } from '../../src/kernel/index.ts';
import { closeTo } from '../support/batch.ts';
import { staffMember } from '../support/credit.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { holdUnits, incomeTransfersOf, moneyMarketFund, postIncome } from '../support/wealth-income.ts';

/**
 * Operations enter the fund's income per 10,000 units: a figure more than 50% away from the mean of
 * the last seven entries asks for confirmation (409 with the mean) and goes in with confirmFar; an
 * entry not yet credited may be corrected (audited with the figure before); once a day-close has
 * credited it, it is fixed (409). Malformed input is a 400, a customer or a read-only role a 403.
 */
let t: TestApp;
let ops: TestUser;
let finance: TestUser;
let customer: TestUser;
let productId: string;

beforeAll(async () => {
  t = await openTestApp();
  ops = await staffMember(t, ['operations']);
  finance = await staffMember(t, ['finance']);
  customer = await signUp(t);
  productId = await moneyMarketFund(t);
  await holdUnits(t, productId, uuidv7(), 1_000_000n);
});
afterAll(() => t.close());

it('asks to confirm a figure far from the mean of the last seven entries', async () => {
  // 12-29 … 01-04: mean of 0.6000 ×3, 0.7000 ×4 = 0.657142… → 0.6571.
  const figures = ['0.6000', '0.6000', '0.6000', '0.7000', '0.7000', '0.7000', '0.7000'];
  for (const [i, per10k] of figures.entries()) {
    const r = await postIncome(t, ops, { date: addDays('2025-12-29' as PlainDate, i), per10k, productId });
    expect(r.statusCode, r.body).toBe(201);
  }
  // 50% of 0.657142… is 0.328571…: 0.9857 is within (0.985714 is the bound), 0.9858 is not.
  const within = await postIncome(t, ops, { date: '2026-01-05', per10k: '0.9857', productId });
  expect(within.statusCode, within.body).toBe(201);
  const far = await postIncome(t, ops, { date: '2026-01-06', per10k: '1.9000', productId });
  expect(far.statusCode).toBe(409);
  expect(far.json().error).toMatchObject({
    code: 'income_far_from_recent',
    details: { mean: '0.7122', entries: 7, per10k: '1.9000' },
  });
  const low = await postIncome(t, ops, { date: '2026-01-06', per10k: '0.3000', productId });
  expect(low.json().error.code).toBe('income_far_from_recent');
  const rows = await sql`select 1 from wealth_mmf_income where date = '2026-01-06'`.execute(t.platform.db);
  expect(rows.rows).toHaveLength(0);
  const confirmed = await postIncome(t, ops, {
    date: '2026-01-06',
    per10k: '1.9000',
    productId,
    confirmFar: true,
  });
  expect(confirmed.statusCode, confirmed.body).toBe(201);
  const audit = await sql<{ action: string; details: { confirmedFar: boolean } }>`
    select action, details from audit_log where subject_type = 'wealth_mmf_income' and subject_id like ${'%:2026-01-06'}`.execute(
    t.platform.db,
  );
  expect(audit.rows).toEqual([
    { action: 'wealth.mmf_income_entered', details: expect.objectContaining({ confirmedFar: true }) },
  ]);
});

it('corrects an entry not yet credited, audited with the figure before', async () => {
  const r = await postIncome(t, ops, { date: '2026-01-05', per10k: '0.6543', productId });
  expect(r.statusCode, r.body).toBe(200);
  expect(r.json()).toMatchObject({
    corrected: true,
    entry: { date: '2026-01-05', per10k: '0.6543', locked: false },
  });
  const audit = await sql<{ before: unknown; after: unknown }>`
    select before, after from audit_log where action = 'wealth.mmf_income_corrected'`.execute(t.platform.db);
  expect(audit.rows).toEqual([{ before: { per10k: '0.9857' }, after: { per10k: '0.6543' } }]);
});

it('credits the corrected figure and then refuses to change the entry', async () => {
  await closeTo(t, '2026-01-05');
  const [credited] = [...(await incomeTransfersOf(t, '2026-01-05' as PlainDate)).values()];
  // The fund's 10,000.00 held since 12-29 earned the entries of 12-29 … 01-05, compounding; 01-05 at 0.6543.
  expect(credited).toBeGreaterThan(0n);
  const again = await postIncome(t, ops, { date: '2026-01-05', per10k: '0.6600', productId });
  expect(again.statusCode).toBe(409);
  expect(again.json().error.code).toBe('income_already_credited');
  const listing = await t.app.inject({
    method: 'GET',
    url: `/v1/wealth/ops/mmf/income?productId=${productId}&from=2025-12-29&to=2026-01-07`,
    headers: finance.headers,
  });
  expect(listing.statusCode, listing.body).toBe(200);
  const days = listing.json().days as { date: string; credited: boolean; missing: boolean }[];
  expect(days.map((d) => [d.date, d.credited, d.missing])).toEqual([
    ['2025-12-29', true, false],
    ['2025-12-30', true, false],
    ['2025-12-31', true, false],
    ['2026-01-01', true, false],
    ['2026-01-02', true, false],
    ['2026-01-03', true, false],
    ['2026-01-04', true, false],
    ['2026-01-05', true, false],
    ['2026-01-06', false, false], // entered in advance: today's, credited by tonight's close
    ['2026-01-07', false, false], // not yet closed: not missing yet
  ]);
});

it('refuses malformed input with 400, customers and read-only staff with 403, and writes nothing', async () => {
  const bad = [
    { date: '2026-01-09', per10k: '0.654' },
    { date: '2026-01-09', per10k: '100.0000' },
    { date: '2026-01-09', per10k: '-0.6543' },
    { date: '2026-01-09', per10k: 0.6543 },
    { date: '2026-1-9', per10k: '0.6543' },
    { date: '2026-02-30', per10k: '0.6543' },
    { date: '2026-03-01', per10k: '0.6543' }, // more than 31 days ahead
    { date: '2026-01-09', per10k: '0.6543', extra: 1 },
    { date: '2026-01-09', per10k: '0.6543', productId: 'NETFIN-CASH' },
  ];
  for (const payload of bad) {
    const r = await t.app.inject({
      method: 'POST',
      url: '/v1/wealth/ops/mmf/income',
      headers: ops.headers,
      payload,
    });
    expect(r.statusCode, JSON.stringify(payload)).toBe(400);
  }
  const unknown = await postIncome(t, ops, { date: '2026-01-09', per10k: '0.6543', productId: uuidv7() });
  expect(unknown.statusCode).toBe(404);
  for (const who of [customer, finance]) {
    const r = await postIncome(t, who, { date: '2026-01-09', per10k: '0.6543', productId });
    expect(r.statusCode).toBe(403);
  }
  const rows = await sql`select 1 from wealth_mmf_income where date >= '2026-01-07'`.execute(t.platform.db);
  expect(rows.rows).toHaveLength(0);
});

it('takes concurrent entries of one date one at a time: one created, the rest corrections', async () => {
  const results = await Promise.all(
    ['0.6500', '0.6510', '0.6520', '0.6530', '0.6540'].map((per10k) =>
      postIncome(t, ops, { date: '2026-01-08', per10k, productId, confirmFar: true }),
    ),
  );
  expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 201]);
  const audit = await sql<{ n: number }>`select count(*)::int as n from audit_log
    where subject_type = 'wealth_mmf_income' and subject_id like ${'%:2026-01-08'}`.execute(t.platform.db);
  expect(audit.rows[0]!.n).toBe(5);
});
