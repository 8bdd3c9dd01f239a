import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, type PlainDate } from '../../src/kernel/index.ts';
import { staffMember } from '../support/credit.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';
import { fixedTerms, nextCode, staffPost } from '../support/wealth-fixed.ts';

/**
 * Bad fixed-term terms and bad product fields are refused with a code (400 for a malformed
 * document, 422 for inconsistent terms), and nothing is written; an edit with bad terms leaves the
 * draft as it was.
 */
describe('wealth products: bad terms refused', () => {
  let t: TestApp;
  let ops: TestUser;
  let today: PlainDate;

  beforeAll(async () => {
    t = await openTestApp();
    ops = await staffMember(t, ['operations']);
    today = await t.platform.batch.businessDate();
  });
  afterAll(() => t?.close());

  const draft = (terms: Record<string, unknown>, fields: Record<string, unknown> = {}) => ({
    code: nextCode(),
    kind: 'fixed_term',
    nameZh: '定期',
    nameEn: 'Fixed',
    riskLevel: 2,
    terms,
    ...fields,
  });

  it('refuses each inconsistency with its own code and writes nothing', async () => {
    const base = () => fixedTerms(today);
    const withoutRate = base();
    delete withoutRate.annualRate;
    const cases: Array<[string, Record<string, unknown>, number, string]> = [
      ['missing field', withoutRate, 400, 'terms_malformed'],
      ['unknown field', { ...base(), bonus: '1' }, 400, 'terms_malformed'],
      ['rate not a decimal', { ...base(), annualRate: '4%' }, 400, 'terms_malformed'],
      ['rate as a number', { ...base(), annualRate: 0.04 }, 400, 'terms_malformed'],
      ['unknown day count', { ...base(), dayCount: 'actual/366' }, 400, 'terms_malformed'],
      ['date malformed', { ...base(), raiseStart: '2026-02-30' }, 400, 'terms_malformed'],
      ['amount too precise', { ...base(), minPurchase: '1000.001' }, 400, 'terms_malformed'],
      ['zero rate', { ...base(), annualRate: '0' }, 422, 'terms_rate_out_of_range'],
      ['rate above 100%', { ...base(), annualRate: '1.5' }, 422, 'terms_rate_out_of_range'],
      ['zero step', { ...base(), step: '0.00' }, 422, 'terms_amount_not_positive'],
      ['amount too large', { ...base(), maxTotal: '92233720368547758.07' }, 422, 'terms_amount_too_large'],
      [
        'raise ends before it starts',
        { ...base(), raiseEnd: addDays(today, -1) },
        422,
        'terms_dates_out_of_order',
      ],
      [
        'value date not after raising',
        { ...base(), valueDate: (base() as { raiseEnd: string }).raiseEnd },
        422,
        'terms_dates_out_of_order',
      ],
      [
        'maturity on the value date',
        { ...base(), maturityDate: (base() as { valueDate: string }).valueDate },
        422,
        'terms_dates_out_of_order',
      ],
      ['maximum below minimum', { ...base(), maxTotal: '10000.00' }, 422, 'terms_caps_inconsistent'],
      ['cap below minimum purchase', { ...base(), perInvestorCap: '500.00' }, 422, 'terms_caps_inconsistent'],
      ['cap above maximum', { ...base(), perInvestorCap: '200000.00' }, 422, 'terms_caps_inconsistent'],
      [
        'early rate not reduced',
        { ...base(), earlyRedemption: { mode: 'reduced_rate', rate: '0.0385' } },
        422,
        'terms_early_rate_not_reduced',
      ],
      [
        'early fee of 100%',
        { ...base(), earlyRedemption: { mode: 'fee', feeRate: '1' } },
        422,
        'terms_early_fee_out_of_range',
      ],
      ['early mode unknown', { ...base(), earlyRedemption: { mode: 'waived' } }, 400, 'terms_malformed'],
      ['raise already over', fixedTerms(addDays(today, -5)), 422, 'terms_raise_over'],
      [
        'term over ten years',
        { ...base(), maturityDate: addDays((base() as { valueDate: PlainDate }).valueDate, 3661) },
        422,
        'terms_term_too_long',
      ],
    ];
    for (const [what, terms, status, code] of cases) {
      const response = await staffPost(t, ops, '/v1/wealth/ops/products', draft(terms));
      expect([what, response.statusCode, response.json().error?.code]).toEqual([what, status, code]);
    }
    const fields: Array<[string, Record<string, unknown>, string]> = [
      ['risk level 6', { riskLevel: 6 }, 'validation_failed'],
      ['lower-case code', { code: 'fixed-1' }, 'product_code_invalid'],
      ['empty name', { nameEn: '  ' }, 'validation_failed'],
      ['unknown kind', { kind: 'crypto' }, 'validation_failed'],
      ['terms not an object', { terms: ['a'] }, 'validation_failed'],
    ];
    for (const [what, extra, code] of fields) {
      const response = await staffPost(t, ops, '/v1/wealth/ops/products', draft(fixedTerms(today), extra));
      expect([what, response.statusCode]).toEqual([what, 400]);
      if (code !== 'validation_failed') expect(response.json().error.code).toBe(code);
    }
    const count = await sql<{
      n: number;
    }>`select count(*)::int as n from wealth_products where kind = 'fixed_term'`.execute(t.platform.db);
    expect(count.rows[0]!.n).toBe(0);
  });

  it('leaves a draft unchanged when an edit brings bad terms', async () => {
    const created = await staffPost(t, ops, '/v1/wealth/ops/products', draft(fixedTerms(today)));
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    const edit = await t.app.inject({
      method: 'PUT',
      url: `/v1/wealth/ops/products/${id}`,
      headers: ops.headers,
      payload: { terms: { ...fixedTerms(today), minTotal: '200000.00' } },
    });
    expect([edit.statusCode, edit.json().error?.code]).toEqual([422, 'terms_caps_inconsistent']);
    const after = await t.app.inject({
      method: 'GET',
      url: `/v1/wealth/ops/products/${id}`,
      headers: ops.headers,
    });
    expect(after.json()).toMatchObject({ terms: { minTotal: '20000.00' }, editedBy: [] });
  });
});
