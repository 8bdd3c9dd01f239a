import type { Money } from '../../api.ts';

export type Reward =
  | { kind: 'none' }
  | { kind: 'cash'; amount: Money }
  | { kind: 'rate_coupon'; rate: string; days: number };

export interface Campaign {
  id: string;
  code: string;
  name: string;
  channel: string;
  startsOn: string;
  endsOn: string;
  budget: Money;
  spend: Money;
  reward: Reward;
  referrerAmount: Money | null;
  minInvestment: Money;
  withinDays: number;
  maxRewards: number | null;
  rewardBudget: Money | null;
  rewardsPaid: { count: number; amount: Money };
}

export interface Figures {
  signUps: number;
  verified: number;
  firstTransaction: number;
  conversion: { verified: string | null; firstTransaction: string | null; overall: string | null };
  spend: Money;
  rewardsPaid: Money;
  costPerAcquisition: Money | null;
  invested: Money;
  borrowed: Money;
  revenue: Money;
  returnOnSpend: string | null;
}

export interface SpendEntry {
  id: string;
  amount: Money;
  spentOn: string;
  note: string;
  enteredBy: string;
}

export interface RewardPaid {
  id: string;
  beneficiaryId: string;
  role: 'user' | 'referrer';
  kind: 'cash' | 'rate_coupon';
  amount: Money;
  investedAmount: Money;
  investedOn: string;
  businessDate: string;
}
