import { sql } from 'kysely';
import { type Executor, inTransaction } from '../../db/index.ts';
import {
  applyRate,
  CNY,
  conflict,
  type Decimal,
  formatAmount,
  notFound,
  type PlainDate,
  ruleViolation,
} from '../../kernel/index.ts';
import { walletAccountId } from '../../payments/index.ts';
import { post, transfer, WealthCode, wealthAccount } from '../accounts.ts';
import type { WealthContext } from '../context.ts';
import { getProduct } from '../products.ts';
import { INTEREST_ROUNDING, simpleInterest } from './interest.ts';
import { parseFixedTerms } from './terms.ts';

/**
 * Early redemption of a fixed-term holding, where the product allows it. The investor first reads
 * a quote, then confirms it carrying the net amount they saw; if the figure has changed since (the
 * business date moved), the redemption is refused with 409 quote_changed, so nobody is paid a figure
 * they were not shown. The whole holding is redeemed, on the business date D:
 * - reduced_rate: interest for the days from the value date to D at the reduced rate, no fee;
 * - fee: interest for those days at the stated rate, less a fee of feeRate × principal;
 * each rounded half-up to the cent. Before the value date no day has earned interest.
 */
export interface EarlyQuote {
  readonly holdingId: string;
  readonly productId: string;
  readonly mode: 'reduced_rate' | 'fee';
  readonly businessDate: PlainDate;
  readonly principal: bigint;
  readonly valueDate: PlainDate;
  readonly days: number;
  /** The annual rate the days are paid at. */
  readonly rate: string;
  readonly interest: bigint;
  readonly feeRate: string | null;
  readonly fee: bigint;
  readonly net: bigint;
  /** What holding to maturity would pay in interest, for comparison. */
  readonly interestAtMaturity: bigint;
  readonly maturityDate: PlainDate;
}

export async function earlyQuote(
  context: WealthContext,
  db: Executor,
  userId: string,
  holdingId: string,
  lock = false,
): Promise<EarlyQuote & { accountId: string }> {
  const holdings = await sql<{ product_id: string; account_id: string }>`
    select product_id, account_id from wealth_holdings where id = ${holdingId} and user_id = ${userId}`.execute(
    db,
  );
  const holding = holdings.rows[0];
  if (!holding) throw notFound('holding_not_found', 'no such holding of yours');
  // The product row first (as purchases and day-close lock it), then the holding's purchases.
  const product = await getProduct(db, holding.product_id, lock ? 'update' : undefined);
  if (product.kind !== 'fixed_term')
    throw notFound('holding_not_found', 'no such fixed-term holding of yours');
  const terms = parseFixedTerms(product.terms);
  const early = terms.earlyRedemption;
  if (!early)
    throw ruleViolation('early_redemption_not_allowed', 'this product cannot be redeemed before maturity');
  const active = await sql<{ principal: bigint | null }>`
    select sum(amount)::int8 as principal from wealth_fixed_purchases
    where holding_id = ${holdingId} and status = 'holding'`.execute(db);
  const principal = active.rows[0]?.principal ?? 0n;
  if (principal <= 0n)
    throw conflict('holding_not_active', 'the holding has matured or was redeemed already');
  const today = context.clock.businessDate();
  const rate: Decimal = early.mode === 'reduced_rate' ? early.rate : terms.annualRate;
  const { days, interest } = simpleInterest(principal, rate, terms.valueDate, today, terms.dayCount);
  const fee = early.mode === 'fee' ? applyRate(principal, early.feeRate, INTEREST_ROUNDING) : 0n;
  const atMaturity = simpleInterest(
    principal,
    terms.annualRate,
    terms.valueDate,
    terms.maturityDate,
    terms.dayCount,
  ).interest;
  return {
    holdingId,
    productId: product.id,
    accountId: holding.account_id,
    mode: early.mode,
    businessDate: today,
    principal,
    valueDate: terms.valueDate,
    days,
    rate: rate.toFixed(),
    interest,
    feeRate: early.mode === 'fee' ? early.feeRate.toFixed() : null,
    fee,
    net: principal + interest - fee,
    interestAtMaturity: atMaturity,
    maturityDate: terms.maturityDate,
  };
}

/** Redeems the holding at the quoted net amount (409 quote_changed when it no longer is). */
export async function redeemEarly(
  context: WealthContext,
  userId: string,
  holdingId: string,
  expectedNet: bigint,
): Promise<EarlyQuote> {
  return inTransaction(context.db, async (trx) => {
    const { accountId, ...quote } = await earlyQuote(context, trx, userId, holdingId, true);
    if (quote.net !== expectedNet)
      throw conflict('quote_changed', 'the amount has changed since the quote: read it again', {
        net: formatAmount(quote.net, CNY),
      });
    await context.payments.ensurePlatformAccounts(trx);
    const wallet = walletAccountId(userId);
    const paid = transfer(accountId, wallet, quote.principal - quote.fee, WealthCode.redeem, holdingId);
    const fee = transfer(accountId, context.payments.feeIncomeAccount, quote.fee, WealthCode.fee, holdingId);
    const interest = transfer(
      wealthAccount.interest(quote.productId),
      wallet,
      quote.interest,
      WealthCode.interest,
      holdingId,
    );
    const transfers = [paid, fee, interest].filter((t) => t.amount > 0n);
    await post(context.ledger, trx, transfers);
    const now = context.clock.now();
    await sql`insert into wealth_fixed_settlements (holding_id, product_id, user_id, kind, principal, days, rate, interest,
        fee, net, business_date, transfer_ids, created_at)
      values (${holdingId}, ${quote.productId}, ${userId}, 'early', ${quote.principal}, ${quote.days}, ${quote.rate},
        ${quote.interest}, ${quote.fee}, ${quote.net}, ${quote.businessDate}, ${transfers.map((t) => t.id)}::text[], ${now})`.execute(
      trx,
    );
    await sql`update wealth_fixed_purchases set status = 'redeemed', settled_on = ${quote.businessDate}, updated_at = ${now}
      where holding_id = ${holdingId} and status = 'holding'`.execute(trx);
    return quote;
  });
}
