import type { Executor } from '../../db/index.ts';
import { inTransaction } from '../../db/index.ts';
import type { AuditContext } from '../../identity/index.ts';
import {
  BUSINESS_TIME_ZONE,
  CNY,
  dateInZone,
  formatAmount,
  invalid,
  ruleViolation,
  uuidv7,
} from '../../kernel/index.ts';
import type { Account } from '../../ledger/index.ts';
import { accountInput, createAccounts, post, transfer, WealthCode, wealthAccount } from '../accounts.ts';
import type { WealthContext } from '../context.ts';
import type { Product } from '../products.ts';
import { quotaUsed } from './orders-store.ts';
import type { MoneyMarketTerms } from './orders-terms.ts';

/**
 * The money-market fund's ledger accounts and its liquidity for quick redemptions: what operations
 * top up from the platform's equity, what quick redemptions draw and day-close gives back.
 */

/** The platform's equity: what operations' liquidity top-ups come from (as lending's reserve funding). */
export const EQUITY_ACCOUNT = 'platform:equity:CNY';

export const yuan = (minor: bigint) => formatAmount(minor, CNY);
/** One top-up of the liquidity is at most 100 billion yuan (far from the ledger's int8 limits). */
const MAX_TOP_UP = 10_000_000_000_000n;

/** Creates a money-market fund's product-level ledger accounts (those that exist are left alone). */
export function createMoneyMarketAccounts(context: WealthContext, trx: Executor, productId: string) {
  return createAccounts(context.ledger, trx, [
    accountInput(wealthAccount.pending(productId), 'wealthSubscriptionPending', productId),
    accountInput(wealthAccount.income(productId), 'mmfIncome', productId),
    accountInput(wealthAccount.liquidity(productId), 'mmfLiquidity', productId),
    accountInput(wealthAccount.liquidityUsed(productId), 'mmfLiquidityUsed', productId),
  ]);
}

/** A credit-normal account's balance, and what is free of pending debits. */
export function balances(account: Account | undefined) {
  if (!account) return { balance: 0n, available: 0n, frozen: 0n };
  const balance = account.creditsPosted - account.debitsPosted;
  return { balance, available: balance - account.debitsPending, frozen: account.debitsPending };
}

export async function liquidityOf(context: WealthContext, product: Product, terms: MoneyMarketTerms) {
  const { db, ledger, clock } = context;
  const [pool, used] = await ledger.lookupAccounts([
    wealthAccount.liquidity(product.id),
    wealthAccount.liquidityUsed(product.id),
  ]);
  // Quick redemption's caps count per calendar day in Shanghai (orders.ts timing).
  const today = dateInZone(clock.now(), BUSINESS_TIME_ZONE);
  const usedToday = await quotaUsed(db, product.id, null, today);
  return {
    product,
    businessDate: clock.businessDate(),
    quotaDay: today,
    available: balances(pool).available,
    drawnNotRestored: balances(used).balance,
    usedToday,
    fundCapPerDay: terms.quickFundPerDay,
    fundLeftToday: terms.quickFundPerDay - usedToday,
    investorCapPerDay: terms.quickPerInvestorPerDay,
  };
}

export function checkTopUp(amount: bigint): void {
  if (amount <= 0n) throw invalid('amount_must_be_positive', 'a top-up is a positive amount');
  if (amount > MAX_TOP_UP)
    throw ruleViolation('amount_too_large', `a top-up is at most ${yuan(MAX_TOP_UP)}`, {
      maximum: yuan(MAX_TOP_UP),
    });
}

/** Platform equity → the fund's liquidity, audited in the same transaction. */
export async function topUpLiquidity(
  context: WealthContext,
  product: Product,
  input: { amount: bigint; reason: string },
  audit: AuditContext,
): Promise<void> {
  const { db, ledger, identity } = context;
  checkTopUp(input.amount);
  await inTransaction(db, async (trx) => {
    await createAccounts(ledger, trx, [accountInput(EQUITY_ACCOUNT, 'equity')]);
    await createMoneyMarketAccounts(context, trx, product.id);
    const topUp = transfer(
      EQUITY_ACCOUNT,
      wealthAccount.liquidity(product.id),
      input.amount,
      WealthCode.liquidityTopUp,
      uuidv7(),
    );
    await post(ledger, trx, [topUp]);
    await identity.audit(
      audit,
      {
        action: 'wealth.mmf_liquidity_topped_up',
        subjectType: 'wealth_product',
        subjectId: product.id,
        details: { amount: yuan(input.amount), reason: input.reason, transferId: topUp.id },
      },
      trx,
    );
  });
}
