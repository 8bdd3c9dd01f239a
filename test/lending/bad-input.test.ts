import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFor, borrower, cny, investor, openLendingApp } from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/** Bad input to the lending endpoints: a clear 4xx with a code, and nothing written. */
let t: TestApp;
let b: TestUser;
let inv: TestUser;
let loanId: string;
beforeAll(async () => {
  t = await openLendingApp();
  b = await borrower(t);
  inv = await investor(t);
  loanId = (await applyFor(t, b, { amount: cny('5000.00'), term: 6 })).loanId;
});
afterAll(() => t.close());

async function world(): Promise<string> {
  const rows = await sql<{ s: string }>`select concat_ws('|',
    (select count(*) from loan_applications), (select count(*) from loans), (select count(*) from loan_bids),
    (select count(*) from risk_decisions), (select count(*) from ledger_transfers), (select count(*) from note_listings),
    (select count(*) from auto_invest_rules)) as s`.execute(t.platform.db);
  return rows.rows[0]!.s;
}

const application = (overrides: Record<string, unknown>) => ({
  productId: 'personal',
  amount: cny('5000.00'),
  term: 6,
  method: 'equal_installment',
  purpose: 'education',
  monthlyIncome: cny('15000.00'),
  monthlyDebt: cny('0.00'),
  ...overrides,
});

// [what, method, url (with :loan), body, status, code]
const cases: [string, 'POST' | 'PUT' | 'GET', string, unknown, number, string][] = [
  [
    'a numeric amount',
    'POST',
    '/v1/lending/applications',
    application({ amount: 5000 }),
    400,
    'validation_failed',
  ],
  [
    'an over-precise amount',
    'POST',
    '/v1/lending/applications',
    application({ amount: cny('5000.001') }),
    400,
    'amount_too_precise',
  ],
  [
    'an unknown purpose',
    'POST',
    '/v1/lending/applications',
    application({ purpose: 'yacht' }),
    400,
    'validation_failed',
  ],
  [
    'an unknown product',
    'POST',
    '/v1/lending/applications',
    application({ productId: 'nope' }),
    404,
    'product_not_found',
  ],
  [
    'a term not offered',
    'POST',
    '/v1/lending/applications',
    application({ term: 7 }),
    422,
    'term_not_offered',
  ],
  [
    'an amount below the minimum',
    'POST',
    '/v1/lending/applications',
    application({ amount: cny('500.00') }),
    422,
    'amount_out_of_range',
  ],
  [
    'an amount off the step',
    'POST',
    '/v1/lending/applications',
    application({ amount: cny('5050.00') }),
    422,
    'amount_step',
  ],
  [
    'a method not offered',
    'POST',
    '/v1/lending/applications',
    application({ method: 'bullet' }),
    422,
    'method_not_offered',
  ],
  [
    'a second application while one is listed',
    'POST',
    '/v1/lending/applications',
    application({}),
    409,
    'application_in_progress',
  ],
  [
    'a bid of zero',
    'POST',
    '/v1/lending/listings/:loan/bids',
    { amount: cny('0.00') },
    400,
    'amount_must_be_positive',
  ],
  [
    'a bid in dollars',
    'POST',
    '/v1/lending/listings/:loan/bids',
    { amount: { amount: '100.00', currency: 'USD' } },
    422,
    'currency_not_supported',
  ],
  [
    'a bid on no listing',
    'POST',
    '/v1/lending/listings/00000000-0000-7000-8000-000000000000/bids',
    { amount: cny('100.00') },
    404,
    'loan_not_found',
  ],
  [
    'a bid on a malformed id',
    'POST',
    '/v1/lending/listings/abc/bids',
    { amount: cny('100.00') },
    400,
    'validation_failed',
  ],
  [
    'a bid with extra fields',
    'POST',
    '/v1/lending/listings/:loan/bids',
    { amount: cny('100.00'), boost: true },
    400,
    'validation_failed',
  ],
  [
    'a repayment on a listing',
    'POST',
    '/v1/me/loans/:loan/repayments',
    { mode: 'due' },
    409,
    'loan_not_active',
  ],
  [
    'an unknown repayment mode',
    'POST',
    '/v1/me/loans/:loan/repayments',
    { mode: 'all' },
    400,
    'validation_failed',
  ],
  [
    'a discount as a number',
    'POST',
    '/v1/me/notes/:loan/listings',
    { discountRate: 0.02 },
    400,
    'validation_failed',
  ],
  [
    'a note that is not mine',
    'POST',
    '/v1/me/notes/:loan/listings',
    { discountRate: '0.02' },
    404,
    'note_not_found',
  ],
  [
    'an auto-invest rule with min above max',
    'PUT',
    '/v1/me/auto-invest',
    {
      enabled: true,
      grades: ['A'],
      minRate: '0.20',
      maxRate: '0.10',
      minTerm: 1,
      maxTerm: 12,
      amountPerLoan: cny('100.00'),
      keepBalance: cny('0.00'),
      maxPerBorrower: cny('1000.00'),
    },
    400,
    'rate_range_invalid',
  ],
  [
    'a risk questionnaire with too few answers',
    'POST',
    '/v1/me/risk-assessment',
    { answers: [1, 2] },
    400,
    'answers_incomplete',
  ],
  [
    'an answer out of range',
    'POST',
    '/v1/me/risk-assessment',
    { answers: [1, 2, 3, 4, 5, 1, 1, 1] },
    400,
    'answer_out_of_range',
  ],
];

describe('bad input to the lending endpoints', () => {
  it.each(cases)('refuses %s', async (_what, method, url, body, status, code) => {
    const before = await world();
    const who =
      url.includes('/bids') ||
      url.includes('/notes/') ||
      url.includes('auto-invest') ||
      url.includes('risk-assessment')
        ? inv
        : b;
    const response = await t.app.inject({
      method,
      url: url.replace(':loan', loanId),
      headers: who.headers,
      remoteAddress: '10.99.0.1',
      ...(method === 'GET' ? {} : { payload: body as object }),
    });
    expect(response.statusCode, response.body).toBe(status);
    expect(response.json().error.code).toBe(code);
    expect(response.body).not.toContain('    at ');
    // The one exception: the risk engine logs every decision it makes (none here: checks come first).
    expect(await world()).toBe(before);
  });
});
