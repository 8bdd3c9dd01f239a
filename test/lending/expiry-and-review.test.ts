import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PRODUCTS } from '../../src/lending/index.ts';
import {
  applyFor,
  bid,
  borrower,
  checkInvariants,
  cny,
  investor,
  openLendingApp,
  runTo,
  wallet,
} from '../support/lending.ts';
import { asAdmin, type TestApp } from '../support/platform.ts';

/**
 * A listing that expires unfilled releases every bid (流标); one nearly full is disbursed for what it
 * raised; a product that asks for second review (满标复审) waits for staff, who approve or reject.
 * Products are versioned, and a loan keeps its version.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openLendingApp();
});
afterAll(() => t.close());

const listingOf = async (loanId: string) =>
  (await t.app.inject({ method: 'GET', url: `/v1/lending/listings/${loanId}` })).json().loan;

describe('listings that expire, and second review', () => {
  it('releases every frozen bid when a listing expires unfilled', async () => {
    const b = await borrower(t);
    const { loanId } = await applyFor(t, b, { amount: cny('8000.00'), term: 6 });
    const [i1, i2] = [await investor(t), await investor(t)];
    expect((await bid(t, i1, loanId, '1000.00')).statusCode).toBe(201);
    expect((await bid(t, i2, loanId, '2000.00')).statusCode).toBe(201);
    expect((await wallet(t, i2)).frozen.amount).toBe('2000.00');
    const listing = await listingOf(loanId);
    await runTo(t, listing.expiresOn); // still open on its last day
    expect((await listingOf(loanId)).status).toBe('listing');
    const next = new Date(Date.parse(`${listing.expiresOn}T00:00:00Z`) + 86_400_000)
      .toISOString()
      .slice(0, 10);
    const days = await runTo(t, next);
    expect(days.at(-1)).toMatchObject({ listingsExpired: 1 });
    expect((await listingOf(loanId)).status).toBe('failed');
    for (const person of [i1, i2]) {
      const w = await wallet(t, person);
      expect(w.frozen.amount).toBe('0.00');
      expect(w.balance.amount).toBe('100000.00');
    }
    const late = await bid(t, i1, loanId, '100.00');
    expect(late.statusCode).toBe(409);
    await checkInvariants(t);
    // The borrower may apply again.
    await applyFor(t, b, { amount: cny('5000.00'), term: 6 });
  });

  it('disburses a listing 90% funded at expiry for what it raised', async () => {
    const b = await borrower(t);
    const { loanId } = await applyFor(t, b, { amount: cny('10000.00'), term: 6 });
    const [i1, i2] = [await investor(t), await investor(t)];
    await bid(t, i1, loanId, '5000.00');
    await bid(t, i2, loanId, '4000.00');
    const listing = await listingOf(loanId);
    const next = new Date(Date.parse(`${listing.expiresOn}T00:00:00Z`) + 86_400_000)
      .toISOString()
      .slice(0, 10);
    const days = await runTo(t, next);
    expect(days.at(-1)).toMatchObject({ listingsDisbursed: 1 });
    const loan = (
      await t.app.inject({ method: 'GET', url: `/v1/lending/loans/${loanId}`, headers: asAdmin })
    ).json();
    expect(loan.loan.status).toBe('active');
    expect(loan.loan.amount.amount).toBe('9000.00');
    expect(loan.principalOutstanding).toBe('9000.00');
    await checkInvariants(t);
  });

  it('holds a full listing for second review, then disburses on approval or releases on rejection', async () => {
    const config = {
      ...DEFAULT_PRODUCTS.personal!,
      name: 'Reviewed loan 复审借款',
      secondReview: true,
      autoInvestShare: '0',
    };
    const saved = await t.app.inject({
      method: 'PUT',
      url: '/v1/lending/products/reviewed',
      headers: asAdmin,
      payload: { config },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().version).toBe(1);
    const [b1, b2] = [await borrower(t), await borrower(t)];
    const first = await applyFor(t, b1, { productId: 'reviewed', amount: cny('2000.00'), term: 6 });
    const second = await applyFor(t, b2, { productId: 'reviewed', amount: cny('2000.00'), term: 6 });
    const [i1, i2] = [await investor(t), await investor(t)];
    for (const loanId of [first.loanId, second.loanId]) {
      expect((await bid(t, i1, loanId, '1000.00')).statusCode).toBe(201);
      const last = await bid(t, i2, loanId, '1000.00');
      expect(last.json().listingFull).toBe(true);
      expect((await listingOf(loanId)).status).toBe('full');
    }
    expect((await wallet(t, b1)).balance.amount).toBe('0.00');
    const approve = await t.app.inject({
      method: 'POST',
      url: `/v1/lending/loans/${first.loanId}/second-review`,
      headers: asAdmin,
      payload: { decision: 'approve' },
    });
    expect(approve.statusCode, approve.body).toBe(200);
    expect(approve.json().status).toBe('active');
    expect((await wallet(t, b1)).balance.amount).not.toBe('0.00');
    const reject = await t.app.inject({
      method: 'POST',
      url: `/v1/lending/loans/${second.loanId}/second-review`,
      headers: asAdmin,
      payload: { decision: 'reject', reason: 'income documents do not match' },
    });
    expect(reject.json().status).toBe('failed');
    expect((await wallet(t, i2)).frozen.amount).toBe('0.00');
    const again = await t.app.inject({
      method: 'POST',
      url: `/v1/lending/loans/${second.loanId}/second-review`,
      headers: asAdmin,
      payload: { decision: 'approve' },
    });
    expect(again.statusCode).toBe(409);
    const audit = await sql<{
      n: bigint;
    }>`select count(*)::bigint as n from audit_log where action in ('lending.disbursed', 'lending.full_rejected')`.execute(
      t.platform.db,
    );
    expect(audit.rows[0]!.n).toBe(2n);
    await checkInvariants(t);
  });

  it('versions products: a change makes version 2, loans keep the version they were made under', async () => {
    const before = (await t.app.inject({ method: 'GET', url: '/v1/lending/products/personal' })).json();
    const b = await borrower(t);
    const { body } = await applyFor(t, b, { amount: cny('3000.00'), term: 6 });
    expect(body.loan.product).toBe(`personal@${before.current.version}`);
    const changed = await t.app.inject({
      method: 'PUT',
      url: '/v1/lending/products/personal',
      headers: asAdmin,
      payload: { config: { ...before.current.config, lateFee: '30.00' } },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().version).toBe(before.current.version + 1);
    const loan = await listingOf(body.loan.id);
    expect(loan.product).toBe(`personal@${before.current.version}`);
    const bad = await t.app.inject({
      method: 'PUT',
      url: '/v1/lending/products/personal',
      headers: asAdmin,
      payload: { config: { ...before.current.config, minAmount: '5000.00', maxAmount: '1000.00' } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('product_invalid');
    const versions = (await t.app.inject({ method: 'GET', url: '/v1/lending/products/personal' })).json()
      .versions;
    expect(versions).toHaveLength(before.versions.length + 1);
  });
});
