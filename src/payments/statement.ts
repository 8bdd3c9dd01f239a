import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { maskPhone } from '../identity/index.ts';
import { BUSINESS_TIME_ZONE, dateInZone, type PlainDate } from '../kernel/index.ts';
import { ChartOfAccounts, type PostedMovement, type Transfer } from '../ledger/index.ts';
import { TransferCode, walletAccountId } from './accounts.ts';
import type { PaymentsContext } from './context.ts';
import {
  type CounterpartKind,
  classify,
  type Direction,
  isPaymentCode,
  matchOf,
  type StatementKind,
  type StatementReference,
  sideOf,
} from './statement-kinds.ts';

/**
 * A customer's wallet statement, read from the ledger: every transfer that changed what the wallet
 * holds (its posted balance), newest first, each named in words (its kind), with the account on the
 * other side in words (its counterpart), a reference where one is known, and the balance just after
 * it. Pending holds (a bid, a withdrawal or a top-up in progress) change only what is frozen or
 * incoming, not the balance: they appear once posted, and not at all when released.
 *
 * What each movement is in words comes from statement-kinds.ts; the CSV file from statement-csv.ts.
 */
export interface WalletStatementLine {
  /** The ledger transfer's id. */
  readonly id: string;
  readonly createdAt: Date;
  /** The business date it was booked on where the owner recorded one, else createdAt's local date. */
  readonly businessDate: PlainDate;
  readonly kind: StatementKind;
  readonly code: number;
  readonly direction: Direction;
  readonly amount: bigint;
  readonly balanceAfter: bigint;
  readonly counterpart: {
    readonly kind: CounterpartKind;
    /** A merchant's name, another customer's masked mobile number. */
    readonly name: string | null;
  };
  /** The payment order, loan or credit line the movement belongs to, where known. */
  readonly reference: StatementReference;
  /** The page cursor: the ledger timestamp. */
  readonly cursor: bigint;
}

export interface StatementFilter {
  readonly kinds?: readonly StatementKind[] | undefined;
  readonly direction?: Direction | undefined;
  /** Local (Asia/Shanghai) dates, inclusive. */
  readonly from?: PlainDate | undefined;
  readonly to?: PlainDate | undefined;
  readonly before?: bigint | undefined;
  readonly limit: number;
}

/** Who registers business dates for movements it posted (lending: investor_flow_dates). */
export type StatementDates = (
  db: Executor,
  transfers: readonly Transfer[],
) => Promise<ReadonlyMap<string, PlainDate>>;

/**
 * Asia/Shanghai keeps UTC+8 all year: a local date's first and last instants. Nothing was posted
 * before 1970: an earlier date is taken as 1970-01-01, so that no instant before year 1 in UTC (which
 * the database refuses) is ever sent.
 */
const EPOCH_DAY = '1970-01-01' as PlainDate;
const sane = (date: PlainDate) => (date < EPOCH_DAY ? EPOCH_DAY : date);
const startOfDay = (date: PlainDate) => new Date(`${sane(date)}T00:00:00.000+08:00`);
const endOfDay = (date: PlainDate) => new Date(`${sane(date)}T23:59:59.999+08:00`);

/** One page of a customer's statement, newest first; `next` is the cursor of the next page, if any. */
export async function statement(
  context: PaymentsContext,
  userId: string,
  filter: StatementFilter,
): Promise<{ lines: WalletStatementLine[]; next: bigint | null }> {
  const account = await context.ledger.getAccount(walletAccountId(userId));
  if (!account) return { lines: [], next: null };
  const movements = await context.ledger.postedMovements(account, {
    accountId: account.id,
    match: filter.kinds === undefined ? undefined : filter.kinds.flatMap(matchOf),
    side: filter.direction === undefined ? undefined : sideOf(filter.direction),
    from: filter.from === undefined ? undefined : startOfDay(filter.from),
    to: filter.to === undefined ? undefined : endOfDay(filter.to),
    before: filter.before,
    limit: filter.limit + 1,
  });
  const page = movements.slice(0, filter.limit);
  const lines = await describe(context, page);
  return { lines, next: movements.length > filter.limit ? page[page.length - 1]!.transfer.timestamp : null };
}

const c = ChartOfAccounts;

/** Each movement in words, with the names and business dates its owners recorded. */
async function describe(
  context: PaymentsContext,
  movements: readonly PostedMovement[],
): Promise<WalletStatementLine[]> {
  const transfers = movements.map((m) => m.transfer);
  const orderIds = [
    ...new Set(transfers.filter((t) => isPaymentCode(t.code) && t.userData).map((t) => t.userData!)),
  ].filter((id) => /^[0-9a-f-]{36}$/.test(id));
  const orderDates = new Map<string, PlainDate>();
  if (orderIds.length > 0) {
    const rows = await sql<{ id: string; business_date: string }>`
      select id::text, business_date::text from payment_orders where id = any(${orderIds}::uuid[])`.execute(
      context.db,
    );
    for (const r of rows.rows) orderDates.set(r.id, r.business_date as PlainDate);
  }
  const recorded = context.statementDates.provider
    ? await context.statementDates.provider(context.db, transfers)
    : new Map<string, PlainDate>();

  const merchantIds = [
    ...new Set(
      movements
        .filter((m) => m.counterpart.code === c.merchantSettlement.code && m.counterpart.userData)
        .map((m) => m.counterpart.userData!),
    ),
  ];
  const merchants = new Map<string, string>();
  if (merchantIds.length > 0) {
    const rows = await sql<{ id: string; name: string }>`
      select id::text, name from merchants where id::text = any(${merchantIds}::text[])`.execute(context.db);
    for (const r of rows.rows) merchants.set(r.id, r.name);
  }
  const customerIds = [
    ...new Set(
      movements
        .filter((m) => m.counterpart.code === c.userWallet.code && m.transfer.code === TransferCode.transfer)
        .map((m) => m.counterpart.userData)
        .filter((id): id is string => id !== null),
    ),
  ];
  const phones = new Map<string, string>();
  for (const id of customerIds) {
    try {
      phones.set(id, maskPhone(await context.identity.users.phoneOf(id)));
    } catch {
      // A customer since erased: the counterpart stays unnamed.
    }
  }

  return movements.map((m) => {
    const t = m.transfer;
    const { direction, kind, counterpart, reference } = classify(m);
    const name =
      counterpart === 'merchant'
        ? (merchants.get(m.counterpart.userData ?? '') ?? null)
        : counterpart === 'customer'
          ? (phones.get(m.counterpart.userData ?? '') ?? null)
          : null;
    return {
      id: t.id,
      createdAt: t.createdAt,
      businessDate:
        recorded.get(t.id) ?? orderDates.get(t.userData ?? '') ?? dateInZone(t.createdAt, BUSINESS_TIME_ZONE),
      kind,
      code: t.code,
      direction,
      amount: t.amount,
      balanceAfter: m.balanceAfter,
      counterpart: { kind: counterpart, name },
      reference,
      cursor: t.timestamp,
    };
  });
}
