/**
 * Lending shapes as the API gives them, and exact decimal helpers (BigInt minor units, never floats)
 * shared by the invest and borrow areas.
 */
import { useQuery } from '@tanstack/react-query';
import { api, type Money } from '../../api.ts';

export interface Loan {
  id: string;
  status: 'listing' | 'full' | 'failed' | 'active' | 'repaid' | 'written_off';
  product: string;
  amount: Money;
  raised: Money | null;
  /** The nominal annual interest rate, without fees. */
  annualRate: string;
  /** The annual percentage rate of all borrowing costs by the IRR method (monthly IRR × 12); null if none. */
  apr: string | null;
  upfrontFeeRate: string;
  term: number;
  termUnit: 'month' | 'day';
  method: string;
  grade: string;
  riskLevel: string;
  purpose: string;
  borrower: Record<string, unknown>;
  listedAt: string;
  expiresOn: string;
  acceptingManualBids: boolean;
  fullAt: string | null;
  disbursedAt: string | null;
  startDate: string | null;
  closedOn: string | null;
}

export interface ScheduleRow {
  period: number;
  dueDate: string;
  principal: string;
  interest: string;
  total: string;
  remainingPrincipal: string;
}
export interface Schedule {
  installments: ScheduleRow[];
  totalInterest: string;
  totalPayable: string;
  apr: string;
}

export interface Product {
  id: string;
  version: number;
  status: string;
  config: {
    name: string;
    nameZh?: string;
    terms: number[];
    methods: string[];
    termUnit: 'month' | 'day';
    dayCount: string;
    minAmount: string;
    maxAmount: string;
    amountStep: string;
    minInvestment: string;
    investmentStep: string;
    maxInvestorShare: string;
    grades: string[];
    upfrontFeeRate: string;
    /** Deducted from the disbursement into the risk reserve, as a share of the amount. */
    reserveRate: string;
    /** Added to every instalment, as a share of the amount. */
    periodFeeRate: string;
    prepaymentFeeRate: string;
    /** Full listings wait for staff's second review before disbursement. */
    secondReview?: boolean;
    secondary: { maxDiscount: string; minHoldingDays: number };
  };
}

export interface RiskAssessment {
  level?: number;
  riskClass: string | null;
  expiresOn?: string;
  valid: boolean;
}

export const cny = (amount: string | null | undefined): Money | null =>
  amount === null || amount === undefined ? null : { amount, currency: 'CNY' };

/** "12.34" → 1234n (two decimal places; extra digits are cut). */
export function toMinor(text: string): bigint {
  const negative = text.startsWith('-');
  const [w = '0', f = ''] = (negative ? text.slice(1) : text).split('.');
  const value = BigInt(w + f.padEnd(2, '0').slice(0, 2));
  return negative ? -value : value;
}

export function fromMinor(value: bigint): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** amount × rate, cut to the cent (a cap, so cutting is the safe side). */
export function timesRate(amount: string, rate: string): string {
  const [w = '0', f = ''] = rate.split('.');
  const scale = 10n ** BigInt(f.length);
  return fromMinor((toMinor(amount) * BigInt(w + f)) / scale);
}

/** "2.5" (percent, as typed) → "0.025" (the API's rate); undefined when not a plain decimal. */
export function percentToRate(text: string): string | undefined {
  const value = text.trim();
  if (!/^\d+(\.\d+)?$/.test(value)) return undefined;
  const [w = '0', f = ''] = value.split('.');
  const whole = w.padStart(3, '0');
  const out = `${whole.slice(0, -2)}.${whole.slice(-2)}${f}`.replace(/^0+(?=\d)/, '');
  return out;
}

/** The rate's risk level a class admits: class C<n> may buy up to R<n>. */
export function admits(assessment: RiskAssessment | undefined, riskLevel: string): boolean {
  if (!assessment?.valid || !assessment.riskClass) return false;
  return Number(assessment.riskClass.slice(1)) >= Number(riskLevel.slice(1));
}

/** Whole days from today (the browser's date) to a 'YYYY-MM-DD' date. */
export function daysUntil(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const now = new Date();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Math.round((Date.UTC(y, m - 1, d) - today) / 86_400_000);
}

export function useProducts() {
  return useQuery({
    queryKey: ['lending', 'products'],
    queryFn: () => api.get<Product[]>('/v1/lending/products'),
    staleTime: 60_000,
  });
}

/** The product version a loan was made under ("personal@1"). */
export function useLoanProduct(ref: string | undefined) {
  const [id, version] = (ref ?? '').split('@');
  return useQuery({
    queryKey: ['lending', 'product', id],
    enabled: !!id,
    queryFn: () => api.get<{ current: Product; versions: Product[] }>(`/v1/lending/products/${id}`),
    staleTime: 60_000,
    select: (data) => data.versions.find((v) => String(v.version) === version) ?? data.current,
  });
}

export function useRiskAssessment() {
  return useQuery({
    queryKey: ['risk-assessment'],
    queryFn: () => api.get<RiskAssessment>('/v1/me/risk-assessment'),
  });
}
