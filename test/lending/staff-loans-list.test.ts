import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyFor,
  bid,
  borrower,
  cny,
  drain,
  fundedLoan,
  investor,
  openLendingApp,
  resetBorrowerSequence,
  runTo,
} from '../support/lending.ts';
import { asAdmin, type TestApp } from '../support/platform.ts';
import { signUp } from '../support/users.ts';

/**
 * The staff list of loans over a small book made through the services, its figures known by
 * construction. On 2026-01-05 (the test clock's first day):
 * - the payer: 6,000.00 over 3 months, 2 investors, the borrower keeps the money and pays on time;
 * - the defaulter: 3,000.00 over 3 months, 3 investors, pays nothing: due 2026-02-05, 33 days past
 *   due on 2026-03-10 (M2), its first instalment advanced by the reserve at 30 days;
 * - the short loan: 1,000.00 over 60 days (product short), two bids two hours apart (filled in
 *   7,200 s), pays nothing: due 2026-03-06, 4 days past due on 2026-03-10 (M1).
 * The lending day runs to 2026-03-10; then a listing of 2,000.00 over 6 months opens with one bid
 * of 500.00 (1 investor, not full, not disbursed).
 */
let t: TestApp;
const ids: Record<'payer' | 'defaulter' | 'short' | 'listing', string> = {
  payer: '',
  defaulter: '',
  short: '',
  listing: '',
};
type Item = Record<string, any>;

async function list(query: string, headers: Record<string, string> = asAdmin) {
  return t.app.inject({ method: 'GET', url: `/v1/lending/staff/loans${query}`, headers });
}
async function idsOf(query: string): Promise<string[]> {
  const response = await list(query);
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json();
  expect(body.total, query).toBe(body.items.length);
  return (body.items as Item[]).map((i) => i.id).sort();
}
const sorted = (...names: (keyof typeof ids)[]) => names.map((n) => ids[n]).sort();

beforeAll(async () => {
  t = await openLendingApp();
  resetBorrowerSequence();
  const funded = await t.app.inject({
    method: 'POST',
    url: '/v1/lending/reserve/fund',
    headers: asAdmin,
    payload: { amount: cny('50000.00') },
  });
  expect(funded.statusCode, funded.body).toBe(204);
  ids.payer = (
    await fundedLoan(t, { amount: '6000.00', term: 3, investors: 2, borrowerBalance: '1500.00' })
  ).loanId;
  const defaulter = await fundedLoan(t, { amount: '3000.00', term: 3, investors: 3 });
  ids.defaulter = defaulter.loanId;
  await drain(t, defaulter.borrower.userId);
  const shortBorrower = await borrower(t);
  const people = [await investor(t), await investor(t)];
  const short = await applyFor(t, shortBorrower, {
    productId: 'short',
    amount: cny('1000.00'),
    term: 60,
    method: 'bullet',
  });
  ids.short = short.loanId;
  expect((await bid(t, people[0]!, ids.short, '500.00')).statusCode).toBe(201);
  t.clock.advanceMs(2 * 3_600_000);
  expect((await bid(t, people[1]!, ids.short, '500.00')).statusCode).toBe(201);
  await drain(t, shortBorrower.userId);
  await runTo(t, '2026-03-10');
  const listingBorrower = await borrower(t);
  ids.listing = (await applyFor(t, listingBorrower, { amount: cny('2000.00'), term: 6 })).loanId;
  expect((await bid(t, people[0]!, ids.listing, '500.00')).statusCode).toBe(201);
}, 180_000);
afterAll(() => t?.close());

describe('the staff list of loans', () => {
  it('shows each loan with its figures, the borrower masked', async () => {
    const response = await list('');
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ total: 4, totalCapped: false, next: null });
    const by = new Map((body.items as Item[]).map((i) => [i.id, i]));
    expect(by.get(ids.defaulter)).toMatchObject({
      status: 'active',
      amount: { amount: '3000.00', currency: 'CNY' },
      principalOutstanding: { amount: '3000.00', currency: 'CNY' },
      term: 3,
      termUnit: 'month',
      startDate: '2026-01-05',
      dpd: 33,
      bucket: 'M2',
      investors: 3,
      advanced: true,
      borrower: { name: '王*' },
    });
    expect(by.get(ids.short)).toMatchObject({
      product: 'short@1',
      termUnit: 'day',
      principalOutstanding: { amount: '1000.00' },
      dpd: 4,
      bucket: 'M1',
      investors: 2,
      fillSeconds: 7200,
      advanced: false,
    });
    const payer = by.get(ids.payer)!;
    expect(payer).toMatchObject({ dpd: 0, bucket: 'current', investors: 2, advanced: false });
    // Two instalments paid: less than the amount, more than a third of it.
    expect(Number(payer.principalOutstanding.amount)).toBeLessThan(6000);
    expect(Number(payer.principalOutstanding.amount)).toBeGreaterThan(1900);
    expect(by.get(ids.listing)).toMatchObject({
      status: 'listing',
      startDate: null,
      principalOutstanding: null,
      investors: 1,
      fillSeconds: null,
    });
    // Newest first.
    expect((body.items as Item[])[0]!.id).toBe(ids.listing);
    // Nothing personal: the real name and ID numbers never appear.
    expect(response.body).not.toContain('王五');
    expect(response.body).not.toMatch(/\d{17}[\dX]/);
  });

  it('filters by each field, as counted by hand', async () => {
    expect(await idsOf('?status=active')).toEqual(sorted('payer', 'defaulter', 'short'));
    expect(await idsOf('?status=listing,repaid')).toEqual(sorted('listing'));
    expect(await idsOf('?product=short')).toEqual(sorted('short'));
    expect(await idsOf('?product=personal')).toEqual(sorted('payer', 'defaulter', 'listing'));
    expect(await idsOf('?vintage=2026-01')).toEqual(sorted('payer', 'defaulter', 'short'));
    expect(await idsOf('?vintage=2026-03')).toEqual([]);
    expect(await idsOf('?bucket=M1')).toEqual(sorted('short'));
    expect(await idsOf('?bucket=M2')).toEqual(sorted('defaulter'));
    expect(await idsOf('?bucket=M1,M2')).toEqual(sorted('defaulter', 'short'));
    expect(await idsOf('?bucket=M3,M3%2B')).toEqual([]);
    expect(await idsOf('?bucket=current&status=active')).toEqual(sorted('payer'));
    expect(await idsOf('?minDpd=30')).toEqual(sorted('defaulter'));
    expect(await idsOf('?minDpd=4')).toEqual(sorted('defaulter', 'short'));
    expect(await idsOf('?advanced=true')).toEqual(sorted('defaulter'));
    expect(await idsOf('?advanced=false&status=active')).toEqual(sorted('payer', 'short'));
    expect(await idsOf('?disbursedFrom=2026-01-05&disbursedTo=2026-01-05')).toEqual(
      sorted('payer', 'defaulter', 'short'),
    );
    expect(await idsOf('?disbursedFrom=2026-01-06')).toEqual([]);
    expect(await idsOf('?listedFrom=2026-03-10&listedTo=2026-03-10')).toEqual(sorted('listing'));
    expect(await idsOf('?listedTo=2026-01-05')).toEqual(sorted('payer', 'defaulter', 'short'));
    // The grade the risk decision gave the defaulter: every loan of it, and of no other.
    const all = (await list('')).json().items as Item[];
    const grade = all.find((i) => i.id === ids.defaulter)!.grade as string;
    expect(await idsOf(`?grade=${grade}`)).toEqual(
      all
        .filter((i) => i.grade === grade)
        .map((i) => i.id)
        .sort(),
    );
    expect(await idsOf('?grade=Z9')).toEqual([]);
  });

  it('pages by a stable cursor, newest first, the total counted across pages', async () => {
    const first = (await list('?limit=3')).json();
    expect(first.items).toHaveLength(3);
    expect(first.total).toBe(4);
    expect(first.next).toBe(first.items[2].id);
    const second = (await list(`?limit=3&after=${first.next}`)).json();
    expect(second.items).toHaveLength(1);
    expect(second.next).toBeNull();
    const pages = [...first.items, ...second.items].map((i: Item) => i.id);
    expect(pages).toEqual([...pages].sort().reverse());
    expect([...pages].sort()).toEqual(sorted('payer', 'defaulter', 'short', 'listing'));
  });

  it('exports the same rows as CSV', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/v1/lending/staff/loans.csv?bucket=M1,M2',
      headers: asAdmin,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toContain('text/csv');
    const lines = response.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^id,product,grade,amount,/);
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',')[0])
        .sort(),
    ).toEqual(sorted('defaulter', 'short'));
    expect(lines.find((l) => l.startsWith(ids.defaulter))).toContain(',3000.00,');
  });

  it('refuses a bad filter with a code, and a customer', async () => {
    for (const [query, code] of [
      ['?bucket=M9', 'bucket_unknown'],
      ['?status=open', 'status_unknown'],
      ['?vintage=2026-13', 'vintage_malformed'],
      ['?listedFrom=2026-02-30', 'date_malformed'],
      ['?minDpd=-1', 'min_dpd_malformed'],
      ['?after=not-a-cursor', 'cursor_malformed'],
    ] as const) {
      const response = await list(query);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code, query).toBe(code);
    }
    const customer = await signUp(t);
    expect((await list('', customer.headers)).statusCode).toBe(403);
  });
});
