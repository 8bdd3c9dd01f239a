import { addDays, type PlainDate } from '../kernel/index.ts';
import { isWeekend } from '../wealth/calendar.ts';
import type { DemoCall, DemoPerson } from './demo-accounts.ts';
import type { Platform } from './platform.ts';

/**
 * The wealth part of the demo (issue 18), written through the API like the rest of demo.ts: the
 * money-market fund lives through every demo day (its income per 10,000 units entered for each
 * calendar day, two investors subscribed early so that they hold units and earn every day), one
 * distributed mutual fund with a NAV series and a holding, and a fixed-term product raising today.
 *
 * Income may be entered at most 31 days ahead and a NAV only for a trading day on or before the
 * business date, so the demo's day-close runs in steps of at most 30 days through `closeThrough`:
 * income first, then the close, then the NAVs of the days just closed (the close after prices and
 * confirms the fund's orders).
 */
export type WealthDemoPerson = DemoPerson;
type Call = DemoCall;

const cny = (amount: string) => ({ amount, currency: 'CNY' });
export const DEMO_FUND_CODE = 'DEMO-BALANCED';
export const DEMO_FIXED_CODE = 'DEMO-FIXED-90D';
/** The fund's own six-digit code: the NAV file names a fund by it. */
const DEMO_FUND_NUMBER = '519001';

/**
 * A plausible 万份收益 series, 0.55-0.75: a slow wave and a small day-to-day wobble, deterministic by
 * the date so that every demo looks the same. Four decimals, as operations enter it.
 */
export function demoIncomePer10k(date: PlainDate): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const day = Math.floor(Date.UTC(y, m - 1, d) / 86_400_000);
  const wave = Math.round(800 * Math.sin(day / 9)); // ±0.0800
  const wobble = ((day * 7919) % 301) - 150; // ±0.0150
  const tenThousandths = 6500 + wave + wobble; // 0.5550 … 0.7450
  return `0.${String(tenThousandths).padStart(4, '0')}`;
}

/** A NAV series of a balanced fund, around 1.2 with a drift and a wobble (four decimals). */
function demoNav(date: PlainDate): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const day = Math.floor(Date.UTC(y, m - 1, d) / 86_400_000);
  const value = 12_000 + Math.round(350 * Math.sin(day / 13)) + (day % 150) * 2 + ((day * 31) % 41) - 20;
  return `${Math.floor(value / 10_000)}.${String(value % 10_000).padStart(4, '0')}`;
}

export class WealthDemo {
  private incomeEnteredThrough: PlainDate | null = null;
  private navsEnteredThrough: PlainDate | null = null;
  private fundId: string | null = null;

  constructor(
    private readonly platform: Platform,
    private readonly call: Call,
    private readonly ops: WealthDemoPerson,
    private readonly approver: WealthDemoPerson,
    private readonly log: (line: string) => void,
  ) {}

  private today(): PlainDate {
    return this.platform.clock.businessDate();
  }

  /** The income of every calendar date up to `through` not entered yet. */
  private async enterIncomeThrough(through: PlainDate): Promise<void> {
    let date = this.incomeEnteredThrough ? addDays(this.incomeEnteredThrough, 1) : this.today();
    while (date <= through) {
      await this.call('POST', '/v1/wealth/ops/mmf/income', {
        as: this.ops,
        payload: { date, per10k: demoIncomePer10k(date) },
      });
      this.incomeEnteredThrough = date;
      date = addDays(date, 1);
    }
  }

  /** The NAV of every weekday (the demo has no past holidays) from the last one entered through `through`. */
  private async enterNavsThrough(through: PlainDate): Promise<void> {
    if (!this.fundId || !this.navsEnteredThrough) return;
    let date = addDays(this.navsEnteredThrough, 1);
    const lines = ['fund code,date,nav'];
    for (; date <= through; date = addDays(date, 1))
      if (!isWeekend(date)) lines.push(`${DEMO_FUND_NUMBER},${date},${demoNav(date)}`);
    this.navsEnteredThrough = through;
    if (lines.length === 1) return;
    await this.call('POST', '/v1/wealth/ops/funds/navs/import', {
      as: this.ops,
      payload: { csv: lines.join('\n') },
    });
  }

  /**
   * At the demo's first business date: liquidity for quick redemptions, the fund's first income
   * entries, two investors' subscriptions to the money-market fund, and a distributed fund (created by
   * operations, approved by the administrator) with one investor's subscription.
   */
  async start(investors: readonly WealthDemoPerson[]): Promise<void> {
    const [first, second] = investors as [WealthDemoPerson, WealthDemoPerson];
    await this.call('POST', '/v1/wealth/ops/mmf/liquidity/top-up', {
      as: this.ops,
      payload: { amount: cny('2000000.00'), reason: '演示：快速赎回备付金 Demo liquidity' },
    });
    await this.enterIncomeThrough(addDays(this.today(), 7));
    await this.call('POST', '/v1/wealth/mmf/subscriptions', {
      as: first,
      expect: 201,
      payload: { amount: cny('15000.00') },
    });
    await this.call('POST', '/v1/wealth/mmf/subscriptions', {
      as: second,
      expect: 201,
      payload: { amount: cny('8000.00') },
    });

    const fund = await this.product({
      code: DEMO_FUND_CODE,
      kind: 'mutual_fund',
      nameZh: '稳健平衡混合（演示）',
      nameEn: 'Steady Balanced Hybrid (demo)',
      riskLevel: 3,
      allowOverride: true,
      terms: {
        fundCode: DEMO_FUND_NUMBER,
        manager: '示例基金管理有限公司 Demo Fund Management',
        subscriptionFeeTiers: [
          { upTo: '1000000.00', rate: '0.015' },
          { upTo: null, rate: '0.006' },
        ],
        platformDiscount: '0.1',
        redemptionFeeTiers: [
          { heldDaysUnder: 7, rate: '0.015' },
          { heldDaysUnder: 365, rate: '0.005' },
          { heldDaysUnder: null, rate: '0' },
        ],
        settlementDays: 2,
        minSubscription: '10.00',
      },
    });
    this.fundId = fund.id;
    this.navsEnteredThrough = addDays(this.today(), -15);
    await this.call('POST', `/v1/wealth/funds/${DEMO_FUND_CODE}/subscriptions`, {
      as: first,
      expect: 201,
      payload: { amount: cny('3000.00') },
    });
  }

  /** Draft by operations, approved by a second person, published. */
  private async product(body: object): Promise<{ id: string }> {
    const draft = await this.call('POST', '/v1/wealth/ops/products', {
      as: this.ops,
      expect: 201,
      payload: body,
    });
    await this.call('POST', `/v1/wealth/ops/products/${draft.id}/approve`, { as: this.approver });
    await this.call('POST', `/v1/wealth/ops/products/${draft.id}/publish`, { as: this.ops });
    return draft;
  }

  /** Closes the business days through `date`, at most 30 at a time, with income and NAVs entered. */
  async closeThrough(date: PlainDate, close: (date: PlainDate) => Promise<void>): Promise<void> {
    while (this.today() <= date) {
      const step = addDays(this.today(), 29) < date ? addDays(this.today(), 29) : date;
      await this.enterIncomeThrough(addDays(step, 1));
      await close(step);
      await this.enterNavsThrough(step);
    }
  }

  /**
   * Today: income entered a week ahead, a fixed-term product raising with some
   * purchases, a normal redemption waiting to be paid, and a holiday to come in the calendar.
   */
  async finish(investors: readonly WealthDemoPerson[]): Promise<void> {
    const today = this.today();
    await this.enterIncomeThrough(addDays(today, 7));
    // Today's NAV only comes after the 15:00 cut-off; the days closed have theirs.
    await this.enterNavsThrough(addDays(today, -1));
    const [first, second, third, fourth] = investors as [
      WealthDemoPerson,
      WealthDemoPerson,
      WealthDemoPerson,
      WealthDemoPerson,
    ];
    await this.call('POST', '/v1/wealth/mmf/redemptions', {
      as: second,
      expect: 201,
      payload: { units: cny('500.00'), mode: 'normal' },
    });
    await this.product({
      code: DEMO_FIXED_CODE,
      kind: 'fixed_term',
      nameZh: '稳享 90 天（演示）',
      nameEn: 'Steady 90 days (demo)',
      riskLevel: 2,
      allowOverride: false,
      terms: {
        annualRate: '0.0385',
        dayCount: 'actual/365',
        raiseStart: today,
        raiseEnd: addDays(today, 6),
        valueDate: addDays(today, 7),
        maturityDate: addDays(today, 97),
        minTotal: '50000.00',
        maxTotal: '500000.00',
        minPurchase: '1000.00',
        step: '1000.00',
        perInvestorCap: '100000.00',
        earlyRedemption: { mode: 'reduced_rate', rate: '0.0100' },
      },
    });
    for (const [investor, amount] of [
      [first, '10000.00'],
      [third, '5000.00'],
      [fourth, '3000.00'],
    ] as const)
      await this.call('POST', `/v1/wealth/fixed/${DEMO_FIXED_CODE}/purchases`, {
        as: investor,
        expect: 201,
        payload: { amount: cny(amount) },
      });
    // A holiday to come (a weekday three weeks ahead), so that the calendar shows one.
    let holiday = addDays(today, 21);
    while (isWeekend(holiday)) holiday = addDays(holiday, 1);
    await this.call('POST', '/v1/wealth/ops/calendar/holidays', {
      as: this.ops,
      expect: 201,
      payload: { date: holiday, name: '示例假日 Demo holiday' },
    });
    this.log('  demo: wealth — fund income, holdings, a distributed fund and a fixed-term raise');
  }
}
