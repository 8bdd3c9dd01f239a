import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CreditCode } from '../../src/credit/accounts.ts';
import { addDays, type DomainError, ManualClock, type PlainDate } from '../../src/kernel/index.ts';
import { closeTo } from '../support/batch.ts';
import { customerWithLine, post, staffMember } from '../support/credit.ts';
import {
  checkCreditLines,
  openShop,
  PAYMENT_PASSWORD,
  type Shop,
  setPaymentPassword,
} from '../support/credit-purchases.ts';
import { fund } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';

/**
 * Random purchases (in full or in 3, 6 or 12 instalments), cash draws (daily interest or in
 * instalments), merchant refunds, repayments and day-closes on one line, from two days before its
 * statement day. The line's cycle is short (the product's grace set to 2 days, the line's statement
 * day two days ahead), so that a few closes bill instalments and interest on a statement, pass its
 * due date and accrue penalty. After every step: the ledger verifies, used + available = limit and
 * used is the principal lent and not had back (checkCreditLines); a purchase or draw is refused
 * exactly when it exceeds the available credit (or the line is frozen), a repayment exactly when it
 * exceeds what is payable now, and a refusal changes nothing; and every unit the customer repaid is
 * in principal, interest, fees or penalty: the ledger's repayment transfers of the line, recomputed
 * by code, sum to what was repaid, each from the customer's wallet into the part its code names.
 */
let t: TestApp;
let shop: Shop;

beforeAll(async () => {
  t = await openTestApp({ clock: new ManualClock(new Date('2026-01-27T02:00:00Z')) });
  shop = await openShop(t);
  // A short cycle: due two days after the statement (the product's settings allow one day and up).
  const admin = await staffMember(t, ['admin']);
  const published = await post(t, admin, '/v1/credit/staff/products/everyday-credit/versions', {
    config: { billing: { graceDaysMin: 1, graceDays: 2 } },
  });
  expect(published.statusCode, published.body).toBe(201);
});
afterAll(() => t.close());

type Step =
  | { kind: 'purchase'; cents: number; instalments: 1 | 3 | 6 | 12 }
  | { kind: 'draw'; cents: number; months: 0 | 3 | 6 | 12 }
  | { kind: 'refund'; pick: number; percent: number }
  | { kind: 'repay'; percent: number }
  | { kind: 'close'; days: number }
  | { kind: 'closeTo'; date: PlainDate };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('close' as const), days: fc.integer({ min: 1, max: 3 }) }),
  },
  fc.record({
    kind: fc.constant('purchase' as const),
    cents: fc.integer({ min: 1_000, max: 800_000 }),
    instalments: fc.constantFrom(1 as const, 3 as const, 6 as const, 12 as const),
  }),
  fc.record({
    kind: fc.constant('draw' as const),
    cents: fc.integer({ min: 10_000, max: 500_000 }),
    months: fc.constantFrom(0 as const, 3 as const, 6 as const, 12 as const),
  }),
  fc.record({
    kind: fc.constant('refund' as const),
    pick: fc.nat(),
    percent: fc.integer({ min: 1, max: 100 }),
  }),
  // A share of what is payable now; above 100, a cent more than it (refused).
  fc.record({ kind: fc.constant('repay' as const), percent: fc.integer({ min: 1, max: 110 }) }),
);

/** Which part of the debt each repayment code pays, by the account it credits. */
const PART_OF: Record<number, RegExp> = {
  [CreditCode.repayInterest]: /^line:[^:]+:interest$/,
  [CreditCode.repayPrincipal]: /^line:[^:]+:principal$/,
  [CreditCode.repayPenalty]: /^stmt:[^:]+:penalty$/,
  [CreditCode.repayFee]: /^stmt:[^:]+:fees$/,
  [CreditCode.repayStatementInterest]: /^stmt:[^:]+:interest$/,
  [CreditCode.repayStatementPrincipal]: /^stmt:[^:]+:principal$/,
};
const REPAY_CODES = Object.keys(PART_OF).map(Number);

const codeOf = (error: unknown) => (error as DomainError).code ?? String(error);

async function checkRepaid(lineId: string, wallet: string, repaid: bigint): Promise<void> {
  const rows = await sql<{
    code: number;
    debit_account_id: string;
    credit_account_id: string;
    amount: bigint;
  }>`
    select code, debit_account_id, credit_account_id, amount from ledger_transfers
    where user_data = ${lineId} and code = any(${REPAY_CODES}::int[])`.execute(t.platform.db);
  const statements = new Set(
    (
      await sql<{ id: string }>`select id from credit_statements where line_id = ${lineId}::uuid`.execute(
        t.platform.db,
      )
    ).rows.map((r) => r.id),
  );
  let total = 0n;
  for (const r of rows.rows) {
    expect(r.debit_account_id).toBe(wallet);
    expect(r.credit_account_id).toMatch(PART_OF[r.code]!);
    const owner = r.credit_account_id.split(':')[1]!;
    expect(owner === lineId || statements.has(owner), r.credit_account_id).toBe(true);
    total += r.amount;
  }
  expect(total).toBe(repaid);
}

it('keeps the line whole and every unit repaid in a part of the debt', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 8, maxLength: 14 }), async (steps) => {
      const { credit, payments } = t.platform;
      const { user, line } = await customerWithLine(t);
      await setPaymentPassword(t, user);
      await fund(t, user.userId, '200000.00');
      const today = (await t.platform.batch.businessDate()) as PlainDate;
      // The statement two days ahead (or on the 1st, at most four days ahead), due two days after.
      const day = Number(addDays(today, 2).slice(8));
      const statementOn = day > 28 ? (`${addDays(today, 6).slice(0, 8)}01` as PlainDate) : addDays(today, 2);
      await credit.setBilling(user.userId, line.id, { statementDay: day > 28 ? 1 : day, graceDays: 2 });
      const wallet = await payments.walletAccount(t.platform.db, user.userId);
      const orders: { id: string; amount: bigint; refunded: bigint }[] = [];
      let repaid = 0n;
      // Every run ends past its statement's due date, and repays all that is payable then.
      const ending: Step[] = [
        { kind: 'closeTo', date: addDays(statementOn, 3) },
        { kind: 'repay', percent: 100 },
      ];
      for (const s of [...steps, ...ending]) {
        let refused = false;
        const before = await credit.balances(line.id);
        const status = (await credit.line(line.id)).status;
        if (s.kind === 'close') {
          const today = (await t.platform.batch.businessDate()) as PlainDate;
          await closeTo(t, addDays(today, s.days - 1));
        } else if (s.kind === 'closeTo') {
          if ((await t.platform.batch.businessDate()) <= s.date) await closeTo(t, s.date);
        } else if (s.kind === 'purchase') {
          const amount = BigInt(s.cents);
          const order = await payments.createMerchantOrder(shop.userId, { amount, description: 'property' });
          const result = await credit
            .purchase(user.userId, line.id, {
              orderId: order.id,
              instalments: s.instalments,
              paymentPassword: PAYMENT_PASSWORD,
            })
            .then(
              () => 'ok',
              (e: unknown) => codeOf(e),
            );
          const expected =
            status === 'frozen'
              ? 'line_frozen'
              : amount > before.available
                ? 'exceeds_available_credit'
                : 'ok';
          expect(result, JSON.stringify(s)).toBe(expected);
          refused = result !== 'ok';
          if (result === 'ok') orders.push({ id: order.id, amount, refunded: 0n });
        } else if (s.kind === 'draw') {
          const amount = BigInt(s.cents);
          const result = await credit
            .drawCash(user.userId, line.id, {
              amount,
              ...(s.months ? { repayment: { months: s.months, method: 'equal_installment' } } : {}),
            })
            .then(
              () => 'ok',
              (e: unknown) => codeOf(e),
            );
          const expected =
            status === 'frozen'
              ? 'line_frozen'
              : amount > before.available
                ? 'exceeds_available_credit'
                : 'ok';
          expect(result, JSON.stringify(s)).toBe(expected);
          refused = result !== 'ok';
        } else if (s.kind === 'refund') {
          const open = orders.filter((o) => o.refunded < o.amount);
          if (open.length === 0) continue;
          const order = open[s.pick % open.length]!;
          const left = order.amount - order.refunded;
          const amount = (left * BigInt(s.percent) + 99n) / 100n;
          await payments.refund(shop.userId, order.id, { amount });
          order.refunded += amount;
        } else {
          const payable = before.principal + before.interest + before.billed;
          const amount = s.percent > 100 ? payable + 1n : (payable * BigInt(s.percent) + 99n) / 100n;
          if (amount === 0n) continue;
          const result = await credit.repay(user.userId, line.id, amount).then(
            (r) => r,
            (e: unknown) => codeOf(e),
          );
          refused = amount > payable;
          if (refused) expect(result, JSON.stringify(s)).toBe('repayment_exceeds_debt');
          else {
            expect(typeof result, typeof result === 'string' ? result : JSON.stringify(s)).toBe('object');
            const a = (result as unknown as { allocation: Record<string, bigint> }).allocation;
            expect(a.penalty! + a.fees! + a.interest! + a.principal!).toBe(amount);
            repaid += amount;
          }
        }
        const after = await credit.balances(line.id);
        expect(after.available + after.used).toBe(after.limit);
        // A refusal changes nothing.
        if (refused) expect(after).toEqual(before);
        await checkCreditLines(t);
        await checkRepaid(line.id, wallet, repaid);
      }
    }),
    { numRuns: 2 },
  );
}, 120_000);
