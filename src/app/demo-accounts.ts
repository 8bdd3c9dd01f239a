/** The demo's people (docs/web.md lists them): staff of every role, investors, borrowers, a merchant, customers. */
export const DEMO_PASSWORD = 'netfin2026';
export const PAYMENT_PASSWORD = '246813';

/** A demo user signed in through the API, as the demo's writers call it. */
export interface DemoPerson {
  readonly userId: string;
  readonly phone: string;
  readonly headers: { authorization: string };
}

/** The demo's API call: a request as a person, answering the body, failing on an unexpected status. */
export type DemoCall = (
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  options?: { as?: DemoPerson; payload?: object; expect?: number },
) => Promise<any>;

export interface DemoAccount {
  readonly phone: string;
  readonly displayName: string;
  readonly roles: readonly string[];
  readonly description: { readonly en: string; readonly zh: string };
}

const staff = (
  phone: string,
  displayName: string,
  role: string,
  en: string,
  zh: string,
): DemoAccount & { role: string } => ({ phone, displayName, roles: [role], role, description: { en, zh } });

export const STAFF = [
  staff('13800000000', '管理员 Admin', 'admin', 'administrator: every console page', '管理员：所有后台页面'),
  staff(
    '13800000001',
    '风控 Risk',
    'risk_officer',
    'risk officer: review queue, graphs',
    '风控专员：审核队列、决策流',
  ),
  staff(
    '13800000002',
    '催收 Collector',
    'collector',
    'collector (junior): M1 cases',
    '催收员（初级）：M1 案件',
  ),
  staff('13800000003', '催收 Senior', 'collector', 'collector (senior): M2 cases', '催收员（高级）：M2 案件'),
  staff(
    '13800000004',
    '催收主管 Supervisor',
    'collection_supervisor',
    'collections supervisor: every queue',
    '催收主管：所有队列',
  ),
  staff(
    '13800000005',
    '运营 Operations',
    'operations',
    'operations: day-close, products',
    '运营：日终、产品',
  ),
  staff('13800000006', '财务 Finance', 'finance', 'finance: reconciliation, ledger', '财务：对账、账本'),
  staff('13800000007', '法务 Legal', 'legal', 'legal: audit log, contracts', '法务：审计日志、合同'),
  staff(
    '13800000008',
    '合规 Compliance',
    'compliance',
    'compliance: anti-money-laundering, watch lists, data protection',
    '合规：反洗钱、名单筛查、数据保护',
  ),
];

const customer = (phone: string, displayName: string, en: string, zh: string): DemoAccount => ({
  phone,
  displayName,
  roles: ['customer'],
  description: { en, zh },
});

export const INVESTORS = [
  customer(
    '13900000001',
    '陈静',
    'investor (C5) with notes, auto-invest on',
    '出借人（C5），持有债权，已开自动投标',
  ),
  customer('13900000002', '刘洋', 'investor (C5) with notes on sale', '出借人（C5），有债权在转让'),
  customer('13900000003', '赵敏', 'investor (C5) with notes', '出借人（C5），持有债权'),
  customer('13900000004', '孙磊', 'investor (C5) with notes', '出借人（C5），持有债权'),
];
export const BORROWERS = [
  customer('13700000001', '王芳', 'borrower: loan repaying on time', '借款人：正常还款中'),
  customer('13700000002', '李强', 'borrower: loan paid off early', '借款人：已提前结清'),
  customer('13700000003', '张伟', 'borrower: overdue M1', '借款人：逾期 M1'),
  customer(
    '13700000004',
    '周杰',
    'borrower: overdue M2, advanced by the reserve',
    '借款人：逾期 M2，风险准备金已垫付',
  ),
  customer('13700000005', '吴刚', 'borrower: overdue M3', '借款人：逾期 M3'),
  customer('13700000006', '郑爽', 'borrower: overdue M3+, fully advanced', '借款人：逾期 M3+，已全额垫付'),
  customer('13700000007', '冯雪', 'borrower: listing filling now', '借款人：借款募集中'),
  customer('13700000008', '何畅', 'borrower: application awaiting review', '借款人：申请待人工审核'),
  customer('13700000009', '钱多多', 'borrower: full listing awaiting second review', '借款人：满标待复审'),
];
export const CREATORS = [
  customer(
    '13300000001',
    '苏晓',
    'crowdfunding creator: projects in every state, milestones, a refund',
    '众筹发起人：各状态项目、里程碑、退款',
  ),
  customer('13300000002', '江川', 'crowdfunding creator: a live project', '众筹发起人：筹款中的项目'),
];
export const MERCHANT = customer(
  '13600000001',
  '街角咖啡 Corner Café',
  'merchant with orders',
  '商户，有订单',
);
export const SHOPPER = customer('13500000001', '林夕', 'customer with a wallet', '普通用户，有钱包余额');
export const CREDIT_CUSTOMER = customer(
  '13500000002',
  '林晓',
  'consumer with a credit line: instalments, statements, a cash draw',
  '消费信贷用户：分期、账单、取现',
);
/** Customers the CRM demo's campaigns brought (src/app/demo-crm.ts). */
export const CRM_CUSTOMERS = [
  customer(
    '13400000001',
    '韩梅',
    'signed up through the WeChat campaign: its bonus, a referral reward, a prospect hesitating',
    '通过微信活动注册：活动奖励、邀请奖励，销售管道中“犹豫中”',
  ),
  customer(
    '13400000002',
    '高远',
    'referred by 韩梅 in the WeChat campaign: its bonus, a phone call in the inbox',
    '由韩梅邀请参加微信活动：活动奖励，客服工作台有来电记录',
  ),
  customer(
    '13400000003',
    '田甜',
    'signed up through the app store: a rate coupon due at the next close, a chat closed and rated',
    '通过应用商店注册：加息券将于下次日终发放，在线咨询已关闭并评价',
  ),
  customer(
    '13400000004',
    '罗佳',
    'signed up through the app store, never verified: an overdue follow-up',
    '通过应用商店注册，未实名：跟进任务已逾期',
  ),
];

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  ...STAFF,
  ...INVESTORS,
  ...BORROWERS,
  { ...MERCHANT, roles: ['customer', 'merchant'] },
  SHOPPER,
  CREDIT_CUSTOMER,
  ...CREATORS,
  ...CRM_CUSTOMERS,
];
