import type { Executor } from '../../db/index.ts';
import type { WealthContext } from '../context.ts';
import type { MoneyMarketOrders } from './orders.ts';
import { getOrder, type MmfOrder } from './orders-store.ts';

/**
 * Paying from the money-market fund: a quick redemption of what is to be paid (the whole amount, as a
 * checkout's "pay from the fund" does, whatever the wallet holds), into the wallet, and
 * the wallet payment, in the payment's one transaction. The paying context (payments for a merchant
 * order, lending for a loan instalment) runs `beforeDebit` inside its own transaction once it knows
 * the amount and before it debits the wallet; the quick-redemption caps and the fund's liquidity
 * apply. If the redemption or the payment is refused, neither happens.
 */
export type BeforeDebit = (trx: Executor, amount: bigint, reference: string) => Promise<void>;

export async function payWithRedemption<T>(
  context: WealthContext,
  orders: MoneyMarketOrders,
  userId: string,
  input: { productId?: string | undefined; purpose: 'merchant_payment' | 'loan_repayment' },
  run: (beforeDebit: BeforeDebit) => Promise<T>,
): Promise<{ paid: T; redemption: MmfOrder }> {
  const { product, terms } = await orders.fund(context.db, input.productId, {
    onSale: false,
    customer: true,
  });
  let redemptionId: string | null = null;
  const paid = await run(async (trx, amount, reference) => {
    // The wallet's row first, as every wallet movement locks it before the ledger's accounts.
    await context.payments.walletAccount(trx, userId, { lock: true });
    redemptionId = await orders.redeemQuickly(trx, product, terms, userId, amount, {
      purpose: input.purpose,
      reference,
    });
  });
  if (redemptionId === null) throw new Error('the payment from the fund completed without its redemption');
  return { paid, redemption: (await getOrder(context.db, redemptionId))! };
}

/**
 * Pays a merchant order from the fund. Payments' own checks (the order payable, not the payer's own,
 * the payment password above the password-free limit) come first, outside the transaction.
 */
export function payFromFund(
  context: WealthContext,
  orders: MoneyMarketOrders,
  userId: string,
  input: { orderId: string; paymentPassword?: string | undefined; productId?: string },
) {
  return payWithRedemption(
    context,
    orders,
    userId,
    { productId: input.productId, purpose: 'merchant_payment' },
    (beforeDebit) =>
      context.payments.payWithWallet(
        userId,
        input.orderId,
        input.paymentPassword === undefined ? {} : { paymentPassword: input.paymentPassword },
        { beforeDebit: (trx, order) => beforeDebit(trx, order.amount, order.id) },
      ),
  ).then(({ paid, redemption }) => ({ payment: paid, redemption }));
}
