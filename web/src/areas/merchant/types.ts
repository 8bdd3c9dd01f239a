import type { Money } from '../../api.ts';

export interface MerchantOrder {
  id: string;
  kind: string;
  status: string;
  amount: Money;
  fee: Money;
  merchantOrderNo: string | null;
  description: string | null;
  createdAt: string;
  completedAt: string | null;
  expiresAt: string | null;
  qrPayload?: string;
  refunded?: Money;
}

export interface OrderPage {
  items: MerchantOrder[];
  nextBefore: string | null;
}

export const statusColor: Record<string, string> = {
  awaiting_payment: 'processing',
  pending: 'processing',
  succeeded: 'success',
  failed: 'error',
  expired: 'default',
  closed: 'default',
};
