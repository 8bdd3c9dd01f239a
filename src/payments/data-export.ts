import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';

/**
 * What a user's data export reads from payments: their wallet and the payment orders they paid or
 * received (amounts in minor units; the exporter writes them as yuan). Read-only.
 */
export async function paymentsForExport(db: Executor, userId: string) {
  const wallet = await sql<{ account_id: string; currency: string; created_at: Date }>`
    select account_id, currency, created_at from wallets where user_id = ${userId}::uuid`.execute(db);
  const orders = await sql<{
    id: string;
    kind: string;
    status: string;
    role: string;
    amount: bigint;
    fee: bigint;
    currency: string;
    method: string | null;
    channel: string | null;
    description: string | null;
    business_date: string;
    created_at: Date;
    completed_at: Date | null;
  }>`
    select id, kind, status, case when user_id = ${userId}::uuid then 'payer' else 'recipient' end as role,
           amount, fee, currency, method, channel, description, business_date::text, created_at, completed_at
    from payment_orders where user_id = ${userId}::uuid or counterparty_user_id = ${userId}::uuid
    order by created_at, id limit 10000`.execute(db);
  const w = wallet.rows[0];
  return {
    wallet: w ? { accountId: w.account_id, currency: w.currency, createdAt: w.created_at } : null,
    orders: orders.rows.map((o) => ({
      id: o.id,
      kind: o.kind,
      status: o.status,
      role: o.role,
      amount: o.amount,
      fee: o.fee,
      currency: o.currency,
      method: o.method,
      channel: o.channel,
      description: o.description,
      businessDate: o.business_date,
      createdAt: o.created_at,
      completedAt: o.completed_at,
    })),
  };
}
