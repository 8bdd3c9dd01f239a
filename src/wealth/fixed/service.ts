import { sql } from 'kysely';
import type { BatchStep } from '../../batch/index.ts';
import { inTransaction } from '../../db/index.ts';
import { CNY, formatAmount, type PlainDate, ruleViolation, uuidv7 } from '../../kernel/index.ts';
import { post, transfer, WealthCode, wealthAccount } from '../accounts.ts';
import type { WealthContext } from '../context.ts';
import { getProduct, listProducts, type Product, publishedProduct } from '../products.ts';
import { fixedDayStep } from './day.ts';
import { earlyQuote, redeemEarly } from './early.ts';
import { simpleInterest } from './interest.ts';
import { type Raise, type RaiseFigures, raisedBy, raiseOf } from './raises.ts';
import { type FixedTerms, type FixedTermsParsed, fixedTermsJson, parseFixedTerms } from './terms.ts';

export type { EarlyQuote } from './early.ts';
export type { FixedTerms } from './terms.ts';

export interface FixedPurchase {
  readonly id: string;
  readonly productId: string;
  readonly userId: string;
  readonly amount: bigint;
  readonly businessDate: PlainDate;
  readonly status: 'raising' | 'holding' | 'refunded' | 'matured' | 'redeemed';
  readonly holdingId: string | null;
  readonly acknowledgementId: string | null;
  readonly settledOn: PlainDate | null;
  readonly createdAt: Date;
}

/** A published fixed-term product with its raise: what a customer sees before buying. */
export interface FixedOffer {
  readonly product: Product;
  readonly terms: FixedTerms;
  readonly raise: Raise | null;
  readonly figures: RaiseFigures;
  /** What the caller bought of it so far (not refunded), when asked for a caller. */
  readonly yours: bigint | null;
  /** The interest 10,000.00 held from the value date to maturity earns (an illustration). */
  readonly interestPer10000: bigint;
}

export interface FixedSettlement {
  readonly kind: 'maturity' | 'early';
  readonly principal: bigint;
  readonly days: number;
  readonly rate: string;
  readonly interest: bigint;
  readonly fee: bigint;
  readonly net: bigint;
  readonly businessDate: PlainDate;
}

/** One investor's position in one fixed-term product. */
export interface FixedPosition {
  readonly product: Product;
  readonly terms: FixedTerms;
  readonly raiseState: Raise['state'] | null;
  readonly holdingId: string | null;
  /** Money bought and still in the product (raising or held). */
  readonly principal: bigint;
  /** What holding to maturity pays in interest on that principal. */
  readonly expectedInterest: bigint;
  readonly purchases: FixedPurchase[];
  readonly settlement: FixedSettlement | null;
}

interface PurchaseRow {
  id: string;
  product_id: string;
  user_id: string;
  amount: bigint;
  business_date: PlainDate;
  status: FixedPurchase['status'];
  holding_id: string | null;
  acknowledgement_id: string | null;
  settled_on: PlainDate | null;
  created_at: Date;
}

const purchaseOfRow = (r: PurchaseRow): FixedPurchase => ({
  id: r.id,
  productId: r.product_id,
  userId: r.user_id,
  amount: r.amount,
  businessDate: r.business_date,
  status: r.status,
  holdingId: r.holding_id,
  acknowledgementId: r.acknowledgement_id,
  settledOn: r.settled_on,
  createdAt: r.created_at,
});

const yuan = (minor: bigint) => formatAmount(minor, CNY);

const PURCHASE_COLUMNS = sql`id, product_id, user_id, amount, business_date::text as business_date, status, holding_id,
  acknowledgement_id, settled_on::text as settled_on, created_at`;

/** Fixed-term products: raising, value date, maturity, cancellation, early redemption (docs/wealth-fixed-term.md). */
export class FixedTerm {
  constructor(readonly context: WealthContext) {}

  /**
   * Buys during raising, in one transaction: the product row locked FOR UPDATE (purchases of one
   * product and its day-close decision one at a time, so the caps hold under any concurrency), the
   * amount's rules, suitability (422/409 from identity, its acknowledgement recorded), the caps per
   * investor and in total over the purchases already made, then wallet → raising with the row.
   */
  async purchase(
    userId: string,
    productRef: string,
    input: { amount: bigint; acknowledgeRisk?: boolean; language?: 'zh' | 'en' },
  ): Promise<FixedPurchase> {
    const { db, clock, identity, payments, ledger } = this.context;
    return inTransaction(db, async (trx) => {
      const product = await publishedProduct(trx, productRef, 'fixed_term', 'update');
      const terms = parseFixedTerms(product.terms);
      const raise = await raiseOf(trx, product.id);
      const today = clock.businessDate();
      if (today < terms.raiseStart)
        throw ruleViolation('raise_not_started', `raising starts on ${terms.raiseStart}`, {
          raiseStart: terms.raiseStart,
        });
      if (raise?.state !== 'raising' || today > terms.raiseEnd)
        throw ruleViolation('raise_closed', 'raising has ended for this product', {
          raiseEnd: terms.raiseEnd,
        });
      checkAmount(input.amount, terms);
      const standing = await identity.suitability.checkPurchase(trx, userId, {
        productRef: `wealth_product:${product.id}`,
        productLevel: product.riskLevel,
        allowOverride: product.allowOverride,
        acknowledged: input.acknowledgeRisk ?? false,
        ...(input.language ? { language: input.language } : {}),
      });
      const sums = await sql<{ total: bigint; yours: bigint }>`
        select coalesce(sum(amount), 0)::int8 as total,
               coalesce(sum(amount) filter (where user_id = ${userId}), 0)::int8 as yours
        from wealth_fixed_purchases where product_id = ${product.id} and status <> 'refunded'`.execute(trx);
      const { total, yours } = sums.rows[0]!;
      if (yours + input.amount > terms.perInvestorCap)
        throw ruleViolation(
          'per_investor_cap_exceeded',
          'that is more than one investor may buy of this product',
          {
            perInvestorCap: yuan(terms.perInvestorCap),
            left: yuan(terms.perInvestorCap - yours),
          },
        );
      if (total + input.amount > terms.maxTotal)
        throw ruleViolation('raise_cap_exceeded', 'that is more than the product has left to raise', {
          left: yuan(terms.maxTotal - total),
        });
      const wallet = await payments.walletAccount(trx, userId, { lock: true });
      const id = uuidv7();
      const taken = transfer(wallet, wealthAccount.raising(product.id), input.amount, WealthCode.raise, id);
      await post(ledger, trx, [taken]);
      const now = clock.now();
      const rows =
        await sql<PurchaseRow>`insert into wealth_fixed_purchases (id, product_id, user_id, amount, business_date,
          status, acknowledgement_id, raise_transfer_id, created_at, updated_at)
        values (${id}, ${product.id}, ${userId}, ${input.amount}, ${today}, 'raising', ${standing.acknowledgementId},
          ${taken.id}, ${now}, ${now})
        returning ${PURCHASE_COLUMNS}`.execute(trx);
      return purchaseOfRow(rows.rows[0]!);
    });
  }

  /** Published fixed-term products with their raise (and what the caller bought of each). */
  async offers(userId?: string): Promise<FixedOffer[]> {
    const products = await listProducts(this.context.db, { kind: 'fixed_term', status: ['published'] });
    return this.offersOf(products, userId);
  }

  /** Every fixed-term product in any state with its raise, for operations. */
  async allOffers(): Promise<FixedOffer[]> {
    return this.offersOf(await listProducts(this.context.db, { kind: 'fixed_term' }));
  }

  async offer(productRef: string, userId?: string): Promise<FixedOffer> {
    const product = await publishedProduct(this.context.db, productRef, 'fixed_term');
    return (await this.offersOf([product], userId))[0]!;
  }

  private async offersOf(products: Product[], userId?: string): Promise<FixedOffer[]> {
    const { db } = this.context;
    const ids = products.map((p) => p.id);
    const figures = await raisedBy(db, ids);
    const yours = new Map<string, bigint>();
    if (userId && ids.length > 0) {
      const rows = await sql<{ product_id: string; amount: bigint }>`
        select product_id, sum(amount)::int8 as amount from wealth_fixed_purchases
        where user_id = ${userId} and product_id = any(${ids}::uuid[]) and status <> 'refunded'
        group by product_id`.execute(db);
      for (const r of rows.rows) yours.set(r.product_id, r.amount);
    }
    const offers: FixedOffer[] = [];
    for (const product of products) {
      const parsed = parseFixedTerms(product.terms);
      offers.push({
        product,
        terms: fixedTermsJson(parsed),
        raise: await raiseOf(db, product.id),
        figures: figures.get(product.id) ?? { raised: 0n, investors: 0 },
        yours: userId ? (yours.get(product.id) ?? 0n) : null,
        interestPer10000: expectedInterest(1_000_000n, parsed),
      });
    }
    return offers;
  }

  /** The investor's fixed-term positions, newest first: purchases, holding, expected interest, payout. */
  async positionsOf(userId: string): Promise<FixedPosition[]> {
    const { db } = this.context;
    const purchases = await sql<PurchaseRow>`select ${PURCHASE_COLUMNS} from wealth_fixed_purchases
      where user_id = ${userId} order by created_at desc limit 1000`.execute(db);
    const byProduct = new Map<string, FixedPurchase[]>();
    for (const row of purchases.rows) {
      const list = byProduct.get(row.product_id) ?? [];
      list.push(purchaseOfRow(row));
      byProduct.set(row.product_id, list);
    }
    const settlements = await sql<{
      product_id: string;
      kind: 'maturity' | 'early';
      principal: bigint;
      days: number;
      rate: string;
      interest: bigint;
      fee: bigint;
      net: bigint;
      business_date: PlainDate;
    }>`select product_id, kind, principal, days, rate, interest, fee, net, business_date::text as business_date
      from wealth_fixed_settlements where user_id = ${userId}`.execute(db);
    const settled = new Map(settlements.rows.map((s) => [s.product_id, s]));
    const positions: FixedPosition[] = [];
    for (const [productId, list] of byProduct) {
      const product = await getProduct(db, productId);
      const parsed = parseFixedTerms(product.terms);
      const principal = list
        .filter((p) => p.status === 'raising' || p.status === 'holding')
        .reduce((sum, p) => sum + p.amount, 0n);
      const s = settled.get(productId);
      positions.push({
        product,
        terms: fixedTermsJson(parsed),
        raiseState: (await raiseOf(db, productId))?.state ?? null,
        holdingId: list.find((p) => p.holdingId)?.holdingId ?? null,
        principal,
        expectedInterest: expectedInterest(principal, parsed),
        purchases: list,
        settlement: s
          ? {
              kind: s.kind,
              principal: s.principal,
              days: s.days,
              rate: s.rate,
              interest: s.interest,
              fee: s.fee,
              net: s.net,
              businessDate: s.business_date,
            }
          : null,
      });
    }
    return positions;
  }

  earlyRedemptionQuote(userId: string, holdingId: string) {
    return earlyQuote(this.context, this.context.db, userId, holdingId).then(({ accountId: _, ...q }) => q);
  }

  redeemEarly(userId: string, holdingId: string, expectedNet: bigint) {
    return redeemEarly(this.context, userId, holdingId, expectedNet);
  }

  /** Its day-close steps (positions in docs/wealth.md: 500-590). */
  daySteps(): BatchStep[] {
    return [fixedDayStep(this.context)];
  }
}

function expectedInterest(principal: bigint, terms: FixedTermsParsed): bigint {
  return simpleInterest(principal, terms.annualRate, terms.valueDate, terms.maturityDate, terms.dayCount)
    .interest;
}

/** A purchase is minPurchase + k × step (k ≥ 0), in CNY. */
function checkAmount(amount: bigint, terms: FixedTermsParsed): void {
  if (amount < terms.minPurchase || (amount - terms.minPurchase) % terms.step !== 0n)
    throw ruleViolation(
      'purchase_amount_invalid',
      'a purchase is the minimum purchase plus a whole number of steps',
      { minPurchase: yuan(terms.minPurchase), step: yuan(terms.step) },
    );
}
