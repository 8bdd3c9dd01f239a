import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlainDate } from '../../src/kernel/index.ts';
import { wealthAccount } from '../../src/wealth/index.ts';
import { closeTo } from '../support/batch.ts';
import { investor } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';
import {
  buy,
  creditBalance,
  fixedTerms,
  minor,
  type OpsTeam,
  opsTeam,
  positions,
  publishFixed,
  staffPost,
  walletCents,
} from '../support/wealth-fixed.ts';

/**
 * A fixed-term product that misses its minimum: 2,023.57 raised of 100,000.00 by three purchases
 * with cents in them. The close of the last raising day cancels the raise and refunds every
 * purchase to its wallet to the cent, that same business date; nobody gets a holding; the product
 * may then close.
 */
describe('fixed-term: a raise that misses its minimum is refunded the same day', () => {
  let t: TestApp;
  let team: OpsTeam;
  let carol: TestUser;
  let dave: TestUser;
  let start: PlainDate;
  const balance = '5000.00';

  beforeAll(async () => {
    t = await openTestApp();
    start = await t.platform.batch.businessDate();
    team = await opsTeam(t);
    carol = await investor(t, balance);
    dave = await investor(t, balance);
  });
  afterAll(() => t?.close());

  it('refunds every purchase in the close of the last raising day', async () => {
    const terms = fixedTerms(start, {
      minTotal: '100000.00',
      minPurchase: '100.00',
      step: '0.01',
      perInvestorCap: '3000.00',
    });
    const product = await publishFixed(t, team, terms);
    const raiseEnd = terms.raiseEnd as PlainDate;
    for (const [who, amount] of [
      [carol, '1234.56'],
      [dave, '689.00'],
      [carol, '100.01'],
    ] as const) {
      const bought = await buy(t, who, product.id, amount);
      expect(bought.statusCode, bought.body).toBe(201);
    }
    expect(await walletCents(t, carol)).toBe(minor(balance) - minor('1334.57'));
    expect(await creditBalance(t, wealthAccount.raising(product.id))).toBe(minor('2023.57'));
    const early = await staffPost(t, team.writer, `/v1/wealth/ops/products/${product.id}/close`);
    expect([early.statusCode, early.json().error?.code]).toEqual([409, 'product_has_open_positions']);

    // The close before the last raising day decides nothing.
    await closeTo(t, start);
    expect(await creditBalance(t, wealthAccount.raising(product.id))).toBe(minor('2023.57'));

    await closeTo(t, raiseEnd);
    expect(await walletCents(t, carol)).toBe(minor(balance));
    expect(await walletCents(t, dave)).toBe(minor(balance));
    expect(await creditBalance(t, wealthAccount.raising(product.id))).toBe(0n);

    const [carols] = await positions(t, carol);
    expect(carols).toMatchObject({ raiseState: 'failed', holdingId: null, principal: { amount: '0.00' } });
    expect(carols!.purchases.map((p) => [p.amount.amount, p.status, p.settledOn]).sort()).toEqual([
      ['100.01', 'refunded', raiseEnd],
      ['1234.56', 'refunded', raiseEnd],
    ]);
    // Each refund is its own transfer of the purchase's amount, dated in the last raising day's close.
    const refunds = await sql<{ amount: bigint; code: number }>`
      select t.amount, t.code from wealth_fixed_purchases p join ledger_transfers t on t.id = p.refund_transfer_id
      where p.product_id = ${product.id} order by t.amount`.execute(t.platform.db);
    expect(refunds.rows.map((r) => [r.amount, r.code])).toEqual([
      [minor('100.01'), 1811],
      [minor('689.00'), 1811],
      [minor('1234.56'), 1811],
    ]);
    const holdings = await sql<{
      n: number;
    }>`select count(*)::int as n from wealth_holdings where product_id = ${product.id}`.execute(
      t.platform.db,
    );
    expect(holdings.rows[0]!.n).toBe(0);

    const offer = await t.app.inject({
      method: 'GET',
      url: `/v1/wealth/fixed/${product.id}`,
      headers: dave.headers,
    });
    expect(offer.json().raise).toMatchObject({
      state: 'failed',
      open: false,
      raised: { amount: '0.00' },
      decidedOn: raiseEnd,
    });
    const late = await buy(t, dave, product.id, '100.00');
    expect([late.statusCode, late.json().error?.code]).toEqual([422, 'raise_closed']);

    // A later close changes nothing; the product may close; the ledger verifies.
    await closeTo(t, terms.valueDate as string);
    expect(await walletCents(t, carol)).toBe(minor(balance));
    const closed = await staffPost(t, team.writer, `/v1/wealth/ops/products/${product.id}/close`);
    expect(closed.statusCode, closed.body).toBe(200);
    expect((await t.platform.ledger.verify()).problems).toEqual([]);
  });
});
