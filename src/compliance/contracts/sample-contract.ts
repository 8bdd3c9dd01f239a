import type { ContractRecord, PartyData } from './contract-data.ts';
import { termsDigest } from './deal-records.ts';
import type { ContractKind } from './model.ts';

/**
 * Made-up data for previewing a template (legal sees what a contract will look like before
 * approving it). The people are fictional and the numbers are only plausible.
 */
const BORROWER = '00000000-0000-7000-8000-000000000001';
const LENDER = '00000000-0000-7000-8000-000000000002';

const TERMS: Record<ContractKind, Record<string, unknown>> = {
  loan: {
    amount: '12000.00',
    currency: 'CNY',
    annualRate: '0.12',
    apr: '0.1468',
    term: 3,
    termUnit: 'month',
    method: 'equal_installment',
    startDate: '2026-12-01',
    product: 'consumer-3m@1',
    upfrontFee: '120.00',
    reserveContribution: '60.00',
    periodFee: '10.00',
    penaltyDailyRate: '0.0005',
    lateFee: '20.00',
    graceDays: 3,
    prepaymentFeeRate: '0.01',
    installments: [
      { period: 1, dueDate: '2027-01-01', principal: '3960.20', interest: '120.00' },
      { period: 2, dueDate: '2027-02-01', principal: '3999.80', interest: '80.40' },
      { period: 3, dueDate: '2027-03-01', principal: '4040.00', interest: '40.40' },
    ],
  },
  note_transfer: {
    noteId: '00000000-0000-7000-8000-0000000000a1',
    loanId: '00000000-0000-7000-8000-0000000000b1',
    principal: '5000.00',
    price: '4950.00',
    discountRate: '0.01',
    fee: '25.00',
    currency: 'CNY',
    transferDate: '2026-12-01',
    loanAnnualRate: '0.12',
    remainingInstallments: 6,
  },
  credit_line: {
    limit: '20000.00',
    currency: 'CNY',
    dailyRate: '0.0003',
    annualRate: '0.1095',
    apr: '0.1152',
    product: 'revolving@1',
    openedOn: '2026-12-01',
    statementDay: 5,
    graceDays: 3,
    penaltyDailyRate: '0.0005',
    installmentFees: { '3': '0.015' },
    reviewOn: '2027-12-01',
  },
  wealth_product: { product: 'fixed-90d@1', amount: '10000.00', currency: 'CNY' },
};

const SECOND_ROLE: Record<ContractKind, 'lender' | 'buyer' | null> = {
  loan: 'lender',
  note_transfer: 'buyer',
  credit_line: null,
  wealth_product: null,
};
const FIRST_ROLE = {
  loan: 'borrower',
  note_transfer: 'seller',
  credit_line: 'customer',
  wealth_product: 'customer',
} as const;

export function sampleContract(
  kind: ContractKind,
  signedAt: Date,
): { contract: ContractRecord; data: PartyData } {
  const terms = TERMS[kind];
  const second = SECOND_ROLE[kind];
  const parties = [
    { userId: BORROWER, role: FIRST_ROLE[kind] },
    ...(second
      ? [{ userId: LENDER, role: second, ...(second === 'lender' ? { principal: '12000.00' } : {}) }]
      : []),
    { userId: null, role: 'platform' as const },
  ];
  const subjectId = '00000000-0000-7000-8000-0000000000c1';
  return {
    contract: {
      id: subjectId,
      number: 'SAMPLE-20261201-000000000001',
      kind,
      subjectType: kind === 'wealth_product' ? 'wealth_purchase' : kind,
      subjectId,
      terms,
      parties,
      termsDigest: termsDigest({ kind, subjectId, terms, parties }),
      digestAlgorithm: 'sha256-jcs',
      signedAt,
      businessDate: signedAt.toISOString().slice(0, 10),
    },
    data: {
      people: {
        [BORROWER]: { name: '张三（示例）', idNumber: '110101199003070000', phone: '13800000000' },
        [LENDER]: { name: '李四（示例）', idNumber: '310101198805120000', phone: '13900000000' },
      },
      acceptances: [
        {
          role: FIRST_ROLE[kind],
          name: '张*',
          acceptedAt: `${signedAt.toISOString().slice(0, 19).replace('T', ' ')} UTC`,
          ip: '203.0.113.7',
          hash: '0'.repeat(64),
          templateVersion: 'v1',
        },
      ],
    },
  };
}
