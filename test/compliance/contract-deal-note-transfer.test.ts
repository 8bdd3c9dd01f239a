import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, type PlainDate } from '../../src/kernel/index.ts';
import {
  cny,
  fund,
  fundedLoan,
  goTo,
  investments,
  investor,
  loanOf,
  openLendingApp,
  runTo,
} from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';
import { acceptancesFor, as, contractOf, contractsFor, myContracts } from './contract-deal-support.ts';

/**
 * A note sold on the secondary market: listing it is the seller's acceptance, buying it the buyer's;
 * the sale issues a note-transfer contract with seller, buyer and platform as parties and the sale's
 * terms (principal, price, discount, fee), which both parties see among their contracts.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openLendingApp();
});
afterAll(() => t.close());

describe('a note transfer contract', () => {
  it('is issued at the sale, with the seller and the buyer as parties and both acceptances', async () => {
    const { loanId, borrower, investors } = await fundedLoan(t, { amount: '6000.00', term: 6, investors: 2 });
    await fund(t, borrower.userId, '2000.00');
    const seller = investors[0]!;
    const note = (await investments(t, seller)).notes[0];
    const plan = await loanOf(t, borrower, loanId);
    await runTo(t, plan.installments[0].dueDate);
    goTo(t, addDays(plan.installments[0].dueDate as PlainDate, 10));

    const listed = await t.app.inject({
      method: 'POST',
      url: `/v1/me/notes/${note.noteId}/listings`,
      headers: as(seller, 'SellerBrowser/2'),
      remoteAddress: '10.66.0.1',
      payload: { discountRate: '0.02', principal: cny('1000.00') },
    });
    expect(listed.statusCode, listed.body).toBe(201);
    const listingId: string = listed.json().id;
    // Listed, not yet sold: the seller has accepted, and there is no contract yet.
    expect(await contractsFor(t, 'note_transfer', listingId)).toEqual([]);
    expect((await acceptancesFor(t, 'note_transfer', listingId)).map((a) => a.role)).toEqual(['seller']);

    const buyer = await investor(t, '5000.00');
    const bought = await t.app.inject({
      method: 'POST',
      url: `/v1/lending/note-listings/${listingId}/buy`,
      headers: as(buyer, 'BuyerBrowser/3'),
      remoteAddress: '10.66.0.2',
      payload: {},
    });
    expect(bought.statusCode, bought.body).toBe(200);

    const contracts = await contractsFor(t, 'note_transfer', listingId);
    expect(contracts).toHaveLength(1);
    expect(contracts[0]!.kind).toBe('note_transfer');
    expect(contracts[0]!.parties.map((p) => `${p.role}:${p.userId}`).sort()).toEqual(
      [`seller:${seller.userId}`, `buyer:${buyer.userId}`, 'platform:null'].sort(),
    );
    expect(
      (await acceptancesFor(t, 'note_transfer', listingId)).map((a) => [
        a.user_id,
        a.role,
        a.ip,
        a.user_agent,
      ]),
    ).toEqual([
      [seller.userId, 'seller', '10.66.0.1', 'SellerBrowser/2'],
      [buyer.userId, 'buyer', '10.66.0.2', 'BuyerBrowser/3'],
    ]);

    const view = await contractOf(t, buyer.headers, contracts[0]!.id);
    expect(view.statusCode, view.body).toBe(200);
    const sale = bought.json();
    expect(view.json().terms).toMatchObject({
      noteId: note.noteId,
      loanId,
      principal: '1000.00',
      price: sale.price,
      fee: sale.sellerFee,
      currency: 'CNY',
    });
    for (const party of [seller, buyer])
      expect((await myContracts(t, party)).map((c) => c.id)).toContain(contracts[0]!.id);
    // The borrower is no party to the sale of a note of their loan.
    expect((await contractOf(t, borrower.headers, contracts[0]!.id)).statusCode).toBe(404);
  });
});
