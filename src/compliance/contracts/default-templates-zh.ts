import type { ContractKind } from './model.ts';
import type { TemplateBlock } from './template-format.ts';

/**
 * The Chinese default templates (the governing text), seeded approved by 'system' on a database
 * with none, so that contracts render from the first deal. Legal replaces them through the template
 * lifecycle; the wording follows the model clauses of online lending and consumer credit contracts.
 */
const platformRows: [string, string][] = [
  ['平台（居间服务方）', '{{platform.name}}'],
  ['住所', '{{platform.address}}'],
  ['网址', '{{platform.website}}'],
  ['资质', '{{platform.licence}}'],
];

const person = (role: string, label: string): [string, string][] => [
  [`${label}（姓名）`, `{{${role}.name}}`],
  ['身份证号码', `{{${role}.idNumber}}`],
  ['手机号码', `{{${role}.phone}}`],
];

const closing: TemplateBlock[] = [
  { kind: 'heading', text: '法律适用与争议解决' },
  {
    kind: 'paragraph',
    text: '本合同的订立、效力、解释、履行及争议解决均适用中华人民共和国法律（不含港澳台地区法律）。因本合同引起的或与本合同有关的任何争议，各方应友好协商解决；协商不成的，任何一方均可向平台住所地（上海市浦东新区）有管辖权的人民法院提起诉讼。',
  },
  { kind: 'heading', text: '电子签署与合同存证' },
  {
    kind: 'paragraph',
    text: '各方同意以电子方式签署本合同，各方在平台上点击确认即视为签署，与书面签字具有同等法律效力。本合同条款的摘要值（{{contract.digestAlgorithm}}，即对合同种类、标的编号、条款及当事人按 RFC 8785 规范化后的 JSON 计算的 SHA-256）为：{{contract.termsDigest}}。任何一方可凭本合同 PDF 文件在平台核验其与平台存证是否一致。',
  },
  { kind: 'paragraph', text: '{{text.governingNote}}' },
  { kind: 'heading', text: '签署页：各方电子签署记录' },
  {
    kind: 'table',
    source: 'acceptances',
    columns: [
      { header: '身份', field: 'role', width: 0.12 },
      { header: '签署人', field: 'name', width: 0.12 },
      { header: '签署时间', field: 'acceptedAt', width: 0.2 },
      { header: 'IP 地址', field: 'ip', width: 0.14 },
      { header: '确认内容摘要', field: 'hash', width: 0.32 },
      { header: '模板版本', field: 'templateVersion', width: 0.1 },
    ],
  },
  {
    kind: 'fields',
    rows: [
      ['合同编号', '{{contract.number}}'],
      ['签署日期', '{{contract.signedAt}}'],
    ],
  },
];

const loan: TemplateBlock[] = [
  {
    kind: 'fields',
    rows: [
      ['合同编号', '{{contract.number}}'],
      ['签订日期', '{{contract.signedDate}}'],
    ],
  },
  { kind: 'heading', text: '合同各方' },
  { kind: 'fields', rows: person('borrower', '借款人') },
  { kind: 'paragraph', text: '出借人（以下各出借人合称“出借人”）：' },
  {
    kind: 'table',
    source: 'lenders',
    columns: [
      { header: '出借人姓名', field: 'name', width: 0.2 },
      { header: '身份证号码', field: 'idNumber', width: 0.32 },
      { header: '手机号码', field: 'phone', width: 0.24 },
      { header: '出借金额（元）', field: 'principal', width: 0.24 },
    ],
  },
  { kind: 'fields', rows: platformRows },
  { kind: 'heading', text: '第一条 借款金额与用途' },
  {
    kind: 'paragraph',
    text: '借款人向出借人借款人民币 {{terms.amount}} 元（币种 {{terms.currency}}），借款产品为 {{terms.product}}。借款人承诺借款用于合法的个人消费或经营用途，不得用于购房、股票、期货等投资或任何违法用途。',
  },
  { kind: 'heading', text: '第二条 借款期限、利率与综合年化成本' },
  {
    kind: 'fields',
    rows: [
      ['借款期限', '{{terms.term}}{{text.termUnit}}'],
      ['起息日', '{{terms.startDate}}'],
      ['名义年利率', '{{text.annualRatePercent}}'],
      ['综合年化成本（APR，按内部收益率法计算，含全部费用）', '{{text.aprPercent}}'],
      ['还款方式', '{{text.method}}'],
      ['还款期数', '{{text.installmentCount}}'],
    ],
  },
  { kind: 'heading', text: '第三条 还款计划' },
  {
    kind: 'table',
    source: 'installments',
    columns: [
      { header: '期数', field: 'period', width: 0.12 },
      { header: '应还日期', field: 'dueDate', width: 0.22 },
      { header: '本金（元）', field: 'principal', width: 0.22 },
      { header: '利息（元）', field: 'interest', width: 0.22 },
      { header: '合计（元）', field: 'total', width: 0.22 },
    ],
  },
  { kind: 'heading', text: '第四条 费用' },
  {
    kind: 'paragraph',
    text: '借款人应向平台支付服务费：放款时一次性收取 {{terms.upfrontFee}} 元，每期另收取 {{terms.periodFee}} 元。除本合同载明的费用外，平台及出借人不得以任何名义向借款人收取其他费用。上述费用已计入第二条所列综合年化成本。',
  },
  { kind: 'heading', text: '第五条 风险准备金' },
  {
    kind: 'paragraph',
    text: '放款时由借款人缴纳风险准备金 {{terms.reserveContribution}} 元，存入平台在存管银行开立的风险准备金专户，专户资金仅用于借款人逾期时按平台规则向出借人垫付，不构成平台对出借本息的担保或保本承诺。',
  },
  { kind: 'heading', text: '第六条 逾期责任' },
  {
    kind: 'paragraph',
    text: '借款人应按还款计划足额还款。应还日后设宽限期 {{terms.graceDays}} 天，宽限期内还款不计罚息。超过宽限期仍未足额还款的，自应还日起按逾期本金每日 {{text.penaltyDailyRatePercent}} 计收罚息，并每期收取逾期违约金 {{terms.lateFee}} 元；罚息、违约金与利息合计不超过法律规定的上限。',
  },
  { kind: 'heading', text: '第七条 提前还款' },
  {
    kind: 'paragraph',
    text: '借款人可提前偿还全部或部分剩余本金，利息计至实际还款日；提前还款手续费为提前偿还本金的 {{text.prepaymentFeeRatePercent}}。',
  },
  { kind: 'heading', text: '第八条 各方权利义务与个人信息' },
  {
    kind: 'paragraph',
    text: '平台作为信息中介，负责信息展示、撮合、资金划转指令与账务处理，不吸收公众存款、不设立资金池、不提供担保。各方同意平台为履行本合同处理其姓名、身份证号码、手机号码等个人信息，平台依法保护个人信息安全，除法律规定或本合同履行所必需外不向第三方提供。',
  },
  ...closing,
];

const noteTransfer: TemplateBlock[] = [
  {
    kind: 'fields',
    rows: [
      ['合同编号', '{{contract.number}}'],
      ['签订日期', '{{contract.signedDate}}'],
    ],
  },
  { kind: 'heading', text: '合同各方' },
  { kind: 'fields', rows: [...person('seller', '转让人'), ...person('buyer', '受让人'), ...platformRows] },
  { kind: 'heading', text: '第一条 转让标的' },
  {
    kind: 'paragraph',
    text: '转让人将其持有的债权（债权编号 {{terms.noteId}}，对应借款 {{terms.loanId}}，借款名义年利率 {{text.loanAnnualRatePercent}}，剩余 {{terms.remainingInstallments}} 期）项下剩余本金 {{terms.principal}} 元及其后产生的利息等权利转让给受让人。',
  },
  { kind: 'heading', text: '第二条 转让价格与费用' },
  {
    kind: 'fields',
    rows: [
      ['转让价格（元）', '{{terms.price}}'],
      ['折让率', '{{text.discountRatePercent}}'],
      ['转让服务费（元，由转让人承担）', '{{terms.fee}}'],
      ['转让日', '{{terms.transferDate}}'],
      ['币种', '{{terms.currency}}'],
    ],
  },
  { kind: 'heading', text: '第三条 权利转移与通知' },
  {
    kind: 'paragraph',
    text: '受让人支付转让价款后，债权及其从权利自转让日起归受让人所有。平台代为通知借款人，借款人此后向受让人履行还款义务。转让人保证所转让债权真实、合法且未设定任何权利负担。',
  },
  ...closing,
];

const creditLine: TemplateBlock[] = [
  {
    kind: 'fields',
    rows: [
      ['合同编号', '{{contract.number}}'],
      ['签订日期', '{{contract.signedDate}}'],
    ],
  },
  { kind: 'heading', text: '合同各方' },
  { kind: 'fields', rows: [...person('customer', '借款人（授信申请人）'), ...platformRows] },
  { kind: 'heading', text: '第一条 授信额度' },
  {
    kind: 'paragraph',
    text: '平台向客户提供循环授信额度人民币 {{terms.limit}} 元（币种 {{terms.currency}}，产品 {{terms.product}}），自 {{terms.openedOn}} 起生效，于 {{terms.reviewOn}} 复审。额度内可循环使用，已用额度随还款恢复。',
  },
  { kind: 'heading', text: '第二条 利率与综合年化成本' },
  {
    kind: 'fields',
    rows: [
      ['日利率', '{{text.dailyRatePercent}}'],
      ['名义年利率', '{{text.annualRatePercent}}'],
      ['综合年化成本（APR，按内部收益率法计算，含全部费用）', '{{text.aprPercent}}'],
      ['账单日（每月）', '{{terms.statementDay}}'],
      ['宽限期（天）', '{{terms.graceDays}}'],
    ],
  },
  { kind: 'heading', text: '第三条 逾期责任' },
  {
    kind: 'paragraph',
    text: '客户未在到期还款日（含宽限期）足额还款的，就逾期金额按日 {{text.penaltyDailyRatePercent}} 计收罚息，合计不超过法律规定的上限。客户可随时提前还款，提前还款不收取违约金。',
  },
  ...closing,
];

const wealth: TemplateBlock[] = [
  {
    kind: 'fields',
    rows: [
      ['合同编号', '{{contract.number}}'],
      ['签订日期', '{{contract.signedDate}}'],
    ],
  },
  { kind: 'heading', text: '合同各方' },
  { kind: 'fields', rows: [...person('customer', '投资人'), ...platformRows] },
  { kind: 'heading', text: '第一条 产品与认购' },
  {
    kind: 'paragraph',
    text: '投资人认购平台代销的理财产品 {{terms.product}}，认购金额 {{terms.amount}} 元（币种 {{terms.currency}}）。产品的收益、期限、费用与风险以产品说明书为准，说明书为本合同的组成部分。',
  },
  { kind: 'heading', text: '第二条 风险揭示' },
  {
    kind: 'paragraph',
    text: '理财非存款，产品有风险，投资须谨慎。过往业绩不代表未来表现，平台不保证本金和收益。投资人确认已完成风险承受能力评估，所购产品与其风险等级相匹配。',
  },
  ...closing,
];

export const DEFAULT_TEMPLATES_ZH: Record<ContractKind, { title: string; body: TemplateBlock[] }> = {
  loan: { title: '借款合同', body: loan },
  note_transfer: { title: '债权转让协议', body: noteTransfer },
  credit_line: { title: '循环授信合同', body: creditLine },
  wealth_product: { title: '理财产品认购协议', body: wealth },
};
