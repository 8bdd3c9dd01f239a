import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, Decimal, type PlainDate } from '../../src/kernel/index.ts';
import {
  compoundedSevenDay,
  holderIncome,
  integerRoot,
  parsePer10k,
  simpleSevenDay,
} from '../../src/wealth/mmf/yield.ts';
import { closeTo } from '../support/batch.ts';
import { staffMember } from '../support/credit.ts';
import type { TestApp } from '../support/platform.ts';
import { openTestApp } from '../support/platform.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { expectedIncome, moneyMarketFund, postIncome } from '../support/wealth-income.ts';

/**
 * The 7-day annualised yield (七日年化收益率) by both definitions, against values computed
 * independently with Python's decimal module at 80 digits (then rounded half up to four decimals of
 * a percent), and published through GET /v1/wealth/mmf/yields for every date whose last seven days
 * all have an entry.
 */
const PYTHON: [number[], string, string][] = [
  [[6543, 6543, 6543, 6543, 6543, 6543, 6543], '2.4169', '2.3882'],
  [[6543, 6601, 6498, 6520, 6589, 6600, 6600], '2.4249', '2.3960'],
  [[0, 0, 0, 0, 0, 0, 0], '0.0000', '0.0000'],
  [[999999, 999999, 999999, 999999, 999999, 999999, 999999], '3678.3298', '364.9996'],
  [[1, 2, 3, 4, 5, 6, 7], '0.0015', '0.0015'],
  [[12345, 0, 0, 0, 0, 0, 0], '0.6457', '0.6437'],
];

describe('the figures', () => {
  it.each(PYTHON)(
    'the yields of %j are %s (compounded) and %s (simple), in percent',
    (ks, compounded, simple) => {
      const k = ks.map(BigInt);
      expect(compoundedSevenDay(k)).toBe(compounded);
      expect(simpleSevenDay(k)).toBe(simple);
    },
  );

  it('agrees with a floating-point computation to within rounding, for random weeks', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30_000 }), { minLength: 7, maxLength: 7 }), (ks) => {
        const p = ks.reduce((a, k) => a * (1 + k / 1e8), 1);
        const float = (p ** (365 / 7) - 1) * 100;
        expect(Math.abs(Number(compoundedSevenDay(ks.map(BigInt))) - float)).toBeLessThanOrEqual(
          0.00005 + 1e-9,
        );
        const simple = new Decimal(ks.reduce((a, b) => a + b, 0)).div(1e8).times(365).div(7).times(100);
        expect(simpleSevenDay(ks.map(BigInt))).toBe(
          simple.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('takes exact integer roots and rounds holder income down to the cent', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 60n }), fc.integer({ min: 2, max: 9 }), (n, r) => {
        const x = integerRoot(n, BigInt(r));
        expect(x ** BigInt(r) <= n && (x + 1n) ** BigInt(r) > n).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 0, max: 999_999 }), (u, k) => {
        const text = `${Math.floor(k / 10_000)}.${String(k % 10_000).padStart(4, '0')}`;
        expect(parsePer10k(text)).toBe(BigInt(k));
        expect(holderIncome(u, BigInt(k))).toBe(expectedIncome(u, text));
      }),
    );
    expect(parsePer10k('0.654')).toBeNull();
    expect(parsePer10k('100.0000')).toBeNull();
    expect(parsePer10k('-0.0001')).toBeNull();
  });
});

describe('GET /v1/wealth/mmf/yields', () => {
  let t: TestApp;
  let staff: TestUser;
  let customer: TestUser;
  let productId: string;
  const today = '2026-01-05' as PlainDate;

  beforeAll(async () => {
    t = await openTestApp();
    staff = await staffMember(t, ['operations']);
    customer = await signUp(t);
    productId = await moneyMarketFund(t);
    // Eight days ending today: 12-29 … 01-05; the second row of PYTHON ends on 01-05.
    const figures = ['0.7000', '0.6543', '0.6601', '0.6498', '0.6520', '0.6589', '0.6600', '0.6600'];
    for (const [i, per10k] of figures.entries()) {
      const r = await postIncome(t, staff, { date: addDays(today, i - 7), per10k, productId });
      expect(r.statusCode, r.body).toBe(201);
    }
  });
  afterAll(() => t.close());

  it('publishes both definitions for each date with seven days of entries, null before', async () => {
    // While 2026-01-05 is open its figure is not published, though it is entered.
    const open = await t.app.inject({
      method: 'GET',
      url: `/v1/wealth/mmf/yields?days=3&productId=${productId}`,
      headers: customer.headers,
    });
    expect(open.json().days.map((d: { date: string }) => d.date)).toEqual([
      '2026-01-02',
      '2026-01-03',
      '2026-01-04',
    ]);
    await closeTo(t, '2026-01-05');
    const r = await t.app.inject({
      method: 'GET',
      url: `/v1/wealth/mmf/yields?days=3&productId=${productId}`,
      headers: customer.headers,
    });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body.definition).toBe('compounded');
    expect(body.formula.compounded).toContain('365/7');
    expect(body.days).toEqual([
      { date: '2026-01-03', per10k: '0.6589', sevenDayCompounded: null, sevenDaySimple: null },
      {
        date: '2026-01-04',
        per10k: '0.6600',
        sevenDayCompounded: compoundedSevenDay([7000n, 6543n, 6601n, 6498n, 6520n, 6589n, 6600n]),
        sevenDaySimple: simpleSevenDay([7000n, 6543n, 6601n, 6498n, 6520n, 6589n, 6600n]),
      },
      { date: '2026-01-05', per10k: '0.6600', sevenDayCompounded: '2.4249', sevenDaySimple: '2.3960' },
    ]);
    expect(body.latest).toEqual({
      date: '2026-01-05',
      sevenDayCompounded: '2.4249',
      sevenDaySimple: '2.3960',
    });
  });

  it('refuses a malformed query with 400 and a staff route to a customer with 403', async () => {
    for (const url of [
      '/v1/wealth/mmf/yields?days=0',
      '/v1/wealth/mmf/yields?days=abc',
      '/v1/wealth/mmf/yields?x=1',
    ]) {
      const r = await t.app.inject({ method: 'GET', url, headers: customer.headers });
      expect(r.statusCode, url).toBe(400);
    }
    const r = await t.app.inject({
      method: 'GET',
      url: '/v1/wealth/ops/mmf/income',
      headers: customer.headers,
    });
    expect(r.statusCode).toBe(403);
  });
});
