import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { maskPhone } from '../identity/index.ts';
import {
  BUSINESS_TIME_ZONE,
  CNY,
  csvDocument,
  dateInZone,
  formatAmount,
  type PlainDate,
} from '../kernel/index.ts';
import {
  ChartOfAccounts,
  type PostedMovement,
  type PostedMovementFilter,
  type Transfer,
} from '../ledger/index.ts';
import { TransferCode, walletAccountId } from './accounts.ts';
import type { PaymentsContext } from './context.ts';

/**
 * A customer's wallet statement, read from the ledger: every transfer that changed what the wallet
 * holds (its posted balance), newest first, each named in words (its kind), with the account on the
 * other side in words (its counterpart), a reference where one is known, and the balance just after
 * it. Pending holds (a bid, a withdrawal or a top-up in progress) change only what is frozen or
 * incoming, not the balance: they appear once posted, and not at all when released.
 *
 * The codes of other contexts (lending 2xx, credit 17xx, wealth 18xx) are named here by number
 * because payments is below them and cannot import them; test/payments/wallet-statement.test.ts
 * checks the numbers against their accounts.ts. A code not named here is shown as `other`.
 */
export const STATEMENT_KINDS = [
  'top_up',
  'withdrawal',
  'withdrawal_fee',
  'transfer_in',
  'transfer_out',
  'merchant_payment',
  'refund',
  'investment',
  'repayment_received_principal',
  'repayment_received_interest',
  'reserve_advance',
  'note_sale',
  'note_purchase',
  'note_sale_fee',
  'loan_disbursement',
  'loan_repayment',
  'prepayment_fee',
  'credit_draw',
  'credit_repayment',
  'wealth_subscription',
  'wealth_subscription_refund',
  'wealth_redemption',
  'wealth_interest',
  'other',
] as const;
export type StatementKind = (typeof STATEMENT_KINDS)[number];

export const COUNTERPART_KINDS = [
  'bank_card',
  'customer',
  'merchant',
  'loan',
  'note',
  'note_buyer',
  'note_seller',
  'risk_reserve',
  'platform_fees',
  'credit_line',
  'wealth_product',
  'platform',
] as const;
export type CounterpartKind = (typeof COUNTERPART_KINDS)[number];

type Direction = 'in' | 'out';
/** Money in is a credit to the wallet (a credit-normal account); out is a debit. */
const sideOf = (direction: Direction) => (direction === 'in' ? 'credit' : 'debit');

/** Each known code: its kind, or a kind for each direction when the code goes both ways. */
const KIND_OF_CODE: ReadonlyMap<number, StatementKind | Record<Direction, StatementKind>> = new Map<
  number,
  StatementKind | Record<Direction, StatementKind>
>([
  [TransferCode.topUp, 'top_up'],
  [TransferCode.withdrawal, 'withdrawal'],
  [TransferCode.withdrawalFee, 'withdrawal_fee'],
  [TransferCode.transfer, { in: 'transfer_in', out: 'transfer_out' }],
  [TransferCode.merchantPayment, 'merchant_payment'],
  [TransferCode.refund, 'refund'],
  // Lending (src/lending/accounts.ts LendingCode)
  [201, 'investment'], // bid, posted at disbursement
  [203, 'loan_disbursement'],
  [209, 'loan_repayment'], // principal
  [210, 'loan_repayment'], // interest
  [211, 'loan_repayment'], // fee
  [212, 'loan_repayment'], // penalty and late fee
  [213, 'repayment_received_principal'],
  [214, 'repayment_received_interest'],
  [216, 'loan_repayment'], // a payment after write-off, to the reserve
  [218, 'reserve_advance'],
  [222, { in: 'note_sale', out: 'note_purchase' }],
  [223, 'note_sale_fee'],
  [224, 'prepayment_fee'],
  // Consumer credit (src/credit/accounts.ts CreditCode)
  [1704, 'credit_draw'],
  [1706, 'credit_repayment'],
  [1707, 'credit_repayment'],
  [1715, 'credit_repayment'],
  [1716, 'credit_repayment'],
  [1717, 'credit_repayment'],
  [1718, 'credit_repayment'],
  // Wealth (src/wealth/accounts.ts WealthCode)
  [1801, 'wealth_subscription'],
  [1809, 'wealth_subscription'],
  [1803, 'wealth_subscription_refund'],
  [1811, 'wealth_subscription_refund'],
  [1805, 'wealth_redemption'],
  [1815, 'wealth_redemption'],
  [1812, 'wealth_interest'],
]);

/** The codes this statement names (for the check against the other contexts' codes). */
export const NAMED_CODES: readonly number[] = [...KIND_OF_CODE.keys()];

export function kindOf(code: number, direction: Direction): StatementKind {
  const kind = KIND_OF_CODE.get(code);
  if (kind === undefined) return 'other';
  return typeof kind === 'string' ? kind : kind[direction];
}

/** Which (code, side) pairs a kind is: the ledger's filter for it. */
type Match = NonNullable<PostedMovementFilter['match']>[number];
function matchOf(kind: StatementKind): Match[] {
  if (kind === 'other') return [{ notCodes: NAMED_CODES }];
  const out: Match[] = [];
  for (const [code, named] of KIND_OF_CODE) {
    if (named === kind) out.push({ code });
    else if (typeof named !== 'string')
      for (const direction of ['in', 'out'] as const)
        if (named[direction] === kind) out.push({ code, side: sideOf(direction) });
  }
  return out;
}

const c = ChartOfAccounts;
const COUNTERPART_OF_ACCOUNT = new Map<number, CounterpartKind>([
  [c.channelCash.code, 'bank_card'],
  [c.channelClearing.code, 'bank_card'],
  [c.userWallet.code, 'customer'],
  [c.merchantSettlement.code, 'merchant'],
  [c.loanPrincipal.code, 'loan'],
  [c.loanInterest.code, 'loan'],
  [c.loanFees.code, 'loan'],
  [c.loanPenalty.code, 'loan'],
  [c.loanFunding.code, 'loan'],
  [c.loanInterestPayable.code, 'loan'],
  [c.investorNote.code, 'note'],
  [c.riskReserve.code, 'risk_reserve'],
  [c.reserveClaim.code, 'risk_reserve'],
  [c.feeIncome.code, 'platform_fees'],
  [c.penaltyIncome.code, 'platform_fees'],
  [c.creditPrincipal.code, 'credit_line'],
  [c.creditInterest.code, 'credit_line'],
  [c.creditUnbilled.code, 'credit_line'],
  [c.statementPrincipal.code, 'credit_line'],
  [c.statementFees.code, 'credit_line'],
  [c.statementInterest.code, 'credit_line'],
  [c.statementPenalty.code, 'credit_line'],
  [c.fundHolding.code, 'wealth_product'],
  [c.wealthSubscriptionPending.code, 'wealth_product'],
  [c.wealthRaising.code, 'wealth_product'],
  [c.fundCustody.code, 'wealth_product'],
  [c.wealthInterest.code, 'wealth_product'],
]);
const LOAN_ACCOUNTS = new Set<number>([
  c.loanPrincipal.code,
  c.loanInterest.code,
  c.loanFees.code,
  c.loanPenalty.code,
  c.loanFunding.code,
  c.loanInterestPayable.code,
  c.investorNote.code,
]);

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
  readonly reference: { readonly type: 'order' | 'loan' | 'credit_line'; readonly id: string } | null;
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

async function describe(
  context: PaymentsContext,
  movements: readonly PostedMovement[],
): Promise<WalletStatementLine[]> {
  const transfers = movements.map((m) => m.transfer);
  const paymentCodes = new Set<number>(Object.values(TransferCode));
  const orderIds = [
    ...new Set(transfers.filter((t) => paymentCodes.has(t.code) && t.userData).map((t) => t.userData!)),
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
    const direction: Direction = m.side === 'credit' ? 'in' : 'out';
    const kind = kindOf(t.code, direction);
    let counterpart: CounterpartKind = COUNTERPART_OF_ACCOUNT.get(m.counterpart.code) ?? 'platform';
    // A note bought or sold: the other investor is not named, only their part in the trade.
    if (counterpart === 'customer' && (kind === 'note_sale' || kind === 'note_purchase'))
      counterpart = kind === 'note_sale' ? 'note_buyer' : 'note_seller';
    const name =
      counterpart === 'merchant'
        ? (merchants.get(m.counterpart.userData ?? '') ?? null)
        : counterpart === 'customer'
          ? (phones.get(m.counterpart.userData ?? '') ?? null)
          : null;
    let reference: WalletStatementLine['reference'] = null;
    if (paymentCodes.has(t.code) && t.userData) reference = { type: 'order', id: t.userData };
    else if (LOAN_ACCOUNTS.has(m.counterpart.code) && m.counterpart.userData)
      reference = { type: 'loan', id: m.counterpart.userData };
    else if (counterpart === 'credit_line' && t.userData) reference = { type: 'credit_line', id: t.userData };
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

/** The most lines one CSV export holds. */
export const STATEMENT_CSV_CAP = 10_000;

type Language = 'zh' | 'en';
const WORDS: Record<
  Language,
  {
    header: string[];
    kinds: Record<StatementKind, string>;
    counterparts: Record<CounterpartKind, string>;
    directions: Record<Direction, string>;
  }
> = {
  en: {
    header: [
      'Time',
      'Business date',
      'Kind',
      'Direction',
      'Amount (CNY)',
      'Balance after (CNY)',
      'Counterpart',
      'Reference',
    ],
    kinds: {
      top_up: 'Top-up',
      withdrawal: 'Withdrawal',
      withdrawal_fee: 'Withdrawal fee',
      transfer_in: 'Transfer received',
      transfer_out: 'Transfer sent',
      merchant_payment: 'Payment to a merchant',
      refund: 'Refund from a merchant',
      investment: 'Investment in a loan',
      repayment_received_principal: 'Principal repaid to you',
      repayment_received_interest: 'Interest paid to you',
      reserve_advance: 'Advance from the risk reserve',
      note_sale: 'Note sold',
      note_purchase: 'Note bought',
      note_sale_fee: 'Note transfer fee',
      loan_disbursement: 'Loan paid out to you',
      loan_repayment: 'Loan repayment',
      prepayment_fee: 'Prepayment fee',
      credit_draw: 'Credit line draw',
      credit_repayment: 'Credit line repayment',
      wealth_subscription: 'Wealth product subscription',
      wealth_subscription_refund: 'Wealth subscription refunded',
      wealth_redemption: 'Wealth product redemption',
      wealth_interest: 'Wealth product interest',
      other: 'Other movement',
    },
    counterparts: {
      bank_card: 'Bank card',
      customer: 'Another customer',
      merchant: 'Merchant',
      loan: 'Loan',
      note: 'Loan note',
      note_buyer: 'Note buyer',
      note_seller: 'Note seller',
      risk_reserve: 'Risk reserve',
      platform_fees: 'Platform fees',
      credit_line: 'Credit line',
      wealth_product: 'Wealth product',
      platform: 'netfin',
    },
    directions: { in: 'In', out: 'Out' },
  },
  zh: {
    header: ['时间', '业务日期', '类型', '方向', '金额（元）', '变动后余额（元）', '对方', '关联单号'],
    kinds: {
      top_up: '充值',
      withdrawal: '提现',
      withdrawal_fee: '提现手续费',
      transfer_in: '转入',
      transfer_out: '转出',
      merchant_payment: '商户付款',
      refund: '商户退款',
      investment: '出借',
      repayment_received_principal: '回收本金',
      repayment_received_interest: '回收利息',
      reserve_advance: '风险准备金垫付',
      note_sale: '债权转让收入',
      note_purchase: '购买债权',
      note_sale_fee: '债权转让手续费',
      loan_disbursement: '借款放款',
      loan_repayment: '借款还款',
      prepayment_fee: '提前还款手续费',
      credit_draw: '信用额度取现',
      credit_repayment: '信用额度还款',
      wealth_subscription: '理财申购',
      wealth_subscription_refund: '理财申购退款',
      wealth_redemption: '理财赎回',
      wealth_interest: '理财收益',
      other: '其他',
    },
    counterparts: {
      bank_card: '银行卡',
      customer: '其他用户',
      merchant: '商户',
      loan: '借款',
      note: '债权',
      note_buyer: '债权受让人',
      note_seller: '债权转让人',
      risk_reserve: '风险准备金',
      platform_fees: '平台费用',
      credit_line: '信用额度',
      wealth_product: '理财产品',
      platform: '平台',
    },
    directions: { in: '收入', out: '支出' },
  },
};

const localTime = new Intl.DateTimeFormat('sv-SE', {
  timeZone: BUSINESS_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/**
 * The statement as CSV (UTF-8 with a byte order mark, a header in the language asked for): every
 * line the filter keeps, newest first, up to STATEMENT_CSV_CAP; amounts signed decimals, times local.
 */
export async function statementCsv(
  context: PaymentsContext,
  userId: string,
  filter: Omit<StatementFilter, 'limit' | 'before'>,
  language: Language,
): Promise<string> {
  const words = WORDS[language];
  const rows: unknown[][] = [words.header];
  let before: bigint | undefined;
  let left = STATEMENT_CSV_CAP;
  while (left > 0) {
    const page = await statement(context, userId, { ...filter, before, limit: Math.min(left, 1000) });
    for (const line of page.lines) {
      const sign = line.direction === 'out' ? '-' : '';
      rows.push([
        localTime.format(line.createdAt),
        line.businessDate,
        words.kinds[line.kind],
        words.directions[line.direction],
        `${sign}${formatAmount(line.amount, CNY)}`,
        formatAmount(line.balanceAfter, CNY),
        line.counterpart.name
          ? `${words.counterparts[line.counterpart.kind]} ${line.counterpart.name}`
          : words.counterparts[line.counterpart.kind],
        line.reference?.id ?? '',
      ]);
    }
    left -= page.lines.length;
    if (page.next === null) break;
    before = page.next;
  }
  return csvDocument(rows);
}
