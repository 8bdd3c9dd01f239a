import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/kernel/index.ts';
import { openLendingApp } from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';

/**
 * Schedules checked against figures published by independent calculators and against closed-form
 * formulas worked here, through the CLI (`netfin loan schedule --json`) and the API
 * (`GET /v1/lending/schedule-preview`), which must agree.
 */
const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/netfin.js');
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [bin, 'loan', 'schedule', ...args], { cwd: root, encoding: 'utf8' });

let t: TestApp;
beforeAll(async () => {
  t = await openLendingApp();
});
afterAll(() => t.close());

type Preview = {
  installments: {
    period: number;
    dueDate: string;
    principal: string;
    interest: string;
    total: string;
    remainingPrincipal: string;
  }[];
  totalInterest: string;
  totalPayable: string;
  apr: string;
};

async function preview(query: Record<string, string>): Promise<Preview> {
  const response = await t.app.inject({
    method: 'GET',
    url: `/v1/lending/schedule-preview?${new URLSearchParams(query)}`,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

describe('repayment schedules against independent figures', () => {
  it('10,000.00 at 12% over 12 months: 888.49 a month, as bank calculators publish; CLI and API agree', async () => {
    const run = cli(
      '--principal',
      '10000.00',
      '--annual-rate',
      '0.12',
      '--term',
      '12',
      '--method',
      'equal_installment',
      '--start',
      '2025-01-15',
      '--json',
    );
    expect(run.status, run.stderr).toBe(0);
    const fromCli = JSON.parse(run.stdout) as Preview;
    expect(Object.keys(fromCli).sort()).toEqual(['apr', 'installments', 'totalInterest', 'totalPayable']);
    expect(Object.keys(fromCli.installments[0]!).sort()).toEqual([
      'dueDate',
      'interest',
      'period',
      'principal',
      'remainingPrincipal',
      'total',
    ]);
    expect(fromCli.installments.slice(0, 11).every((i) => i.total === '888.49')).toBe(true);
    const fromApi = await preview({
      principal: '10000.00',
      annualRate: '0.12',
      term: '12',
      method: 'equal_installment',
      start: '2025-01-15',
    });
    expect(fromApi).toEqual(fromCli);
    const sum = fromCli.installments.reduce((a, i) => a.plus(i.principal), new Decimal(0));
    expect(sum.toFixed(2)).toBe('10000.00');
  });

  it('200,000.00 at 6% over 30 years: 1,199.10 a month, the textbook mortgage figure', async () => {
    const p = await preview({
      principal: '200000.00',
      annualRate: '0.06',
      term: '360',
      method: 'equal_installment',
      start: '2025-01-01',
    });
    expect(p.installments[0]!.total).toBe('1199.10');
    expect(p.installments[0]!.interest).toBe('1000.00');
    expect(p.installments).toHaveLength(360);
    // The closed form with the unrounded payment, 360 × 1,199.101050 − 200,000 = 231,676.38; rounding the
    // payment to the cent leaves a little principal each month, which the last payment (1,200.14) makes up.
    const r = new Decimal('0.005');
    const exact = new Decimal(200000).times(r).div(new Decimal(1).minus(r.plus(1).pow(-360)));
    const closedForm = exact.times(360).minus(200000);
    expect(new Decimal(p.totalInterest).minus(closedForm).abs().lte('1.00')).toBe(true);
    expect(p.installments[359]!.total).toBe('1200.14');
  });

  it('equal principal: interest totals P·r·(n+1)/2 exactly when every period rounds evenly', async () => {
    const p = await preview({
      principal: '12000.00',
      annualRate: '0.12',
      term: '12',
      method: 'equal_principal',
      start: '2025-03-10',
    });
    expect(p.installments[0]).toMatchObject({ principal: '1000.00', interest: '120.00', total: '1120.00' });
    expect(p.totalInterest).toBe(new Decimal(12000).times('0.01').times(13).div(2).toFixed(2)); // 780.00
  });

  it('clamps due dates to the month end and discloses an APR that a fee raises (checked by bisection here)', async () => {
    const p = await preview({
      principal: '10000.00',
      annualRate: '0.12',
      term: '12',
      method: 'equal_installment',
      start: '2024-01-31',
      upfrontFee: '300.00',
    });
    expect(p.installments.slice(0, 3).map((i) => i.dueDate)).toEqual([
      '2024-02-29',
      '2024-03-31',
      '2024-04-30',
    ]);
    // The monthly IRR on 9,700.00 received, found by bisection, × 12.
    const flows = p.installments.map((i) => new Decimal(i.total));
    const npv = (r: Decimal) =>
      flows.reduce((a, f, k) => a.plus(f.div(r.plus(1).pow(k + 1))), new Decimal(-9700));
    let lo = new Decimal(0);
    let hi = new Decimal('0.1');
    for (let k = 0; k < 80; k++) {
      const mid = lo.plus(hi).div(2);
      if (npv(mid).gt(0)) lo = mid;
      else hi = mid;
    }
    expect(new Decimal(p.apr).minus(lo.times(12)).abs().lt('0.000001')).toBe(true);
    expect(new Decimal(p.apr).gt('0.17')).toBe(true);
  });

  it('refuses bad input with a code, in the API and the CLI', async () => {
    const bad = await t.app.inject({
      method: 'GET',
      url: '/v1/lending/schedule-preview?principal=10000.001&annualRate=0.12&term=12&method=equal_installment',
    });
    expect(bad.statusCode).toBe(400);
    const days = await t.app.inject({
      method: 'GET',
      url: '/v1/lending/schedule-preview?principal=100.00&annualRate=0.12&term=30&termUnit=day&method=equal_installment',
    });
    expect(days.statusCode).toBe(422);
    expect(days.json().error.code).toBe('term_unit_needs_bullet');
    const run = cli(
      '--principal',
      'ten',
      '--annual-rate',
      '0.12',
      '--term',
      '12',
      '--method',
      'equal_installment',
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('amount_malformed');
  });
});
