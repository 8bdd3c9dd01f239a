import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFor, borrower, cny, investor, openLendingApp } from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';
import { acceptancesFor, as } from './contract-deal-support.ts';

/**
 * Auto-invest: saving a rule is the investor's acceptance of the loans it will fund (a mandate,
 * recorded with the rule's terms, the address and the browser); the bids it places later run
 * without the investor and record no acceptance of their own. A rule switched off mandates nothing.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openLendingApp();
});
afterAll(() => t.close());

const rule = (enabled: boolean) => ({
  enabled,
  grades: ['A', 'B', 'C', 'D', 'E', 'F'],
  minRate: '0.05',
  maxRate: '0.24',
  minTerm: 1,
  maxTerm: 36,
  amountPerLoan: cny('1000.00'),
  keepBalance: cny('0.00'),
  maxPerBorrower: cny('5000.00'),
});

describe('an auto-invest mandate', () => {
  it('is accepted when the rule is saved, and its bids record nothing more', async () => {
    const person = await investor(t, '50000.00');
    const saved = await t.app.inject({
      method: 'PUT',
      url: '/v1/me/auto-invest',
      headers: as(person, 'MandateBrowser/1'),
      remoteAddress: '10.44.0.1',
      payload: rule(true),
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const mandate = await acceptancesFor(t, 'auto_invest_mandate', person.userId);
    expect(mandate.map((a) => [a.user_id, a.role, a.ip, a.user_agent])).toEqual([
      [person.userId, 'lender', '10.44.0.1', 'MandateBrowser/1'],
    ]);

    const { loanId } = await applyFor(t, await borrower(t), { amount: cny('2000.00'), term: 6 });
    const auto = await sql<{ investor_id: string }>`
      select investor_id from loan_bids where loan_id = ${loanId}::uuid and source = 'auto'`.execute(
      t.platform.db,
    );
    expect(auto.rows.map((r) => r.investor_id)).toEqual([person.userId]);
    // Only the borrower accepted this loan's terms; the auto bid stands on the mandate.
    expect((await acceptancesFor(t, 'loan', loanId)).map((a) => a.role)).toEqual(['borrower']);

    const off = await t.app.inject({
      method: 'PUT',
      url: '/v1/me/auto-invest',
      headers: as(person, 'MandateBrowser/1'),
      payload: rule(false),
    });
    expect(off.statusCode, off.body).toBe(200);
    expect(await acceptancesFor(t, 'auto_invest_mandate', person.userId)).toHaveLength(1);
  });
});
