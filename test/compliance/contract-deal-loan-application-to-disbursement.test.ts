import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { borrower, cny, investor, nextAddress, openLendingApp } from '../support/lending.ts';
import { asAdmin, type TestApp } from '../support/platform.ts';
import { signUp } from '../support/users.ts';
import {
  acceptancesFor,
  as,
  contractOf,
  contractsFor,
  myContracts,
  pdfOf,
  pdfText,
} from './contract-deal-support.ts';

/**
 * A loan from the borrower's application to its disbursement: the borrower accepts the offered terms
 * when applying and each investor the listing's terms when bidding, each with the address and the
 * browser they acted from; the disbursement issues exactly one contract, with the borrower, every
 * lender and the platform as parties and lending's own terms, which every party (and nobody else)
 * can read and download.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openLendingApp();
});
afterAll(() => t.close());

describe('a loan contract from application to disbursement', () => {
  it('records the acceptances, issues one contract to every party, and renders it in Chinese', async () => {
    const b = await borrower(t);
    const borrowerIp = nextAddress();
    const applied = await t.app.inject({
      method: 'POST',
      url: '/v1/lending/applications',
      headers: as(b, 'BorrowerBrowser/1.0'),
      remoteAddress: borrowerIp,
      payload: {
        productId: 'personal',
        amount: cny('10000.00'),
        term: 6,
        method: 'equal_installment',
        purpose: 'education',
        monthlyIncome: cny('15000.00'),
        monthlyDebt: cny('1000.00'),
        employmentYears: 6,
      },
    });
    expect(applied.statusCode, applied.body).toBe(201);
    expect(applied.json().decision.outcome).toBe('approve');
    const loanId: string = applied.json().loan.id;

    const investors = [await investor(t), await investor(t), await investor(t)];
    const ips = ['10.88.0.1', '10.88.0.2', '10.88.0.3'];
    for (const [i, person] of investors.entries()) {
      const response = await t.app.inject({
        method: 'POST',
        url: `/v1/lending/listings/${loanId}/bids`,
        headers: as(person, `InvestorBrowser/${i}`),
        remoteAddress: ips[i],
        payload: { amount: cny('3350.00') },
      });
      expect(response.statusCode, response.body).toBe(201);
    }
    const listing = await t.app.inject({ method: 'GET', url: `/v1/lending/listings/${loanId}` });
    expect(listing.json().loan.status).toBe('active');

    // Exactly one contract, its parties the borrower, each lender with their principal, the platform.
    const contracts = await contractsFor(t, 'loan', loanId);
    expect(contracts).toHaveLength(1);
    const contractId = contracts[0]!.id;
    const lending = await t.app.inject({
      method: 'GET',
      url: `/v1/lending/loans/${loanId}/contract`,
      headers: asAdmin,
    });
    expect(lending.statusCode, lending.body).toBe(200);
    const loanContract = lending.json();
    const staffView = await contractOf(t, asAdmin, contractId);
    expect(staffView.statusCode, staffView.body).toBe(200);
    const contract = staffView.json();
    expect(contract.number).toBe(loanContract.number);
    expect(contract.terms).toEqual(loanContract.terms);
    const parties = contracts[0]!.parties.map((p) => `${p.role}:${p.userId}`).sort();
    expect(parties).toEqual(
      [`borrower:${b.userId}`, ...investors.map((i) => `lender:${i.userId}`), 'platform:null'].sort(),
    );
    const lenderPrincipals = loanContract.parties.lenders
      .map((l: { principal: string }) => l.principal)
      .sort();
    expect(
      contract.parties
        .filter((p: { role: string }) => p.role === 'lender')
        .map((p: { principal: string }) => p.principal)
        .sort(),
    ).toEqual(lenderPrincipals);

    // The borrower's acceptance at application and each manual bidder's, with their ip and browser.
    const acceptances = await acceptancesFor(t, 'loan', loanId);
    const row = (a: (string | undefined | null)[]) => a.join(' ');
    expect(acceptances.map((a) => row([a.user_id, a.role, a.ip, a.user_agent])).sort()).toEqual(
      [
        row([b.userId, 'borrower', borrowerIp, 'BorrowerBrowser/1.0']),
        ...investors.map((person, i) => row([person.userId, 'lender', ips[i], `InvestorBrowser/${i}`])),
      ].sort(),
    );

    // Every party lists it and downloads it; a stranger is told it does not exist.
    for (const party of [b, ...investors]) {
      const mine = await myContracts(t, party);
      expect(mine.map((c) => c.id)).toContain(contractId);
      const pdf = await pdfOf(t, party.headers, contractId, 'en');
      expect(pdf.statusCode, pdf.body).toBe(200);
      expect(pdf.headers['content-type']).toContain('application/pdf');
    }
    const stranger = await signUp(t);
    expect(await myContracts(t, stranger)).toEqual([]);
    expect((await contractOf(t, stranger.headers, contractId)).statusCode).toBe(404);
    expect((await pdfOf(t, stranger.headers, contractId, 'zh')).statusCode).toBe(404);

    // The governing Chinese text names the borrower (their real name) and the amount.
    const zh = await pdfOf(t, b.headers, contractId, 'zh');
    expect(zh.statusCode).toBe(200);
    const text = await pdfText(zh.rawPayload);
    expect(text).toContain('王五');
    expect(text).toMatch(/10,?000\.00/);
  });
});
