import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';
import {
  api,
  at,
  cents,
  closeTo,
  ledgerVerifies,
  mmfHolder,
  mmfHolding,
  operationsStaff,
  redeemMmf,
  topUpLiquidity,
  walletCents,
} from '../support/wealth.ts';

/**
 * The quick-redemption caps under 50 parallel requests: an investor's 10,000.00 a business date,
 * and the fund's total a business date (lowered here to 2,550.00, and an investor's to 1,000.00). On PostgreSQL the requests run
 * in parallel on the pool; whatever the interleaving, exactly as many succeed as fit under the cap,
 * every refusal names the cap, and the holdings, wallets, counters and the ledger agree.
 */
let t: TestApp;
let staff: TestUser;
let whale: TestUser;
const small: TestUser[] = [];

beforeAll(async () => {
  t = await openTestApp({ identity: { sessionTtlHours: 24 * 365 } });
  staff = await operationsStaff(t);
  whale = await mmfHolder(t, '20000.00');
  for (let i = 0; i < 10; i++) small.push(await mmfHolder(t, '1000.00'));
  await closeTo(t, '2026-01-05');
  await topUpLiquidity(t, staff, '100000.00');
});
afterAll(() => t?.close());

const codes = (responses: { statusCode: number; json(): any }[]) => {
  const count: Record<string, number> = {};
  for (const r of responses) {
    const key = r.statusCode === 201 ? 'ok' : `${r.statusCode} ${r.json().error?.code}`;
    count[key] = (count[key] ?? 0) + 1;
  }
  return count;
};

describe('quick redemption caps', () => {
  it('hold an investor to 10,000.00 a day under 50 parallel requests of 300.00', async () => {
    at(t, '2026-01-06 09:30');
    const wallet = await walletCents(t, whale);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => redeemMmf(t, whale, '300.00', 'quick')),
    );
    // floor(10,000.00 / 300.00) = 33 fit; the 34th would make 10,200.00.
    expect(codes(responses)).toEqual({ ok: 33, '422 quick_redemption_limit_exceeded': 17 });
    const refusal = responses.find((r) => r.statusCode === 422)!.json().error;
    expect(refusal.details).toMatchObject({ left: '100.00', limit: '10000.00' });
    expect(await walletCents(t, whale)).toBe(wallet + 33n * 30000n);
    expect(cents((await mmfHolding(t, whale)).units.amount)).toBe(2000000n - 33n * 30000n);

    // What is left today fits exactly; a cent more does not.
    expect((await redeemMmf(t, whale, '100.00', 'quick')).statusCode).toBe(201);
    const over = await redeemMmf(t, whale, '0.01', 'quick');
    expect(over.json().error).toMatchObject({
      code: 'quick_redemption_limit_exceeded',
      details: { left: '0.00' },
    });
    // A normal redemption is not capped.
    expect((await redeemMmf(t, whale, '5000.00', 'normal')).statusCode).toBe(201);
    const form = await api(t, whale).get('/v1/wealth/mmf');
    expect(form.json().quick.investorLeft.amount).toBe('0.00');
  });

  it('hold the fund to its total a day under 50 parallel requests from 10 investors', async () => {
    await closeTo(t, '2026-01-06');
    at(t, '2026-01-07 10:00');
    const product = await sql<{
      id: string;
    }>`select id from wealth_products where code = 'NETFIN-CASH'`.execute(t.platform.db);
    await sql`update wealth_products set terms = terms || '{"quickFundPerDay": "2550.00", "quickPerInvestorPerDay": "1000.00"}'::jsonb
      where id = ${product.rows[0]!.id}`.execute(t.platform.db);
    const before = await Promise.all(small.map((u) => walletCents(t, u)));
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => redeemMmf(t, small[i % 10]!, '100.00', 'quick')),
    );
    // 25 × 100.00 = 2,500.00 fit under 2,550.00; a 26th would make 2,600.00.
    expect(codes(responses)).toEqual({ ok: 25, '422 fund_quick_limit_exceeded': 25 });
    const after = await Promise.all(small.map((u) => walletCents(t, u)));
    const paid = after.reduce((sum, w, i) => sum + (w - before[i]!), 0n);
    expect(paid).toBe(250000n);
    let units = 0n;
    for (const u of small) units += cents((await mmfHolding(t, u)).units.amount);
    expect(units).toBe(10n * 100000n - 250000n);
    const liquidity = await api(t, staff).get('/v1/wealth/ops/mmf/liquidity');
    expect(liquidity.json()).toMatchObject({
      usedToday: { amount: '2500.00' },
      fundLeftToday: { amount: '50.00' },
      drawnNotRestored: { amount: '2500.00' },
      available: { amount: '97500.00' },
    });
    const counters = await sql<{
      total: string;
    }>`select sum(used)::text as total from wealth_mmf_quick_investor
      where business_date = '2026-01-07'`.execute(t.platform.db);
    expect(counters.rows[0]!.total).toBe('250000');
    await ledgerVerifies(t);
  });
});
