import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSnapshots } from '../../src/batch/index.ts';
import type { PlainDate } from '../../src/kernel/index.ts';
import { asAdmin, openTestApp, type TestApp } from '../support/platform.ts';

/**
 * GET /v1/batch/snapshots shows each figure as what it is: an amount in major units with its
 * currency (not minor units with six zeros, "16284529.000000"), a count as a whole number, a ratio
 * exactly.
 */
describe('day-close snapshots: money in major units with its currency', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp();
  });
  afterAll(() => t?.close());

  it('gives amounts as exact yuan with CNY, counts as whole numbers and ratios with four places', async () => {
    const date = '2026-01-04' as PlainDate;
    await recordSnapshots(t.platform.db, date, [
      { metric: 'loans.outstanding_principal', dimension: 'M1', unit: 'money', value: 16_284_529n },
      { metric: 'loans.overdue_amount', dimension: 'M1', unit: 'money', value: -5n },
      { metric: 'loans.count', dimension: 'M1', unit: 'count', value: 12 },
      { metric: 'reserve.coverage', unit: 'ratio', value: '1.5' },
      { metric: 'reserve.balance', unit: 'money', value: 9_007_199_254_740_993n },
    ]);
    const response = await t.app.inject({
      method: 'GET',
      url: `/v1/batch/snapshots?from=${date}&to=${date}`,
      headers: asAdmin,
    });
    expect(response.statusCode, response.body).toBe(200);
    const byMetric = Object.fromEntries(
      (response.json().items as { metric: string }[]).map((i) => [i.metric, i]),
    );
    expect(byMetric['loans.outstanding_principal']).toEqual({
      businessDate: date,
      metric: 'loans.outstanding_principal',
      dimension: 'M1',
      unit: 'money',
      value: '162845.29',
      currency: 'CNY',
    });
    expect(byMetric['loans.overdue_amount']).toMatchObject({ value: '-0.05', currency: 'CNY' });
    // Beyond a float's exact integers, still exact.
    expect(byMetric['reserve.balance']).toMatchObject({ value: '90071992547409.93', currency: 'CNY' });
    expect(byMetric['loans.count']).toMatchObject({ unit: 'count', value: '12', currency: null });
    expect(byMetric['reserve.coverage']).toMatchObject({ unit: 'ratio', value: '1.5000', currency: null });
  });

  it('refuses to record a fractional amount or count', async () => {
    await expect(
      recordSnapshots(t.platform.db, '2026-01-04' as PlainDate, [
        { metric: 'loans.count', unit: 'count', value: '1.5' },
      ]),
    ).rejects.toThrow(/whole number/);
  });
});
