import {
  addDays,
  BUSINESS_TIME_ZONE,
  dateInZone,
  daysInMonth,
  fromParts,
  invalid,
  type PlainDate,
} from '../../kernel/index.ts';
import { type Ledger, type Transfer, TransferFlag } from '../../ledger/index.ts';
import { WealthCode } from '../accounts.ts';
import { incomeDateOf } from './income-credit.ts';

/**
 * A holder's money-market statements and income, read from the ledger (the holding account's
 * transfers): nothing here keeps a balance of its own. A movement is booked on the Shanghai date of
 * the transfer (day-close posts in the evening of the business date it closes); an income line also
 * names the calendar date whose income it is.
 */
export type MovementKind = 'subscription' | 'income' | 'redemption';

export interface Movement {
  readonly bookedOn: PlainDate;
  readonly kind: MovementKind;
  /** Positive: units in (subscription, income); units out are positive amounts of a redemption. */
  readonly amount: bigint;
  readonly incomeDate: PlainDate | null;
  readonly transferId: string;
}

const PAGE = 1000;

/** Every posted movement of a holding account, oldest first (pending amounts are frozen, not moved). */
export async function movementsOf(ledger: Ledger, accountId: string, until?: Date): Promise<Movement[]> {
  const out: Movement[] = [];
  let after: bigint | undefined;
  for (;;) {
    const page: Transfer[] = await ledger.accountTransfers({
      accountId,
      limit: PAGE,
      ...(after === undefined ? {} : { after }),
      ...(until ? { to: until } : {}),
    });
    for (const t of page) {
      if (t.flags & (TransferFlag.pending | TransferFlag.voidPendingTransfer)) continue;
      if (t.amount === 0n) continue;
      const credit = t.creditAccountId === accountId;
      const incomeDate = credit && t.code === WealthCode.income ? incomeDateOf(t.id) : null;
      out.push({
        bookedOn: dateInZone(t.createdAt, BUSINESS_TIME_ZONE),
        kind: credit ? (t.code === WealthCode.income ? 'income' : 'subscription') : 'redemption',
        amount: t.amount,
        incomeDate,
        transferId: t.id,
      });
    }
    if (page.length < PAGE) return out;
    after = page[page.length - 1]!.timestamp;
  }
}

export interface Statement {
  readonly month: string;
  readonly from: PlainDate;
  readonly to: PlainDate;
  readonly opening: bigint;
  readonly subscriptions: bigint;
  readonly income: bigint;
  readonly redemptions: bigint;
  readonly closing: bigint;
  readonly lines: readonly Movement[];
}

/** The first and last dates of "YYYY-MM", refused if malformed or not yet begun. */
export function monthBounds(month: string, today: PlainDate): { from: PlainDate; to: PlainDate } {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  const year = Number(match?.[1]);
  const m = Number(match?.[2]);
  if (!match || m < 1 || m > 12 || year < 2000) throw invalid('month_malformed', 'a month is YYYY-MM');
  const from = fromParts(year, m, 1);
  if (from > today) throw invalid('month_not_begun', 'that month has not begun');
  return { from, to: fromParts(year, m, daysInMonth(year, m)) };
}

/** The statement of a month from a holding's movements: opening + in − out = closing. */
export function statementOf(
  month: string,
  bounds: { from: PlainDate; to: PlainDate },
  all: readonly Movement[],
): Statement {
  let opening = 0n;
  let subscriptions = 0n;
  let income = 0n;
  let redemptions = 0n;
  const lines: Movement[] = [];
  for (const m of all) {
    const signed = m.kind === 'redemption' ? -m.amount : m.amount;
    if (m.bookedOn < bounds.from) opening += signed;
    else if (m.bookedOn <= bounds.to) {
      lines.push(m);
      if (m.kind === 'subscription') subscriptions += m.amount;
      else if (m.kind === 'income') income += m.amount;
      else redemptions += m.amount;
    }
  }
  return {
    month,
    ...bounds,
    opening,
    subscriptions,
    income,
    redemptions,
    closing: opening + subscriptions + income - redemptions,
    lines,
  };
}

/** The instant just after the last day of the month in Shanghai (an upper bound to read up to). */
export function afterMonth(to: PlainDate): Date {
  // Midnight in Shanghai is 16:00 UTC the day before; a day of margin costs nothing (filtered by date).
  return new Date(`${addDays(to, 2)}T00:00:00Z`);
}
