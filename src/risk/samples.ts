import { DEFAULT_POLICY } from './settings.ts';

/**
 * Applications every published graph is tried on before it is accepted: a good applicant, one the
 * anti-fraud rules should stop, and one with no bureau file. Each must come out with the fields the
 * pipeline needs.
 */
const base = {
  applicant: { age: 34, kycLevel: 2, accountAgeDays: 400, region: '110105', walletBalance: '1200.00' },
  application: {
    product: 'standard',
    amount: '20000.00',
    termMonths: 12,
    purpose: 'education',
    monthlyIncome: '12000.00',
    monthlyDebt: '1500.00',
    debtToIncome: 0.125,
    employmentYears: 6,
    device: 'sample-device',
    ip: '203.0.113.7',
  },
  bureau: {
    phoneMatches: true,
    delinq_2yrs: 0,
    inq_last_6mths: 1,
    revol_util: 35.5,
    acc_now_delinq: 0,
    open_il_6m: 0,
    open_il_12m: 1,
    open_il_24m: 1,
    total_bal_il: 12000,
    all_util: 40,
    inq_fi: 1,
    inq_last_12m: 2,
    delinq_amnt: 0,
    num_il_tl: 4,
    total_il_high_credit_limit: 30000,
    otherPlatformLoans: 1,
    otherPlatformOutstanding: '5000.00',
  },
  blacklist: { hit: false },
  velocity: { applications24h: 0, deviceApplicants: 0, ipApplicants: 0 },
  internal: { outstandingPrincipal: '0.00', overdueLoans: 0, repaidLoans: 1 },
  settings: DEFAULT_POLICY,
};

function withFeatures(doc: typeof base) {
  return {
    ...doc,
    features: {
      funded_amnt: 20000,
      term: 'term_36',
      annual_inc: 144000,
      emp_length: 'emp_6',
      verification_status: 'Verified',
      ...Object.fromEntries(Object.entries(doc.bureau).filter(([, v]) => typeof v === 'number')),
    },
  };
}

export const SAMPLE_APPLICATIONS: Record<string, Record<string, unknown>> = {
  'good applicant': withFeatures(base),
  'blacklisted minor': withFeatures({
    ...base,
    applicant: { ...base.applicant, age: 17 },
    blacklist: { hit: true },
  }),
  'thin file': withFeatures({
    ...base,
    bureau: { ...base.bureau, inq_last_6mths: 0, num_il_tl: 0, total_bal_il: 0 },
  }),
};
