import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreditCode } from '../../src/credit/accounts.ts';
import { CrmCode } from '../../src/crm/index.ts';
import { csvCell } from '../../src/kernel/index.ts';
import { LendingCode } from '../../src/lending/index.ts';
import { kindOf, NAMED_CODES, TransferCode } from '../../src/payments/index.ts';
import { WealthCode } from '../../src/wealth/accounts.ts';
import { applyFor, bid, borrower, fund, investor, loanOf, minor, runTo, yuan } from '../support/lending.ts';
import { openPaymentsTestApp, type PaymentsTestApp } from '../support/platform.ts';
import { signUp, type TestUser, verifiedCustomer } from '../support/users.ts';

/**
 * The wallet statement (issue 22): every movement of a wallet's balance from the ledger, in words,
 * with its counterpart and the balance after it; filters, pages, CSV, and nobody else's wallet.
 */
let t: PaymentsTestApp;
beforeAll(async () => {
  t = await openPaymentsTestApp({ identity: { sessionTtlHours: 24 * 3650 } });
});
afterAll(() => t.close());

const cny = (amount: string) => ({ amount, currency: 'CNY' });
type Line = {
  id: string;
  createdAt: string;
  businessDate: string;
  kind: string;
  direction: 'in' | 'out';
  amount: { amount: string; currency: string };
  balanceAfter: { amount: string; currency: string };
  counterpart: { kind: string; name: string | null };
  reference: { type: string; id: string } | null;
};

const get = (user: { headers: Record<string, string> }, url: string) =>
  t.app.inject({ method: 'GET', url, headers: user.headers });
const post = (user: { headers: Record<string, string> }, url: string, payload: object) =>
  t.app.inject({ method: 'POST', url, headers: user.headers, payload });

/** Every line of a statement, walking the pages of `limit`, with the query given. */
async function allLines(user: TestUser, query = '', limit = 100): Promise<Line[]> {
  const lines: Line[] = [];
  let before: string | null = null;
  for (let i = 0; i < 200; i++) {
    const url = `/v1/me/wallet/statement?limit=${limit}${query}${before ? `&before=${before}` : ''}`;
    const response = await get(user, url);
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json() as { items: Line[]; nextBefore: string | null };
    expect(page.items.length).toBeLessThanOrEqual(limit);
    lines.push(...page.items);
    before = page.nextBefore;
    if (before === null) return lines;
  }
  throw new Error('the pages never end');
}

const signed = (line: Line) => (line.direction === 'in' ? 1n : -1n) * minor(line.amount.amount);

/** The statement's arithmetic: each balance after is the one before it plus the movement. */
function checkBalances(lines: Line[], balance: string) {
  const oldestFirst = [...lines].reverse();
  let running = 0n;
  for (const line of oldestFirst) {
    running += signed(line);
    expect(line.balanceAfter.amount, `balance after ${line.kind} ${line.id}`).toBe(yuan(running));
  }
  expect(yuan(running)).toBe(balance);
  expect(lines[0]?.balanceAfter.amount).toBe(balance);
}

async function balanceOf(user: TestUser): Promise<string> {
  return (await get(user, '/v1/me/wallet')).json().balance.amount;
}

describe('the wallet statement', () => {
  let alice: Awaited<ReturnType<typeof verifiedCustomer>>;
  let bob: TestUser;
  let shop: Awaited<ReturnType<typeof verifiedCustomer>>;
  let loanBorrower: TestUser;
  let loanId: string;

  beforeAll(async () => {
    alice = await verifiedCustomer(t);
    bob = await signUp(t);
    shop = await verifiedCustomer(t);
    // A top-up through the channel.
    const topUp = await post(alice, '/v1/me/top-ups', { amount: cny('20000.00'), cardId: alice.cardId });
    expect(topUp.statusCode, topUp.body).toBe(202);
    await t.waitFor(async () => (await balanceOf(alice)) === '20000.00', 'the top-up');
    // A transfer to a friend, and a merchant payment (its name made to look like a formula).
    expect(
      (await post(alice, '/v1/me/transfers', { toPhone: bob.phone, amount: cny('100.00') })).statusCode,
    ).toBe(201);
    expect((await post(shop, '/v1/merchants', { name: '=HYPERLINK("x") 街角咖啡' })).statusCode).toBe(201);
    const order = await post(shop, '/v1/merchant/orders', { amount: cny('38.00'), description: 'Lattes' });
    expect(order.statusCode, order.body).toBe(201);
    const paid = await post(alice, `/v1/pay/orders/${order.json().id}/wallet`, {});
    expect(paid.json().status).toBe('succeeded');
    // A withdrawal with its fee.
    await post(alice, '/v1/me/payment-password', {
      paymentPassword: '246810',
      accountPassword: alice.password,
    });
    const withdrawal = await post(alice, '/v1/me/withdrawals', {
      amount: cny('200.00'),
      cardId: alice.cardId,
      paymentPassword: '246810',
    });
    expect(withdrawal.statusCode, withdrawal.body).toBe(202);
    await t.waitFor(
      async () => (await get(alice, `/v1/me/orders/${withdrawal.json().id}`)).json().status === 'succeeded',
      'the payout',
    );
    // Money from somewhere the statement has no word for (a test's funding, code 1).
    await fund(t, alice.userId, '5.00');
    // An investment in a listing, disbursed, and its first instalment repaid to the investors.
    expect(
      (await post(alice, '/v1/me/risk-assessment', { answers: [4, 4, 4, 4, 4, 4, 4, 4] })).statusCode,
    ).toBe(200);
    loanBorrower = await borrower(t, '2000.00');
    loanId = (await applyFor(t, loanBorrower, { amount: cny('9000.00'), term: 6 })).loanId;
    expect((await bid(t, alice, loanId, '3000.00')).statusCode).toBe(201);
    for (let i = 0; i < 2; i++)
      expect((await bid(t, await investor(t), loanId, '3000.00')).statusCode).toBe(201);
    const listing = await t.app.inject({ method: 'GET', url: `/v1/lending/listings/${loanId}` });
    expect(listing.json().loan.status).toBe('active');
    const loan = await loanOf(t, loanBorrower, loanId);
    await runTo(t, loan.installments[0].dueDate);
    expect((await loanOf(t, loanBorrower, loanId)).installments[0].status).toBe('paid');
  });

  it('lists every movement with its kind, sign, counterpart and reference, and the balances add up', async () => {
    const lines = await allLines(alice);
    const balance = await balanceOf(alice);
    checkBalances(lines, balance);
    const byKind = (kind: string) => lines.filter((l) => l.kind === kind);
    expect(byKind('top_up')).toHaveLength(1);
    expect(byKind('top_up')[0]).toMatchObject({
      direction: 'in',
      amount: cny('20000.00'),
      counterpart: { kind: 'bank_card', name: null },
      reference: { type: 'order' },
    });
    expect(byKind('transfer_out')[0]).toMatchObject({
      direction: 'out',
      amount: cny('100.00'),
      counterpart: { kind: 'customer', name: `${bob.phone.slice(0, 3)}****${bob.phone.slice(-4)}` },
    });
    expect(byKind('merchant_payment')[0]).toMatchObject({
      direction: 'out',
      amount: cny('38.00'),
      counterpart: { kind: 'merchant', name: '=HYPERLINK("x") 街角咖啡' },
    });
    expect(byKind('withdrawal')[0]).toMatchObject({
      direction: 'out',
      amount: cny('200.00'),
      counterpart: { kind: 'bank_card' },
    });
    expect(byKind('withdrawal_fee')[0]).toMatchObject({
      direction: 'out',
      amount: cny('1.00'),
      counterpart: { kind: 'platform_fees' },
    });
    expect(byKind('other')[0]).toMatchObject({
      direction: 'in',
      amount: cny('5.00'),
      counterpart: { kind: 'platform' },
    });
    expect(byKind('investment')[0]).toMatchObject({
      direction: 'out',
      amount: cny('3000.00'),
      counterpart: { kind: 'loan' },
      reference: { type: 'loan', id: loanId },
    });
    const principal = byKind('repayment_received_principal');
    const interest = byKind('repayment_received_interest');
    expect(principal).toHaveLength(1);
    expect(interest).toHaveLength(1);
    expect(principal[0]).toMatchObject({
      direction: 'in',
      counterpart: { kind: 'note' },
      reference: { id: loanId },
    });
    expect(interest[0]).toMatchObject({
      direction: 'in',
      counterpart: { kind: 'loan' },
      reference: { id: loanId },
    });
    expect(minor(principal[0]!.amount.amount)).toBeGreaterThan(0n);
    // Lending's business date: the repayment is dated the instalment's due date.
    const loan = await loanOf(t, loanBorrower, loanId);
    expect(principal[0]!.businessDate).toBe(loan.installments[0].dueDate);
    // Newest first, ids unique.
    expect(new Set(lines.map((l) => l.id)).size).toBe(lines.length);
    const times = lines.map((l) => Date.parse(l.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('shows the borrower the loan paid out and their repayment, and the friend the transfer in', async () => {
    const lines = await allLines(loanBorrower);
    checkBalances(lines, await balanceOf(loanBorrower));
    expect(lines.find((l) => l.kind === 'loan_disbursement')).toMatchObject({
      direction: 'in',
      counterpart: { kind: 'loan' },
      reference: { type: 'loan', id: loanId },
    });
    const repaid = lines.filter((l) => l.kind === 'loan_repayment');
    expect(repaid.length).toBeGreaterThanOrEqual(2); // principal and interest of the first instalment
    for (const line of repaid) expect(line).toMatchObject({ direction: 'out', reference: { id: loanId } });

    const bobs = await allLines(bob);
    expect(bobs.map((l) => l.kind)).toEqual(['transfer_in']);
    expect(bobs[0]).toMatchObject({
      amount: cny('100.00'),
      balanceAfter: cny('100.00'),
      counterpart: { kind: 'customer', name: `${alice.phone.slice(0, 3)}****${alice.phone.slice(-4)}` },
    });
  });

  it('filters by kind, direction and dates', async () => {
    const all = await allLines(alice);
    const investments = await allLines(alice, '&kind=investment');
    expect(investments.map((l) => l.id)).toEqual(all.filter((l) => l.kind === 'investment').map((l) => l.id));
    // Balances stay those of the whole wallet, whatever the filter leaves out.
    expect(investments[0]!.balanceAfter).toEqual(all.find((l) => l.kind === 'investment')!.balanceAfter);
    const several = await allLines(alice, '&kind=top_up,withdrawal_fee,transfer_out');
    expect(several.map((l) => l.kind).sort()).toEqual(['top_up', 'transfer_out', 'withdrawal_fee']);
    const other = await allLines(alice, '&kind=other');
    expect(other.map((l) => l.amount.amount)).toEqual(['5.00']);
    const out = await allLines(alice, '&direction=out');
    expect(out.map((l) => l.id)).toEqual(all.filter((l) => l.direction === 'out').map((l) => l.id));
    expect(out.length).toBeGreaterThan(3);
    // Transfers out only, not the friend's transfer in (one code, two directions).
    expect((await allLines(bob, '&kind=transfer_out')).length).toBe(0);
    expect((await allLines(bob, '&kind=transfer_in')).length).toBe(1);
    // Dates are local (Asia/Shanghai): the top-up's day holds it; the day before holds nothing.
    const topUp = all.find((l) => l.kind === 'top_up')!;
    const day = new Date(Date.parse(topUp.createdAt) + 8 * 3600_000).toISOString().slice(0, 10);
    const dayBefore = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const thatDay = await allLines(alice, `&from=${day}&to=${day}`);
    expect(thatDay.map((l) => l.id)).toContain(topUp.id);
    expect(thatDay.some((l) => l.kind === 'repayment_received_interest')).toBe(false);
    expect(await allLines(alice, `&to=${dayBefore}`)).toEqual([]);
    expect((await allLines(alice, `&from=${day}`)).length).toBe(all.length);
    // A date before anything was posted is no error (year 1 in Shanghai is year 0 in UTC).
    expect((await allLines(alice, '&from=0001-01-01')).length).toBe(all.length);
    expect(await allLines(alice, '&from=0001-01-01&to=0001-01-02')).toEqual([]);
  });

  it('pages by cursor with no gap and no overlap', async () => {
    const all = await allLines(alice);
    expect(all.length).toBeGreaterThan(6);
    for (const limit of [1, 2, 3])
      expect((await allLines(alice, '', limit)).map((l) => l.id)).toEqual(all.map((l) => l.id));
    const outs = await allLines(alice, '&direction=out');
    expect((await allLines(alice, '&direction=out', 2)).map((l) => l.id)).toEqual(outs.map((l) => l.id));
    // A page that is exactly the rest says there is no more.
    const last = await get(alice, `/v1/me/wallet/statement?limit=${all.length}`);
    expect(last.json().nextBefore).toBeNull();
  });

  it('exports CSV with a byte order mark, a header in the language asked, one line per movement, formula-safe', async () => {
    const all = await allLines(alice);
    const response = await get(alice, '/v1/me/wallet/statement.csv?language=en');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toContain('text/csv');
    expect(response.headers['content-disposition']).toContain('attachment');
    const text = response.body;
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'Time,Business date,Kind,Direction,Amount (CNY),Balance after (CNY),Counterpart,Reference',
    );
    expect(lines).toHaveLength(all.length + 1);
    const fee = lines.find((l) => l.includes('Withdrawal fee'))!;
    expect(fee).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{4}-\d\d-\d\d,Withdrawal fee,Out,-1\.00,[\d.]+,Platform fees,/,
    );
    expect(lines[1]).toContain(`,${all[0]!.balanceAfter.amount},`);
    // The merchant's name is inside a cell that starts with words; on its own it would be made text.
    expect(lines.find((l) => l.includes('Payment to a merchant'))).toContain(
      '"Merchant =HYPERLINK(""x"") 街角咖啡"',
    );
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-38.00')).toBe('-38.00');
    const zh = await get(alice, '/v1/me/wallet/statement.csv?kind=investment');
    const zhLines = zh.body.slice(1).trimEnd().split('\r\n');
    expect(zhLines[0]!.startsWith('时间,业务日期,类型')).toBe(true);
    expect(zhLines).toHaveLength(2);
    expect(zhLines[1]).toContain(',出借,支出,-3000.00,');
  });

  it("is nobody else's: each sees only their own, and nobody signed out", async () => {
    const alices = new Set((await allLines(alice)).map((l) => l.id));
    const shops = await allLines(shop);
    expect(shops).toEqual([]); // the merchant's money is in its settlement account, not its wallet
    const bobs = await allLines(bob);
    // The one transfer between them is on both statements (its two sides); nothing else of Alice's.
    expect(bobs.filter((l) => alices.has(l.id)).map((l) => l.kind)).toEqual(['transfer_in']);
    expect(bobs).toHaveLength(1);
    const anonymous = await t.app.inject({ method: 'GET', url: '/v1/me/wallet/statement' });
    expect(anonymous.statusCode).toBe(401);
    const anonymousCsv = await t.app.inject({ method: 'GET', url: '/v1/me/wallet/statement.csv' });
    expect(anonymousCsv.statusCode).toBe(401);
  });

  it('refuses a bad query with 400 and a code', async () => {
    const cases: [string, string][] = [
      ['?kind=nonsense', 'kind_unknown'],
      ['?kind=top_up,nonsense', 'kind_unknown'],
      ['?limit=101', 'validation_failed'],
      ['?limit=0', 'validation_failed'],
      ['?before=abc', 'cursor_malformed'],
      ['?direction=sideways', 'validation_failed'],
      ['?from=2026-13-01', 'date_malformed'],
      ['?from=2026-03-02&to=2026-03-01', 'date_range_reversed'],
      ['?colour=red', 'validation_failed'],
    ];
    for (const [query, code] of cases) {
      const response = await get(alice, `/v1/me/wallet/statement${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code, query).toBe(code);
    }
    const csv = await get(alice, '/v1/me/wallet/statement.csv?language=fr');
    expect(csv.statusCode).toBe(400);
    expect(csv.json().error.code).toBe('validation_failed');
  });

  it('names the codes of lending, credit and wealth by the numbers those contexts use', () => {
    const expected: [number, string, 'in' | 'out'][] = [
      [TransferCode.topUp, 'top_up', 'in'],
      [LendingCode.bid, 'investment', 'out'],
      [LendingCode.disburse, 'loan_disbursement', 'in'],
      [LendingCode.repayPrincipal, 'loan_repayment', 'out'],
      [LendingCode.repayInterest, 'loan_repayment', 'out'],
      [LendingCode.repayFee, 'loan_repayment', 'out'],
      [LendingCode.repayPenalty, 'loan_repayment', 'out'],
      [LendingCode.reserveRecovery, 'loan_repayment', 'out'],
      [LendingCode.payoutPrincipal, 'repayment_received_principal', 'in'],
      [LendingCode.payoutInterest, 'repayment_received_interest', 'in'],
      [LendingCode.advance, 'reserve_advance', 'in'],
      [LendingCode.notePrice, 'note_sale', 'in'],
      [LendingCode.notePrice, 'note_purchase', 'out'],
      [LendingCode.noteSellerFee, 'note_sale_fee', 'out'],
      [LendingCode.prepaymentFee, 'prepayment_fee', 'out'],
      [CreditCode.draw, 'credit_draw', 'in'],
      [CreditCode.repayInterest, 'credit_repayment', 'out'],
      [CreditCode.repayPrincipal, 'credit_repayment', 'out'],
      [CreditCode.repayPenalty, 'credit_repayment', 'out'],
      [CreditCode.repayFee, 'credit_repayment', 'out'],
      [CreditCode.repayStatementInterest, 'credit_repayment', 'out'],
      [CreditCode.repayStatementPrincipal, 'credit_repayment', 'out'],
      [WealthCode.subscribe, 'wealth_subscription', 'out'],
      [WealthCode.raise, 'wealth_subscription', 'out'],
      [WealthCode.refundSubscription, 'wealth_subscription_refund', 'in'],
      [WealthCode.refundRaise, 'wealth_subscription_refund', 'in'],
      [WealthCode.redeem, 'wealth_redemption', 'in'],
      [WealthCode.fundPayout, 'wealth_redemption', 'in'],
      [WealthCode.interest, 'wealth_interest', 'in'],
      [CrmCode.campaignReward, 'reward', 'in'],
      [CrmCode.referralReward, 'reward', 'in'],
    ];
    for (const [code, kind, direction] of expected)
      expect(kindOf(code, direction), `code ${code}`).toBe(kind);
    expect([...NAMED_CODES].sort()).toEqual(
      [...new Set(expected.map(([c]) => c).concat(Object.values(TransferCode)))].sort(),
    );
    expect(kindOf(65_000, 'in')).toBe('other');
  });
});
