import { useQuery } from '@tanstack/react-query';
import { api, type Money } from '../../api.ts';

/** A payment order as the API gives it (src/api/routes/payments.ts, PaymentOrder). */
export interface Order {
  readonly id: string;
  readonly kind: 'top_up' | 'withdrawal' | 'transfer' | 'merchant_payment' | 'refund';
  readonly status: 'awaiting_payment' | 'pending' | 'succeeded' | 'failed' | 'expired' | 'closed';
  readonly amount: Money;
  readonly fee: Money;
  readonly direction: 'in' | 'out' | null;
  readonly method: string | null;
  readonly description: string | null;
  readonly note: string | null;
  readonly failureCode: string | null;
  readonly businessDate: string;
  readonly createdAt: string;
  readonly completedAt: string | null;
}

export interface BankCard {
  readonly id: string;
  readonly bankCode: string;
  readonly maskedNumber: string;
  readonly last4: string;
  readonly status: string;
  readonly isDefault: boolean;
  readonly createdAt: string;
}

export interface Wallet {
  readonly balance: Money;
  readonly available: Money;
  readonly frozen: Money;
  readonly incoming: Money;
}

export const KINDS = ['top_up', 'withdrawal', 'transfer', 'merchant_payment', 'refund'] as const;
export const STATUSES = ['awaiting_payment', 'pending', 'succeeded', 'failed', 'expired', 'closed'] as const;

export function isFinal(status: Order['status']): boolean {
  return status !== 'pending' && status !== 'awaiting_payment';
}

export function useWallet() {
  return useQuery({ queryKey: ['wallet'], queryFn: () => api.get<Wallet>('/v1/me/wallet') });
}

export function useCards() {
  return useQuery({
    queryKey: ['cards'],
    queryFn: async () => (await api.get<{ items: BankCard[] }>('/v1/me/cards')).items,
  });
}

/** The cards money can move through: confirmed ones, the default first. */
export function activeCards(cards: BankCard[] | undefined): BankCard[] {
  return (cards ?? [])
    .filter((card) => card.status === 'active')
    .sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
}

/** Polls one order until the channel gives its final answer. */
export function useOrder(id: string | null) {
  return useQuery({
    queryKey: ['order', id],
    queryFn: () => api.get<Order>(`/v1/me/orders/${id}`),
    enabled: !!id,
    refetchInterval: (query) => (query.state.data && isFinal(query.state.data.status) ? false : 1500),
  });
}
