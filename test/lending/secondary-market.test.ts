import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, Decimal, type PlainDate } from '../../src/kernel/index.ts';
import {
  checkInvariants,
  cny,
  fund,
  fundedLoan,
  goTo,
  investments,
  investor,
  loanOf,
  openLendingApp,
  runTo,
  wallet,
} from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';

/**
 * A note sold mid-life on the secondary market (债权转让): the rules on when it may be listed, the
 * price with the discount and the interest accrued since the last due date, the seller's fee, and
 * the next instalment reaching the buyer.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openLendingApp();
});
afterAll(() => t.close());

const post = (user: { headers: Record<string, string> }, url: string, payload: object = {}) =>
  t.app.inject({ method: 'POST', url, headers: user.headers, payload });

describe('the secondary market', () => {
  it('sells part of a note at a discount with accrued interest, and pays the buyer the next instalment', async () => {
    const { loanId, borrower, investors } = await fundedLoan(t, {
      amount: '12000.00',
      term: 12,
      investors: 3,
    });
    await fund(t, borrower.userId, '3000.00');
    const [seller] = investors as [(typeof investors)[0]];
    const note = (await investments(t, seller)).notes[0];
    const plan = await loanOf(t, borrower, loanId);

    // Held too briefly (30 days are required).
    const early = await post(seller, `/v1/me/notes/${note.noteId}/listings`, { discountRate: '0.02' });
    expect(early.statusCode).toBe(422);
    expect(early.json().error.code).toBe('held_too_briefly');

    // After the first instalment, 10 days later: allowed.
    await runTo(t, plan.installments[0].dueDate);
    const listDay = addDays(plan.installments[0].dueDate as PlainDate, 10);
    goTo(t, listDay);
    const tooDeep = await post(seller, `/v1/me/notes/${note.noteId}/listings`, { discountRate: '0.06' });
    expect(tooDeep.json().error.code).toBe('discount_out_of_range');
    const held = new Decimal((await investments(t, seller)).notes[0].outstandingPrincipal);
    const tooMuch = await post(seller, `/v1/me/notes/${note.noteId}/listings`, {
      discountRate: '0.02',
      principal: cny(held.plus(1).toFixed(2)),
    });
    expect(tooMuch.json().error.code).toBe('principal_out_of_range');
    const listed = await post(seller, `/v1/me/notes/${note.noteId}/listings`, {
      discountRate: '0.02',
      principal: cny('1000.00'),
    });
    expect(listed.statusCode, listed.body).toBe(201);
    const twice = await post(seller, `/v1/me/notes/${note.noteId}/listings`, { discountRate: '0.01' });
    expect(twice.json().error.code).toBe('note_already_listed');

    const quote = (
      await t.app.inject({ method: 'GET', url: `/v1/lending/note-listings/${listed.json().id}` })
    ).json();
    const accrued = new Decimal(1000).times(plan.loan.annualRate).times(10).div(360).toDecimalPlaces(2);
    expect(quote).toMatchObject({ price: '980.00', accruedInterest: accrued.toFixed(2), sellerFee: '4.90' });
    expect(quote.total).toBe(accrued.plus(980).toFixed(2));
    expect(quote.remainingInstalments).toBe(11);

    // The market lists it with its loan's terms and today's price, and the buyer's yield to maturity:
    // the rate at which the buyer's share of the instalments to come, net of the investors' fee,
    // discounts back to what the buyer pays today.
    const market = (await t.app.inject({ method: 'GET', url: '/v1/lending/note-listings' })).json();
    const row = market.find((l: { id: string }) => l.id === listed.json().id);
    expect(row).toMatchObject({
      product: plan.loan.product,
      grade: plan.loan.grade,
      annualRate: plan.loan.annualRate,
      remainingInstalments: 11,
      maturityDate: plan.installments[11].dueDate,
      price: '980.00',
      total: quote.total,
      yieldToMaturity: quote.yieldToMaturity,
    });
    const product = (
      await t.app.inject({ method: 'GET', url: `/v1/lending/products/${plan.loan.product.split('@')[0]}` })
    ).json();
    // The market is public: it never tells who sells a note (nor the seller's note), only whether it
    // is the reader's own.
    const listingId = listed.json().id;
    for (const listing of [row, quote.listing]) {
      expect(listing).toMatchObject({ id: listingId, own: false });
      expect(listing).not.toHaveProperty('sellerId');
      expect(listing).not.toHaveProperty('buyerId');
      expect(listing).not.toHaveProperty('noteId');
      expect(JSON.stringify(listing)).not.toContain(seller.userId);
    }
    const asSeller = async (url: string) =>
      (await t.app.inject({ method: 'GET', url, headers: seller.headers })).json();
    const seen = (await asSeller('/v1/lending/note-listings')).find(
      (l: { id: string }) => l.id === listingId,
    );
    expect(seen).toMatchObject({ own: true });
    expect(seen).not.toHaveProperty('sellerId');
    expect((await asSeller(`/v1/lending/note-listings/${listingId}`)).listing).toMatchObject({ own: true });
    const [other] = investors.slice(1) as [(typeof investors)[0]];
    const othersView = (
      await t.app.inject({ method: 'GET', url: '/v1/lending/note-listings', headers: other.headers })
    ).json();
    expect(othersView.find((l: { id: string }) => l.id === listingId)).toMatchObject({ own: false });
    const keep = new Decimal(1).minus(product.current.config.investorServiceFeeRate);
    const toCome = plan.installments.slice(1) as { dueDate: string; principal: string; interest: string }[];
    const outstanding = toCome.reduce((sum, i) => sum.plus(i.principal), new Decimal(0));
    const ytm = new Decimal(quote.yieldToMaturity);
    const days = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 86_400_000;
    const npv = toCome.reduce(
      (sum, i) =>
        sum.plus(
          new Decimal(i.principal)
            .plus(new Decimal(i.interest).times(keep))
            .times(1000)
            .div(outstanding)
            .div(ytm.plus(1).pow(new Decimal(days(listDay, i.dueDate)).div(365))),
        ),
      new Decimal(quote.total).neg(),
    );
    // The yield takes the buyer's share of each instalment to the cent: at most a cent apart each.
    expect(npv.abs().toNumber()).toBeLessThan(0.01 * toCome.length);
    // Bought at a discount, the note yields more than a holder at par earns (the rate less the fee).
    expect(ytm.gt(new Decimal(plan.loan.annualRate).times(keep))).toBe(true);

    const buyer = await investor(t, '5000.00');
    expect((await post(seller, `/v1/lending/note-listings/${listed.json().id}/buy`)).json().error.code).toBe(
      'own_listing',
    );
    const sellerBefore = new Decimal((await wallet(t, seller)).balance.amount);
    const bought = await post(buyer, `/v1/lending/note-listings/${listed.json().id}/buy`);
    expect(bought.statusCode, bought.body).toBe(200);
    expect(bought.json().status).toBe('sold');
    expect((await wallet(t, buyer)).balance.amount).toBe(new Decimal(5000).minus(quote.total).toFixed(2));
    expect(new Decimal((await wallet(t, seller)).balance.amount).minus(sellerBefore).toFixed(2)).toBe(
      new Decimal(quote.total).minus('4.90').toFixed(2),
    );
    const sold = await post(buyer, `/v1/lending/note-listings/${listed.json().id}/buy`);
    expect(sold.statusCode).toBe(409);
    const buyerNotes = (await investments(t, buyer)).notes;
    expect(buyerNotes).toHaveLength(1);
    expect(buyerNotes[0]).toMatchObject({ origin: 'purchase', outstandingPrincipal: '1000.00' });
    expect((await investments(t, seller)).notes[0].outstandingPrincipal).toBe(held.minus(1000).toFixed(2));
    await checkInvariants(t);

    // Within 3 days of the next due date: no new listings.
    goTo(t, addDays(plan.installments[1].dueDate as PlainDate, -2));
    const blackout = await post(seller, `/v1/me/notes/${note.noteId}/listings`, { discountRate: '0' });
    expect(blackout.json().error.code).toBe('too_close_to_due_date');

    // The second instalment: the buyer receives a full period's interest on the 1,000.00 (less the fee).
    const buyerBefore = new Decimal((await wallet(t, buyer)).balance.amount);
    await runTo(t, plan.installments[1].dueDate);
    const statement = await investments(t, buyer);
    expect(new Decimal(statement.interestReceived).gt(0)).toBe(true);
    expect(new Decimal((await wallet(t, buyer)).balance.amount).gt(buyerBefore)).toBe(true);
    await checkInvariants(t);
  });

  it('withdraws a listing by the seller, and one nobody buys when it expires', async () => {
    const { loanId, borrower, investors } = await fundedLoan(t, {
      amount: '6000.00',
      term: 12,
      investors: 2,
    });
    await fund(t, borrower.userId, '2000.00');
    const plan = await loanOf(t, borrower, loanId);
    await runTo(t, plan.installments[0].dueDate);
    goTo(t, addDays(plan.installments[0].dueDate as PlainDate, 5));
    const [a, b] = investors as [(typeof investors)[0], (typeof investors)[0]];
    const noteA = (await investments(t, a)).notes[0].noteId;
    const noteB = (await investments(t, b)).notes[0].noteId;
    const la = (await post(a, `/v1/me/notes/${noteA}/listings`, { discountRate: '0.01' })).json();
    const lb = (await post(b, `/v1/me/notes/${noteB}/listings`, { discountRate: '0.01' })).json();
    const withdrawn = await post(a, `/v1/me/note-listings/${la.id}/withdraw`);
    expect(withdrawn.json().status).toBe('withdrawn');
    const notMine = await post(a, `/v1/me/note-listings/${lb.id}/withdraw`);
    expect(notMine.statusCode).toBe(404);
    await runTo(t, addDays(lb.expiresOn as PlainDate, 1));
    const open = (await t.app.inject({ method: 'GET', url: '/v1/lending/note-listings' })).json();
    expect(open.find((l: { id: string }) => l.id === lb.id)).toBeUndefined();
  });

  it('refuses a listing past its expiry before the lending day withdraws it, and cancels one the repayments overtook', async () => {
    const { loanId, borrower, investors } = await fundedLoan(t, {
      amount: '6000.00',
      term: 12,
      investors: 2,
    });
    await fund(t, borrower.userId, '3000.00');
    const plan = await loanOf(t, borrower, loanId);
    await runTo(t, plan.installments[0].dueDate);
    const [a, b] = investors as [(typeof investors)[0], (typeof investors)[0]];
    const noteA = (await investments(t, a)).notes[0].noteId;
    const noteB = (await investments(t, b)).notes[0].noteId;
    const buyer = await investor(t, '10000.00');

    // Listed 5 days after a due date, so its 7 days end before the next blackout; bought a day late.
    goTo(t, addDays(plan.installments[0].dueDate as PlainDate, 5));
    const late = (await post(a, `/v1/me/notes/${noteA}/listings`, { discountRate: '0.01' })).json();
    goTo(t, addDays(late.expiresOn as PlainDate, 1));
    const refused = await post(buyer, `/v1/lending/note-listings/${late.id}/buy`);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().error.code).toBe('note_listing_closed');

    // The whole of B's note listed 4 days before the next due date; the instalment is collected on
    // the due date and repays part of the principal listed, so the purchase is refused and the
    // listing cancelled for good.
    goTo(t, addDays(plan.installments[1].dueDate as PlainDate, -4));
    const whole = await post(b, `/v1/me/notes/${noteB}/listings`, { discountRate: '0' });
    expect(whole.statusCode, whole.body).toBe(201);
    await runTo(t, plan.installments[1].dueDate);
    const stale = await post(buyer, `/v1/lending/note-listings/${whole.json().id}/buy`);
    expect(stale.statusCode, stale.body).toBe(409);
    expect(stale.json().error.code).toBe('note_listing_stale');
    const after = (
      await t.app.inject({ method: 'GET', url: `/v1/lending/note-listings/${whole.json().id}` })
    ).json();
    expect(after.listing.status).toBe('cancelled');
    expect((await wallet(t, buyer)).balance.amount).toBe('10000.00');
    await checkInvariants(t);
  });
});
