import { sql } from 'kysely';
import { expect } from 'vitest';
import { inTransaction } from '../../src/db/index.ts';
import { Decimal, type PlainDate, uuidv7 } from '../../src/kernel/index.ts';
import { ChartOfAccounts, TransferFlag } from '../../src/ledger/index.ts';
import { ensureHolding, type Holding } from '../../src/wealth/holdings.ts';
import type { TestApp } from './platform.ts';
import type { TestUser } from './users.ts';

/**
 * Fixtures for the money-market fund's income (issue 18): a fund of the test's own, holdings made
 * directly (ensureHolding and a transfer from a test account outside netfin), units frozen as a
 * redemption request would freeze them (a pending debit), and figures recomputed independently of
 * src/wealth (decimal.js, rounding down to the cent).
 */
const OUTSIDE = 'test:wealth:outside';

export async function moneyMarketFund(t: TestApp, code = `MMF-${uuidv7().slice(-8)}`): Promise<string> {
  const id = uuidv7();
  const now = t.clock.now();
  await sql`insert into wealth_products (id, code, kind, name_zh, name_en, risk_level, allow_override, status, terms, created_at, updated_at)
    values (${id}, ${code}, 'money_market', ${`测试货币基金 ${code}`}, ${`Test MMF ${code}`}, 1, false, 'published',
            ${JSON.stringify({ quickPerInvestorPerDay: '10000.00', quickFundPerDay: '5000000.00', minSubscription: '0.01', yieldDefinition: 'compounded' })}::jsonb,
            ${now}, ${now})`.execute(t.platform.db);
  return id;
}

/** Puts `cents` units into the user's holding of the fund (creating the holding). */
export async function holdUnits(
  t: TestApp,
  productId: string,
  userId: string,
  cents: bigint,
): Promise<Holding> {
  const { ledger, db } = t.platform;
  return inTransaction(db, async (trx) => {
    await ledger.createAccounts([{ id: OUTSIDE, ledger: 'CNY', code: ChartOfAccounts.external.code }], {
      tx: trx,
    });
    const holding = await ensureHolding(
      ledger,
      trx,
      { id: productId, kind: 'money_market', code: 'x' },
      userId,
      t.clock.now(),
    );
    if (cents > 0n) {
      const [r] = await ledger.createTransfers(
        [
          {
            id: `test:${uuidv7()}`,
            debitAccountId: OUTSIDE,
            creditAccountId: holding.accountId,
            amount: cents,
            ledger: 'CNY',
            code: 1,
          },
        ],
        { tx: trx },
      );
      expect(r!.result).toBe('ok');
    }
    return holding;
  });
}

/** Freezes units as a redemption request does: a pending debit of the holding. */
export async function freezeUnits(t: TestApp, holding: Holding, cents: bigint): Promise<void> {
  const [r] = await t.platform.ledger.createTransfers([
    {
      id: `test:${uuidv7()}`,
      debitAccountId: holding.accountId,
      creditAccountId: OUTSIDE,
      amount: cents,
      ledger: 'CNY',
      code: 1,
      flags: TransferFlag.pending,
    },
  ]);
  expect(r!.result).toBe('ok');
}

/** Takes units out (a redemption paid), posted at once. */
export async function takeUnits(t: TestApp, holding: Holding, cents: bigint): Promise<void> {
  const [r] = await t.platform.ledger.createTransfers([
    {
      id: `test:${uuidv7()}`,
      debitAccountId: holding.accountId,
      creditAccountId: OUTSIDE,
      amount: cents,
      ledger: 'CNY',
      code: 1805,
    },
  ]);
  expect(r!.result).toBe('ok');
}

export async function balanceOf(t: TestApp, accountId: string) {
  const a = await t.platform.ledger.getAccount(accountId);
  const posted = a ? a.creditsPosted - a.debitsPosted : 0n;
  return { posted, available: a ? posted - a.debitsPending : 0n };
}

/** Enters a date's income through the API as the given staff member; returns the response. */
export async function postIncome(
  t: TestApp,
  staff: TestUser,
  body: { date: string; per10k: string; productId?: string; confirmFar?: boolean },
) {
  return t.app.inject({
    method: 'POST',
    url: '/v1/wealth/ops/mmf/income',
    headers: staff.headers,
    payload: body,
  });
}

/** Income of `cents` units at `per10k` (text), rounded down to the cent: decimal.js, not src/wealth. */
export function expectedIncome(cents: bigint, per10k: string): bigint {
  const yuan = new Decimal(cents.toString()).div(100);
  const income = yuan.times(per10k).div(10_000).toDecimalPlaces(2, Decimal.ROUND_DOWN);
  return BigInt(income.times(100).toFixed(0));
}

/** The income transfers the ledger holds for a date, summed per holding account. */
export async function incomeTransfersOf(t: TestApp, date: PlainDate): Promise<Map<string, bigint>> {
  const rows = await sql<{ credit_account_id: string; amount: bigint }>`
    select credit_account_id, amount from ledger_transfers where code = 1804 and id like ${`mmfi:${date}:%`}`.execute(
    t.platform.db,
  );
  const out = new Map<string, bigint>();
  for (const r of rows.rows) out.set(r.credit_account_id, (out.get(r.credit_account_id) ?? 0n) + r.amount);
  return out;
}

export const centsOf = (text: string) => BigInt(new Decimal(text).times(100).toFixed(0));
