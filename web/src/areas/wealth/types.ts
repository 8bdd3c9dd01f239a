import { useQuery } from '@tanstack/react-query';
import type { Money } from '../../api.ts';
import { ApiError, api } from '../../api.ts';
import { compareDecimal } from '../../money.ts';

/**
 * Wealth management as the API gives it (src/api/routes/wealth-*.ts): the money-market fund, its
 * yields and income, distributed mutual funds and fixed-term products. Units of the money-market fund
 * are CNY (NAV fixed at 1.0000); a mutual fund's units are decimal strings of two places.
 */
export interface ProductSummary {
  readonly id: string;
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly riskLevel: string;
  readonly status: string;
}

export interface MmfOverview {
  readonly product: ProductSummary;
  readonly terms: {
    quickPerInvestorPerDay: Money;
    quickFundPerDay: Money;
    minSubscription: Money;
    yieldDefinition: 'compounded' | 'simple';
  };
  readonly nav: string;
  readonly businessDate: string;
  readonly cutOff: string;
  readonly beforeCutOff: boolean;
  readonly tradeDate: string;
  readonly confirmDate: string;
  readonly incomeStartsOn: string;
  readonly normalRedemptionPaidOn: string;
  readonly quick: { investorLeft: Money; fundLeft: Money; left: Money };
}

export interface MmfOrder {
  readonly id: string;
  readonly productId: string;
  readonly kind: 'subscription' | 'redemption';
  readonly mode: 'normal' | 'quick' | null;
  readonly purpose: 'wallet' | 'merchant_payment' | 'loan_repayment';
  readonly reference: string | null;
  readonly amount: Money;
  readonly businessDate: string;
  readonly tradeDate: string;
  readonly confirmDate: string | null;
  readonly payDate: string | null;
  readonly status: 'pending' | 'completed';
  readonly acknowledgementId: string | null;
  readonly createdAt: string;
  readonly completedAt: string | null;
}

export interface MmfHolding {
  readonly product: ProductSummary;
  readonly holdingId: string | null;
  readonly units: Money;
  readonly available: Money;
  readonly frozen: Money;
  readonly pendingSubscriptions: MmfOrder[];
  readonly pendingRedemptions: MmfOrder[];
  readonly orders: MmfOrder[];
}

export interface YieldDay {
  readonly date: string;
  readonly per10k: string | null;
  readonly sevenDayCompounded: string | null;
  readonly sevenDaySimple: string | null;
}

export interface Yields {
  readonly productId: string;
  readonly definition: 'compounded' | 'simple';
  readonly formula: { compounded: string; simple: string };
  readonly latest: { date: string; sevenDayCompounded: string | null; sevenDaySimple: string | null } | null;
  readonly days: YieldDay[];
}

export interface HolderIncome {
  readonly productId: string;
  readonly from: string;
  readonly to: string;
  readonly units: Money;
  readonly yesterday: { date: string; amount: Money };
  readonly cumulative: Money;
  readonly days: { date: string; amount: Money }[];
}

export interface MmfStatement {
  readonly productId: string;
  readonly month: string;
  readonly from: string;
  readonly to: string;
  readonly opening: Money;
  readonly subscriptions: Money;
  readonly income: Money;
  readonly redemptions: Money;
  readonly closing: Money;
  readonly lines: {
    bookedOn: string;
    kind: 'subscription' | 'income' | 'redemption';
    amount: Money;
    incomeDate: string | null;
  }[];
}

export interface Fund {
  readonly id: string;
  readonly code: string;
  readonly fundCode: string;
  readonly manager: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly riskLevel: string;
  readonly allowOverride: boolean;
  readonly status: string;
  readonly latestNav: { date: string; nav: string } | null;
  readonly subscriptionFeeTiers: { upTo: Money | null; listedRate: string; rate: string }[];
  readonly platformDiscount: string;
  readonly redemptionFeeTiers: { heldDaysUnder: number | null; rate: string }[];
  readonly settlementDays: number;
  readonly minSubscription: Money;
  readonly cutOff: string;
  readonly feeFormula: string;
  readonly history?: { date: string; nav: string }[];
}

export interface FundOrder {
  readonly id: string;
  readonly kind: 'subscription' | 'redemption';
  readonly productId: string;
  readonly status: 'pending' | 'confirmed' | 'paid';
  readonly tradeDate: string;
  readonly confirmDate: string;
  readonly payDate: string | null;
  readonly amount: Money | null;
  readonly units: string | null;
  readonly fee: Money | null;
  readonly feeRate: string | null;
  readonly net: Money | null;
  readonly nav: string | null;
  readonly createdAt: string;
}

export interface FundHolding {
  readonly fund: Fund;
  readonly holdingId: string;
  readonly units: string;
  readonly available: string;
  readonly marketValue: Money | null;
  readonly cost: Money;
  readonly profit: Money | null;
  readonly pendingOrders: FundOrder[];
}

export interface WealthProduct {
  readonly id: string;
  readonly code: string;
  readonly kind: 'money_market' | 'mutual_fund' | 'fixed_term';
  readonly nameZh: string;
  readonly nameEn: string;
  readonly riskLevel: string;
  readonly allowOverride: boolean;
  readonly status: 'draft' | 'approved' | 'published' | 'closed';
  readonly terms: Record<string, unknown>;
  readonly publishedAt: string | null;
  readonly closedAt: string | null;
}

export interface FixedTerms {
  readonly annualRate: string;
  readonly dayCount: string;
  readonly raiseStart: string;
  readonly raiseEnd: string;
  readonly valueDate: string;
  readonly maturityDate: string;
  readonly minTotal: string;
  readonly maxTotal: string;
  readonly minPurchase: string;
  readonly step: string;
  readonly perInvestorCap: string;
  readonly earlyRedemption: { mode: 'reduced_rate'; rate: string } | { mode: 'fee'; feeRate: string } | null;
}

export interface FixedOffer {
  readonly product: WealthProduct;
  readonly raise: {
    state: 'raising' | 'valued' | 'failed' | 'matured' | null;
    open: boolean;
    raised: Money;
    minTotal: Money;
    maxTotal: Money;
    left: Money;
    progress: string;
    investors: number;
    decidedOn: string | null;
    maturedOn: string | null;
  };
  readonly yours: Money;
  readonly yoursLeft: Money;
  readonly interestPer10000: Money;
}

export interface FixedPurchase {
  readonly id: string;
  readonly productId: string;
  readonly amount: Money;
  readonly businessDate: string;
  readonly status: 'raising' | 'holding' | 'refunded' | 'matured' | 'redeemed';
  readonly holdingId: string | null;
  readonly settledOn: string | null;
  readonly createdAt: string;
}

export interface FixedPosition {
  readonly product: WealthProduct;
  readonly raiseState: 'raising' | 'valued' | 'failed' | 'matured' | null;
  readonly holdingId: string | null;
  readonly principal: Money;
  readonly expectedInterest: Money;
  readonly purchases: FixedPurchase[];
  readonly settlement: {
    kind: 'maturity' | 'early';
    principal: Money;
    days: number;
    rate: string;
    interest: Money;
    fee: Money;
    net: Money;
    businessDate: string;
  } | null;
}

export interface EarlyQuote {
  readonly holdingId: string;
  readonly productId: string;
  readonly mode: 'reduced_rate' | 'fee';
  readonly businessDate: string;
  readonly principal: Money;
  readonly valueDate: string;
  readonly days: number;
  readonly rate: string;
  readonly interest: Money;
  readonly feeRate: string | null;
  readonly fee: Money;
  readonly net: Money;
  readonly interestAtMaturity: Money;
  readonly maturityDate: string;
}

export const useMmf = () =>
  useQuery({ queryKey: ['wealth', 'mmf'], queryFn: () => api.get<MmfOverview>('/v1/wealth/mmf') });
export const useMmfHolding = () =>
  useQuery({ queryKey: ['wealth', 'mmf-holding'], queryFn: () => api.get<MmfHolding>('/v1/me/wealth/mmf') });
/**
 * The caller's money-market fund as a way to pay (a checkout, a loan's repayment): the holding, and,
 * once it has units available, the fund's facts with today's quick-redemption quota left (a payment
 * from the fund is a quick redemption). `holds` is true when units are available.
 */
export function useFundToPay() {
  const holding = useMmfHolding();
  const holds = !!holding.data && compareDecimal(holding.data.available.amount, '0') > 0;
  const overview = useQuery({
    queryKey: ['wealth', 'mmf'],
    queryFn: () => api.get<MmfOverview>('/v1/wealth/mmf'),
    enabled: holds,
  });
  return { holding, overview, holds };
}
/** What a quick-redemption refusal (422 `quick_redemption_limit_exceeded`…) says is left today, if it says. */
export function quotaLeftOf(error: unknown): Money | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const left = (error.details as { left?: unknown } | undefined)?.left;
  return typeof left === 'string' ? { amount: left, currency: 'CNY' } : undefined;
}
export const useYields = (days = 30) =>
  useQuery({
    queryKey: ['wealth', 'yields', days],
    queryFn: () => api.get<Yields>('/v1/wealth/mmf/yields', { days }),
  });
export const useHolderIncome = (from?: string, to?: string) =>
  useQuery({
    queryKey: ['wealth', 'income', from, to],
    queryFn: () => api.get<HolderIncome>('/v1/me/wealth/mmf/income', { from, to }),
  });
export const useFunds = () =>
  useQuery({
    queryKey: ['wealth', 'funds'],
    queryFn: async () => (await api.get<{ items: Fund[] }>('/v1/wealth/funds')).items,
  });
export const useMyFunds = () =>
  useQuery({
    queryKey: ['wealth', 'my-funds'],
    queryFn: () => api.get<{ holdings: FundHolding[]; orders: FundOrder[] }>('/v1/me/wealth/funds'),
  });
export const useFixedOffers = () =>
  useQuery({
    queryKey: ['wealth', 'fixed'],
    queryFn: async () => (await api.get<{ items: FixedOffer[] }>('/v1/wealth/fixed')).items,
  });
export const useMyFixed = () =>
  useQuery({
    queryKey: ['wealth', 'my-fixed'],
    queryFn: async () => (await api.get<{ items: FixedPosition[] }>('/v1/me/wealth/fixed')).items,
  });

/** A product's name in the language shown. */
export function nameOf(p: { nameZh: string; nameEn: string }, language: string): string {
  return language === 'en' ? p.nameEn : p.nameZh;
}

/** A decimal string times ten thousand as a 1/10,000 count, for exact comparisons: "0.6543" → 6543n. */
export function tenThousandths(text: string): bigint {
  const [w = '0', f = ''] = text.split('.');
  return BigInt(w + f.padEnd(4, '0').slice(0, 4));
}
