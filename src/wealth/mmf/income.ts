import type { BatchStep } from '../../batch/index.ts';
import type { AuditContext } from '../../identity/index.ts';
import { addDays, fromEpochDay, type PlainDate, toEpochDay } from '../../kernel/index.ts';
import type { WealthContext } from '../context.ts';
import { holdingOf } from '../holdings.ts';
import { incomeDaySteps } from './income-credit.ts';
import {
  enterIncome,
  entriesBetween,
  type IncomeEntry,
  MAX_RANGE_DAYS,
  moneyMarketFund,
  parseRange,
} from './income-entries.ts';
import { afterMonth, monthBounds, movementsOf, type Statement, statementOf } from './statement.ts';
import { compoundedSevenDay, formatPer10k, simpleSevenDay } from './yield.ts';

export interface DayYield {
  readonly date: PlainDate;
  /** Null where the date has no entry. */
  readonly per10k: string | null;
  /** Null unless all seven days ending on the date have an entry. */
  readonly sevenDayCompounded: string | null;
  readonly sevenDaySimple: string | null;
}

export interface HolderIncome {
  readonly productId: string;
  readonly from: PlainDate;
  readonly to: PlainDate;
  readonly units: bigint;
  readonly yesterday: { readonly date: PlainDate; readonly amount: bigint };
  readonly cumulative: bigint;
  readonly days: readonly { readonly date: PlainDate; readonly amount: bigint }[];
}

/**
 * The money-market fund's daily income per 10,000 units, its crediting to holders in day-close, the
 * 7-day annualised yield, and holders' income and statements (docs/wealth-mmf-income.md).
 */
export class MoneyMarketIncome {
  constructor(readonly context: WealthContext) {}

  /** Enters or corrects a date's income per 10,000 units (staff; audited). */
  enter(
    input: { date: string; per10k: string; productId?: string | undefined; confirmFar?: boolean | undefined },
    audit: AuditContext,
  ): Promise<{ entry: IncomeEntry; corrected: boolean }> {
    return enterIncome(this.context, input, audit);
  }

  /** Every date of the range with its entry (null where missing) and, once credited, its reconciliation. */
  async entries(query: {
    productId?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
  }) {
    const product = await moneyMarketFund(this.context.db, query.productId);
    const today = this.context.clock.businessDate();
    const { from, to } = parseRange(query.from, query.to, today, 31);
    const entries = new Map(
      (await entriesBetween(this.context.db, product.id, from, to)).map((e) => [e.date, e]),
    );
    const days: { date: PlainDate; entry: IncomeEntry | null; missing: boolean }[] = [];
    for (let d = toEpochDay(from); d <= toEpochDay(to); d++) {
      const date = fromEpochDay(d);
      const entry = entries.get(date) ?? null;
      // Missing: a date day-close has closed with no figure to credit (caught up by a later close).
      days.push({ date, entry, missing: entry === null && date < today });
    }
    return { product, from, to, days };
  }

  /**
   * Per-10k figures and 7-day annualised yields (both definitions) of the last `days` closed dates:
   * a date's figure is published once its day has closed, never while it is open or ahead of it
   * (operations may enter figures in advance).
   */
  async yields(query: { productId?: string | undefined; days?: number | undefined }) {
    const product = await moneyMarketFund(this.context.db, query.productId);
    const count = Math.min(Math.max(query.days ?? 30, 1), MAX_RANGE_DAYS);
    const to = addDays(this.context.clock.businessDate(), -1);
    const from = addDays(to, -(count - 1));
    const entries = await entriesBetween(this.context.db, product.id, addDays(from, -6), to);
    const byDate = new Map(entries.map((e) => [e.date, e.per10k]));
    const days: DayYield[] = [];
    for (let d = toEpochDay(from); d <= toEpochDay(to); d++) {
      const date = fromEpochDay(d);
      const week = Array.from({ length: 7 }, (_, i) => byDate.get(fromEpochDay(d - 6 + i)));
      const complete = week.every((k) => k !== undefined) ? (week as bigint[]) : null;
      const k = byDate.get(date);
      days.push({
        date,
        per10k: k === undefined ? null : formatPer10k(k),
        sevenDayCompounded: complete ? compoundedSevenDay(complete) : null,
        sevenDaySimple: complete ? simpleSevenDay(complete) : null,
      });
    }
    const latest = [...days].reverse().find((d) => d.sevenDayCompounded !== null) ?? null;
    const definition =
      String(product.terms.yieldDefinition ?? 'compounded') === 'simple' ? 'simple' : 'compounded';
    return { product, definition: definition as 'compounded' | 'simple', latest, days };
  }

  /** A holder's daily income from the ledger (the holding's income transfers), yesterday's and cumulative. */
  async holderIncome(
    userId: string,
    query: { productId?: string | undefined; from?: string | undefined; to?: string | undefined },
  ): Promise<HolderIncome> {
    const product = await moneyMarketFund(this.context.db, query.productId);
    const today = this.context.clock.businessDate();
    const { from, to } = parseRange(query.from, query.to, today, 30);
    const yesterday = addDays(today, -1);
    const holding = await holdingOf(this.context.db, product.id, userId);
    if (!holding)
      return {
        productId: product.id,
        from,
        to,
        units: 0n,
        yesterday: { date: yesterday, amount: 0n },
        cumulative: 0n,
        days: [],
      };
    const account = await this.context.ledger.getAccount(holding.accountId);
    const movements = await movementsOf(this.context.ledger, holding.accountId);
    const perDate = new Map<PlainDate, bigint>();
    let cumulative = 0n;
    for (const m of movements) {
      if (m.kind !== 'income' || !m.incomeDate) continue;
      cumulative += m.amount;
      perDate.set(m.incomeDate, (perDate.get(m.incomeDate) ?? 0n) + m.amount);
    }
    const days = [...perDate.entries()]
      .filter(([date]) => date >= from && date <= to)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([date, amount]) => ({ date, amount }));
    return {
      productId: product.id,
      from,
      to,
      units: account ? account.creditsPosted - account.debitsPosted : 0n,
      yesterday: { date: yesterday, amount: perDate.get(yesterday) ?? 0n },
      cumulative,
      days,
    };
  }

  /** A holder's statement of a month: opening, subscriptions, income, redemptions, closing. */
  async statement(
    userId: string,
    month: string,
    productId?: string,
  ): Promise<Statement & { productId: string }> {
    const product = await moneyMarketFund(this.context.db, productId);
    const bounds = monthBounds(month, this.context.clock.businessDate());
    const holding = await holdingOf(this.context.db, product.id, userId);
    const movements = holding
      ? await movementsOf(this.context.ledger, holding.accountId, afterMonth(bounds.to))
      : [];
    return { productId: product.id, ...statementOf(month, bounds, movements) };
  }

  /** Its day-close steps (positions in docs/wealth.md: 500-590): 500 credits, 505 reconciles. */
  daySteps(): BatchStep[] {
    return incomeDaySteps(this.context);
  }
}
