import type { CustomerIdentity } from '../../identity/index.ts';
import { CNY, formatAmount } from '../../kernel/index.ts';
import { type PdfBlock, renderPdf } from '../pdf.ts';
import type { AmlAlert, AmlCase } from './cases.ts';
import { RULE_NAMES, type RuleCode } from './default-rules.ts';

/**
 * The suspicious-transaction report for the regulator: the customer's identity in clear (this is
 * what the report is for), the rules that fired and the transactions, one row each. CSV for the
 * regulator's systems and for Excel (UTF-8 with a byte-order mark, so Excel reads the Chinese), PDF
 * for the file.
 */
export interface ReportInput {
  readonly amlCase: AmlCase;
  readonly alerts: readonly AmlAlert[];
  readonly customer: CustomerIdentity | null;
  readonly generatedAt: Date;
}

const KIND_ZH: Record<string, string> = {
  top_up: '充值',
  withdrawal: '提现',
  transfer_in: '转入',
  transfer_out: '转出',
  merchant_payment: '消费',
  refund: '退款',
  loan_disbursed: '借款放款',
};

const yuan = (cents: string) => formatAmount(BigInt(cents), CNY);
const ruleName = (code: string) => RULE_NAMES[code as RuleCode]?.zh ?? code;

/** The transactions of all the case's alerts, each once, in time order, with the rules that cite it. */
export function reportTransactions(alerts: readonly AmlAlert[]) {
  const byRef = new Map<string, AmlAlert['evidence']['transactions'][number] & { rules: Set<string> }>();
  for (const alert of alerts)
    for (const t of alert.evidence.transactions ?? []) {
      const known = byRef.get(`${t.ref}:${t.direction}`) ?? { ...t, rules: new Set<string>() };
      known.rules.add(alert.ruleCode);
      byRef.set(`${t.ref}:${t.direction}`, known);
    }
  return [...byRef.values()].sort((a, b) => a.at.localeCompare(b.at) || a.ref.localeCompare(b.ref));
}

/**
 * One CSV field: quoted when it holds a comma, quote or line break, quotes doubled (RFC 4180). A
 * field that a spreadsheet would run as a formula (=, +, -, @ first) is prefixed with an apostrophe.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function reportCsv(input: ReportInput): string {
  const { amlCase, customer } = input;
  const header = [
    'case_id',
    'case_status',
    'customer_id',
    'real_name',
    'id_number',
    'phone',
    'region_code',
    'transaction_ref',
    'kind',
    'direction',
    'amount',
    'currency',
    'time',
    'business_date',
    'rules',
  ];
  const rows = reportTransactions(input.alerts).map((t) => [
    amlCase.id,
    amlCase.status,
    amlCase.customerId,
    customer?.realName ?? '',
    customer?.idNumber ?? '',
    customer?.phone ?? '',
    customer?.regionCode ?? '',
    t.ref,
    t.kind,
    t.direction,
    yuan(t.amount),
    'CNY',
    t.at,
    t.businessDate,
    [...t.rules].sort().join(' '),
  ]);
  const lines = [header, ...rows].map((row) => row.map(csvField).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export function reportPdf(input: ReportInput): Promise<Uint8Array> {
  const { amlCase, customer, alerts } = input;
  const transactions = reportTransactions(alerts);
  const blocks: PdfBlock[] = [
    { kind: 'heading', text: '客户信息 Customer' },
    {
      kind: 'fields',
      rows: [
        ['姓名 Name', customer?.realName ?? '—'],
        ['身份证号 ID number', customer?.idNumber ?? '—'],
        ['手机号 Phone', customer?.phone ?? '—'],
        ['地区 Region', customer?.regionCode ?? '—'],
        ['实名等级 KYC level', String(customer?.kycLevel ?? 0)],
        ['客户编号 Customer id', amlCase.customerId],
      ],
    },
    { kind: 'heading', text: '触发规则 Rules' },
    {
      kind: 'table',
      header: ['规则 Rule', '规则集版本 Version', '日期 Date', '阈值 Threshold'],
      rows: alerts.map((a) => [
        ruleName(a.ruleCode),
        String(a.ruleSetVersion),
        a.businessDate,
        String((a.facts.output as Record<string, unknown> | undefined)?.threshold ?? ''),
      ]),
    },
    { kind: 'heading', text: '交易明细 Transactions' },
    {
      kind: 'table',
      header: ['时间 Time', '类型 Kind', '金额 Amount (CNY)', '流水号 Reference'],
      rows: transactions.map((t) => [
        t.at.replace('T', ' ').slice(0, 19),
        `${KIND_ZH[t.kind] ?? t.kind} ${t.direction === 'in' ? '入' : '出'}`,
        yuan(t.amount),
        t.ref,
      ]),
      widths: [0.25, 0.2, 0.2, 0.35],
    },
    { kind: 'heading', text: '处理意见 Decision' },
    {
      kind: 'fields',
      rows: [
        ['状态 Status', amlCase.status],
        ['提议人 Proposed by', amlCase.reportProposedBy ?? '—'],
        ['提议时间 Proposed at', amlCase.reportProposedAt?.toISOString() ?? '—'],
        ['复核人 Approved by', amlCase.reportApprovedBy ?? '—'],
        ['复核时间 Approved at', amlCase.reportApprovedAt?.toISOString() ?? '—'],
        ['理由 Reason', amlCase.reportReason ?? '—'],
      ],
    },
  ];
  return renderPdf({
    // Until a second officer approves it, the report is a draft for that officer's review, and says so.
    title:
      amlCase.status === 'reported'
        ? '可疑交易报告 Suspicious transaction report'
        : '可疑交易报告（草稿，待复核）Suspicious transaction report (DRAFT, awaiting second approval)',
    createdAt: input.generatedAt,
    author: 'netfin compliance',
    blocks,
    footer: `案件 Case ${amlCase.id}`,
  });
}
