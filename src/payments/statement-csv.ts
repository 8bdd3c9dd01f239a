import { BUSINESS_TIME_ZONE, CNY, csvDocument, formatAmount } from '../kernel/index.ts';
import type { PaymentsContext } from './context.ts';
import { type StatementFilter, statement } from './statement.ts';
import type { CounterpartKind, Direction, StatementKind } from './statement-kinds.ts';

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
      reward: 'Campaign or referral reward',
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
      reward: '活动或邀请奖励',
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
