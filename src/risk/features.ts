import type { BureauReport } from './sources.ts';

/**
 * The scorecard's inputs, named as in the data the default model was trained on (LendingClub's
 * columns), built from the application and the bureau report. A model trained on other data names
 * other columns: a field it lacks scores neutrally (the model's fallback bin) and is reported.
 * Amounts become plain numbers here: they are statistical features, not money.
 */
export interface FeatureSource {
  readonly amountYuan: string;
  readonly termMonths: number;
  readonly monthlyIncomeYuan: string;
  readonly employmentYears: number | null;
  readonly kycLevel: number;
  readonly bureau: BureauReport | null;
}

function employment(years: number | null): string {
  if (years === null) return 'emp_unk';
  if (years < 1) return 'emp_lt_1';
  if (years >= 10) return 'emp_ge_10';
  return `emp_${Math.floor(years)}`;
}

export function features(source: FeatureSource): Record<string, string | number | null> {
  const bureau = source.bureau;
  return {
    funded_amnt: Number(source.amountYuan),
    term: source.termMonths > 36 ? 'term_60' : 'term_36',
    annual_inc: Number(source.monthlyIncomeYuan) * 12,
    emp_length: employment(source.employmentYears),
    verification_status:
      source.kycLevel >= 2 ? 'Verified' : source.kycLevel === 1 ? 'Source_Verified' : 'Not_Verified',
    delinq_2yrs: bureau?.delinq_2yrs ?? null,
    inq_last_6mths: bureau?.inq_last_6mths ?? null,
    revol_util: bureau?.revol_util ?? null,
    acc_now_delinq: bureau?.acc_now_delinq ?? null,
    open_il_6m: bureau?.open_il_6m ?? null,
    open_il_12m: bureau?.open_il_12m ?? null,
    open_il_24m: bureau?.open_il_24m ?? null,
    total_bal_il: bureau?.total_bal_il ?? null,
    all_util: bureau?.all_util ?? null,
    inq_fi: bureau?.inq_fi ?? null,
    inq_last_12m: bureau?.inq_last_12m ?? null,
    delinq_amnt: bureau?.delinq_amnt ?? null,
    num_il_tl: bureau?.num_il_tl ?? null,
    total_il_high_credit_limit: bureau?.total_il_high_credit_limit ?? null,
  };
}
