import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cny, customerWithLine, type LineJson, post, staffMember } from '../support/credit.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * A line product's settings for staff: read with the billing settings; a new version published by an
 * operations officer, audited, taken by new lines while a line granted before keeps its version; a
 * version whose bounds are out of order or whose rates pass the caps refused, with nothing written.
 */
let t: TestApp;
let operations: TestUser;
let finance: TestUser;
let before: { line: LineJson };

type ProductJson = {
  id: string;
  version: number;
  minLimit: { amount: string };
  maxLimit: { amount: string };
  dailyRate: string;
  instalmentFees: Record<string, string>;
  billing: Record<string, unknown>;
};

async function products(): Promise<ProductJson[]> {
  const response = await t.app.inject({
    method: 'GET',
    url: '/v1/credit/staff/products',
    headers: finance.headers,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items;
}

const everyday = async () => (await products()).find((p) => p.id === 'everyday-credit')!;
const publish = (user: TestUser, config: unknown, id = 'everyday-credit') =>
  post(t, user, `/v1/credit/staff/products/${id}/versions`, { config });

beforeAll(async () => {
  t = await openTestApp();
  operations = await staffMember(t, ['operations']);
  finance = await staffMember(t, ['finance']);
  before = await customerWithLine(t);
});
afterAll(() => t.close());

it('shows each product at its current version with its billing settings', async () => {
  const product = await everyday();
  expect(product.version).toBe(1);
  expect(product.minLimit).toEqual(cny('500.00'));
  expect(product.maxLimit).toEqual(cny('50000.00'));
  expect(product.instalmentFees).toEqual({ '3': '0.025', '6': '0.045', '12': '0.088' });
  expect(product.billing).toMatchObject({
    statementDay: 1,
    graceDays: 9,
    minPaymentRate: '0.10',
    penaltyDailyRate: '0.0005',
    fundingCostRate: '0.04',
  });
});

it('publishes a new version that new lines take while a line granted before keeps its own', async () => {
  const response = await publish(operations, {
    maxLimit: cny('60000.00'),
    instalmentFees: { '3': '0.03', '6': '0.05' },
    billing: { graceDays: 12, reminderDays: [1, 5] },
  });
  expect(response.statusCode, response.body).toBe(201);
  const v2 = response.json() as ProductJson;
  expect(v2.version).toBe(2);
  // What was given changed; what was not is carried over from version 1.
  expect(v2.maxLimit).toEqual(cny('60000.00'));
  expect(v2.minLimit).toEqual(cny('500.00'));
  expect(v2.instalmentFees).toEqual({ '3': '0.03', '6': '0.05' });
  expect(v2.billing).toMatchObject({ graceDays: 12, statementDay: 1, reminderDays: [5, 1] });
  expect(await everyday()).toEqual(v2);

  const audit = await sql<{ action: string; actor_id: string }>`
    select action, actor_id from audit_log where subject_id = 'everyday-credit@2'`.execute(t.platform.db);
  expect(audit.rows).toEqual([{ action: 'credit.product.published', actor_id: operations.userId }]);

  const after = await customerWithLine(t);
  expect(after.line.productVersion).toBe(2);
  expect(after.line.pricing.instalments.map((i) => [i.months, i.feeRate])).toEqual([
    [3, '0.03'],
    [6, '0.05'],
  ]);
  const old = await t.platform.credit.line(before.line.id);
  expect(old.productVersion).toBe(1);
  expect(old.feeTable).toEqual({ '3': '0.025', '6': '0.045', '12': '0.088' });
});

it('refuses settings out of order or past the caps, and writes nothing', async () => {
  const refusals: [unknown, string][] = [
    [{ minLimit: cny('70000.00') }, 'product_bounds_unordered'],
    [{ minDraw: cny('600.00') }, 'product_bounds_unordered'],
    [{ dailyRate: '0.0007' }, 'product_rate_above_cap'],
    // 0.0007 a day is 25.55% a year, past the 24% cap.
    [{ dailyRate: '0.0007', maxDailyRate: '0.0007' }, 'product_rate_above_cap'],
    // 30% of the amount over 12 months costs far more than 24% a year by IRR.
    [{ instalmentFees: { '12': '0.30' } }, 'product_rate_above_cap'],
    [{ billing: { statementDay: 20, statementDayMax: 15 } }, 'product_bounds_unordered'],
    [{ billing: { graceDaysMin: 10, graceDays: 8 } }, 'product_bounds_unordered'],
    [{ billing: { penaltyDailyRate: '0.001' } }, 'product_rate_above_cap'],
    [{ billing: { minPaymentRate: '0' } }, 'product_rate_out_of_range'],
    [{ billing: { drawMethods: ['monthly_magic'] } }, 'product_field_out_of_range'],
    [{ billing: { reminderDays: [25] } }, 'product_field_out_of_range'],
  ];
  for (const [config, code] of refusals) {
    const response = await publish(operations, config);
    expect(response.statusCode, JSON.stringify(config)).toBe(400);
    expect(response.json().error.code, JSON.stringify(config)).toBe(code);
  }
  // Malformed at the edge: a fee table key that is no instalment count, a grace of 30 days.
  for (const config of [{ instalmentFees: { '9': '0.03' } }, { billing: { graceDays: 30 } }]) {
    const response = await publish(operations, config);
    expect(response.statusCode, JSON.stringify(config)).toBe(400);
    expect(response.json().error.code).toBeTruthy();
  }
  expect((await everyday()).version).toBe(2);
});

it('lets only credit managers publish, and only versions of a product that exists', async () => {
  const asFinance = await publish(finance, { dailyRate: '0.0002' });
  expect(asFinance.statusCode).toBe(403);
  const unknown = await publish(operations, { dailyRate: '0.0002' }, 'no-such-product');
  expect(unknown.statusCode).toBe(404);
  expect(unknown.json().error.code).toBe('line_product_not_found');
  // Two at once: each gets a version of its own.
  const both = await Promise.all([
    publish(operations, { dailyRate: '0.0002' }),
    publish(operations, { reviewMonths: 3 }),
  ]);
  expect(both.map((r) => r.statusCode)).toEqual([201, 201]);
  expect(both.map((r) => r.json().version).sort()).toEqual([3, 4]);
  const latest = await everyday();
  expect(latest.version).toBe(4);
});
