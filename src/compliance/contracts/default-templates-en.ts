import type { ContractKind } from './model.ts';
import type { TemplateBlock } from './template-format.ts';

/** The English default templates: a translation for reference; each says that the Chinese text governs. */
const platformRows: [string, string][] = [
  ['Platform (intermediary)', '{{platform.name}}'],
  ['Address', '{{platform.address}}'],
  ['Website', '{{platform.website}}'],
  ['Licence', '{{platform.licence}}'],
];

const person = (role: string, label: string): [string, string][] => [
  [`${label} (full name)`, `{{${role}.name}}`],
  ['Resident ID number', `{{${role}.idNumber}}`],
  ['Mobile phone', `{{${role}.phone}}`],
];

const governs: TemplateBlock = { kind: 'paragraph', text: '{{text.governingNote}}' };

const closing: TemplateBlock[] = [
  { kind: 'heading', text: 'Governing law and disputes' },
  {
    kind: 'paragraph',
    text: "This contract is governed by the laws of the People's Republic of China (excluding those of Hong Kong, Macau and Taiwan). The parties shall first try to settle any dispute arising from or in connection with it by negotiation; failing that, either party may sue in the competent people's court at the platform's domicile (Pudong New Area, Shanghai).",
  },
  { kind: 'heading', text: 'Electronic signature and evidence' },
  {
    kind: 'paragraph',
    text: "The parties sign this contract electronically; a party's confirmation on the platform has the same legal effect as a handwritten signature. The digest of the contract's terms ({{contract.digestAlgorithm}}: SHA-256 over the RFC 8785 canonical JSON of the kind, subject, terms and parties) is {{contract.termsDigest}}. Any party may check a copy of this PDF against the platform's record.",
  },
  governs,
  { kind: 'heading', text: "Signature page: the parties' electronic acceptances" },
  {
    kind: 'table',
    source: 'acceptances',
    columns: [
      { header: 'Capacity', field: 'role', width: 0.12 },
      { header: 'Signed by', field: 'name', width: 0.12 },
      { header: 'Time', field: 'acceptedAt', width: 0.2 },
      { header: 'IP address', field: 'ip', width: 0.14 },
      { header: 'Hash accepted', field: 'hash', width: 0.32 },
      { header: 'Template', field: 'templateVersion', width: 0.1 },
    ],
  },
  {
    kind: 'fields',
    rows: [
      ['Contract number', '{{contract.number}}'],
      ['Signed at', '{{contract.signedAt}}'],
    ],
  },
];

const head: TemplateBlock[] = [
  governs,
  {
    kind: 'fields',
    rows: [
      ['Contract number', '{{contract.number}}'],
      ['Date', '{{contract.signedDate}}'],
    ],
  },
  { kind: 'heading', text: 'Parties' },
];

const loan: TemplateBlock[] = [
  ...head,
  { kind: 'fields', rows: person('borrower', 'Borrower') },
  { kind: 'paragraph', text: 'Lenders (together, "the Lenders"):' },
  {
    kind: 'table',
    source: 'lenders',
    columns: [
      { header: 'Lender', field: 'name', width: 0.2 },
      { header: 'Resident ID number', field: 'idNumber', width: 0.32 },
      { header: 'Mobile phone', field: 'phone', width: 0.24 },
      { header: 'Amount lent (CNY)', field: 'principal', width: 0.24 },
    ],
  },
  { kind: 'fields', rows: platformRows },
  { kind: 'heading', text: '1. Amount and purpose' },
  {
    kind: 'paragraph',
    text: 'The Borrower borrows {{terms.currency}} {{terms.amount}} from the Lenders under the product {{terms.product}}, for lawful personal consumption or business purposes only, and not for buying property, securities or futures or for any unlawful purpose.',
  },
  { kind: 'heading', text: '2. Term, interest and annual percentage rate' },
  {
    kind: 'fields',
    rows: [
      ['Term', '{{terms.term}} {{text.termUnit}}'],
      ['Interest starts on', '{{terms.startDate}}'],
      ['Nominal annual interest rate', '{{text.annualRatePercent}}'],
      ['Annual percentage rate (APR, by IRR, all fees included)', '{{text.aprPercent}}'],
      ['Repayment method', '{{text.method}}'],
      ['Number of instalments', '{{text.installmentCount}}'],
    ],
  },
  { kind: 'heading', text: '3. Repayment schedule' },
  {
    kind: 'table',
    source: 'installments',
    columns: [
      { header: 'No.', field: 'period', width: 0.12 },
      { header: 'Due date', field: 'dueDate', width: 0.22 },
      { header: 'Principal (CNY)', field: 'principal', width: 0.22 },
      { header: 'Interest (CNY)', field: 'interest', width: 0.22 },
      { header: 'Total (CNY)', field: 'total', width: 0.22 },
    ],
  },
  { kind: 'heading', text: '4. Fees' },
  {
    kind: 'paragraph',
    text: 'The Borrower pays the platform a service fee of {{terms.upfrontFee}} at disbursement and {{terms.periodFee}} with each instalment. No other fee may be charged under any name. These fees are included in the APR in clause 2.',
  },
  { kind: 'heading', text: '5. Risk reserve' },
  {
    kind: 'paragraph',
    text: "At disbursement the Borrower contributes {{terms.reserveContribution}} to the risk reserve, held in the platform's segregated account at its custodian bank and used only to advance overdue amounts to the Lenders under the platform's rules. It is not a guarantee of the Lenders' principal or interest.",
  },
  { kind: 'heading', text: '6. Late payment' },
  {
    kind: 'paragraph',
    text: 'Each instalment has a grace period of {{terms.graceDays}} days. An instalment still unpaid after it bears penalty interest of {{text.penaltyDailyRatePercent}} of the overdue principal per day from its due date and a late fee of {{terms.lateFee}}, together with interest never above the limits set by law.',
  },
  { kind: 'heading', text: '7. Prepayment' },
  {
    kind: 'paragraph',
    text: 'The Borrower may repay all or part of the outstanding principal early, with interest to the day of payment and a prepayment fee of {{text.prepaymentFeeRatePercent}} of the principal prepaid.',
  },
  { kind: 'heading', text: '8. The platform and personal data' },
  {
    kind: 'paragraph',
    text: "The platform is an information intermediary: it matches, instructs payments and keeps the accounts; it takes no deposits, keeps no pool of funds and gives no guarantee. The parties agree that the platform processes their names, ID numbers and phone numbers to perform this contract, protects them as the law requires and discloses them to no third party except as the law or this contract's performance requires.",
  },
  ...closing,
];

const noteTransfer: TemplateBlock[] = [
  ...head,
  { kind: 'fields', rows: [...person('seller', 'Seller'), ...person('buyer', 'Buyer'), ...platformRows] },
  { kind: 'heading', text: '1. What is transferred' },
  {
    kind: 'paragraph',
    text: 'The Seller transfers to the Buyer the note {{terms.noteId}} of loan {{terms.loanId}} (nominal annual rate {{text.loanAnnualRatePercent}}, {{terms.remainingInstallments}} instalments remaining): its outstanding principal of {{terms.principal}} and the interest and other rights arising from it.',
  },
  { kind: 'heading', text: '2. Price and fee' },
  {
    kind: 'fields',
    rows: [
      ['Price (CNY)', '{{terms.price}}'],
      ['Discount rate', '{{text.discountRatePercent}}'],
      ['Transfer fee (CNY, borne by the Seller)', '{{terms.fee}}'],
      ['Transfer date', '{{terms.transferDate}}'],
      ['Currency', '{{terms.currency}}'],
    ],
  },
  { kind: 'heading', text: '3. Passing of rights' },
  {
    kind: 'paragraph',
    text: 'On payment of the price the note and its ancillary rights pass to the Buyer from the transfer date. The platform notifies the Borrower, who thereafter repays the Buyer. The Seller warrants that the note is genuine, lawful and unencumbered.',
  },
  ...closing,
];

const creditLine: TemplateBlock[] = [
  ...head,
  { kind: 'fields', rows: [...person('customer', 'Customer'), ...platformRows] },
  { kind: 'heading', text: '1. Credit limit' },
  {
    kind: 'paragraph',
    text: 'The platform grants the Customer a revolving credit line of {{terms.currency}} {{terms.limit}} (product {{terms.product}}) from {{terms.openedOn}}, to be reviewed on {{terms.reviewOn}}. Repaid amounts become available again.',
  },
  { kind: 'heading', text: '2. Interest and annual percentage rate' },
  {
    kind: 'fields',
    rows: [
      ['Daily interest rate', '{{text.dailyRatePercent}}'],
      ['Nominal annual interest rate', '{{text.annualRatePercent}}'],
      ['Annual percentage rate (APR, by IRR, all fees included)', '{{text.aprPercent}}'],
      ['Statement day (monthly)', '{{terms.statementDay}}'],
      ['Grace period (days)', '{{terms.graceDays}}'],
    ],
  },
  { kind: 'heading', text: '3. Late payment' },
  {
    kind: 'paragraph',
    text: 'An amount unpaid after its due date (and grace period) bears penalty interest of {{text.penaltyDailyRatePercent}} per day, never above the limits set by law. The Customer may repay early at any time without a fee.',
  },
  ...closing,
];

const wealth: TemplateBlock[] = [
  ...head,
  { kind: 'fields', rows: [...person('customer', 'Investor'), ...platformRows] },
  { kind: 'heading', text: '1. Product and purchase' },
  {
    kind: 'paragraph',
    text: "The Investor buys {{terms.currency}} {{terms.amount}} of the wealth product {{terms.product}} distributed by the platform. Its returns, term, fees and risks are those of the product's prospectus, which forms part of this contract.",
  },
  { kind: 'heading', text: '2. Risk disclosure' },
  {
    kind: 'paragraph',
    text: 'A wealth product is not a deposit and carries risk. Past performance does not predict future returns; the platform guarantees neither principal nor return. The Investor confirms that their risk assessment matches the product.',
  },
  ...closing,
];

export const DEFAULT_TEMPLATES_EN: Record<ContractKind, { title: string; body: TemplateBlock[] }> = {
  loan: { title: 'Loan Agreement (English translation)', body: loan },
  note_transfer: { title: 'Note Transfer Agreement (English translation)', body: noteTransfer },
  credit_line: { title: 'Revolving Credit Agreement (English translation)', body: creditLine },
  wealth_product: { title: 'Wealth Product Purchase Agreement (English translation)', body: wealth },
};
