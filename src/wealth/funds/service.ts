import { sql } from 'kysely';
import type { BatchStep } from '../../batch/index.ts';
import { inTransaction } from '../../db/index.ts';
import type { AuditContext } from '../../identity/index.ts';
import { addDays, divideRounded, invalid, type PlainDate, parseDate } from '../../kernel/index.ts';
import { TradingDays, tradeDateOf } from '../calendar.ts';
import type { WealthContext } from '../context.ts';
import { holdingsOfUser } from '../holdings.ts';
import {
  listProducts,
  type Product,
  publishedProduct,
  registerPublishHook,
  registerTermsValidator,
} from '../products.ts';
import {
  checkNav,
  fundByRef,
  latestNavs,
  navDateProblems,
  navHistory,
  parseNavCsv,
  writeNavs,
} from './navs.ts';
import {
  confirmDue,
  createFundAccounts,
  type FundOrder,
  ordersOfDate,
  ordersOfUser,
  redeem,
  settleDue,
  subscribe,
  waitingForNav,
} from './orders.ts';
import { type MutualFundTerms, marketValueOf, validateMutualFundTerms } from './terms.ts';

export { createFundAccounts, type FundOrder } from './orders.ts';
export {
  type MutualFundTerms,
  marketValueOf,
  mutualFundTermsSchema,
  priceRedemption,
  subscriptionFee,
  subscriptionRate,
  unitsFor,
  validateMutualFundTerms,
} from './terms.ts';

// The products workflow checks a mutual fund's terms with this module's validator, and publishing
// creates the fund's product-level accounts (orders create them too, lazily). The product's code
// names the fund's unit ledger (`FUND:<code>`), so it must be fit for a ledger name.
registerTermsValidator(
  'mutual_fund',
  (terms) => validateMutualFundTerms(terms) as unknown as Record<string, unknown>,
);
registerPublishHook('mutual_fund', async (trx, product, context) => {
  if (!/^[A-Za-z0-9_.-]{1,32}$/.test(product.code))
    throw invalid(
      'product_code_unfit',
      "a fund's product code is 1-32 of A-Z a-z 0-9 _ . - (it names its unit ledger)",
    );
  validateMutualFundTerms(product.terms);
  await createFundAccounts(context, trx, product);
});

export interface FundHoldingView {
  readonly product: Product;
  readonly terms: MutualFundTerms;
  readonly holdingId: string;
  /** Hundredths of a unit: posted (held), and available (less units frozen by redemptions). */
  readonly units: bigint;
  readonly available: bigint;
  readonly latestNav: { date: PlainDate; nav: string } | null;
  /** Cents. */
  readonly marketValue: bigint | null;
  readonly cost: bigint;
  readonly profit: bigint | null;
  readonly pendingOrders: FundOrder[];
}

/** Distributed mutual funds: NAVs, fees, subscriptions and redemptions at the unknown price, holdings at market value. */
export class FundDistribution {
  constructor(readonly context: WealthContext) {}

  /** The terms validator of kind mutual_fund (for the products workflow). */
  validateTerms(terms: unknown): MutualFundTerms {
    return validateMutualFundTerms(terms);
  }

  /** Enters one NAV; equal to the one entered is a no-op; a NAV that priced orders cannot change. */
  async enterNav(input: { fund: string; date: string; nav: string }, audit: AuditContext) {
    const { db, clock, identity } = this.context;
    const parsed = parseDate(input.date);
    if (!parsed.ok) throw invalid('date_malformed', 'a date is YYYY-MM-DD');
    const nav = checkNav(input.nav);
    if ('problem' in nav) throw invalid(nav.problem, 'a NAV is a positive decimal of at most four places');
    return inTransaction(db, async (trx) => {
      const product = await fundByRef(trx, input.fund);
      const today = clock.businessDate();
      const days = await TradingDays.around(trx, parsed.value);
      const { beforeCutOff } = tradeDateOf(clock, days);
      const problems = navDateProblems(days, today, parsed.value, beforeCutOff);
      if (problems.length > 0)
        throw invalid(
          problems[0]!,
          'a NAV is for a trading day on or before the business date; the business date’s own only after its 15:00 cut-off',
          { date: parsed.value },
        );
      const [result] = await writeNavs(
        trx,
        [{ productId: product.id, date: parsed.value, nav: nav.nav }],
        audit.principal.userId,
        clock.now(),
      );
      if (result !== 'unchanged')
        await identity.audit(
          audit,
          {
            action: 'wealth.fund_nav_entered',
            subjectType: 'wealth_product',
            subjectId: product.id,
            after: { date: parsed.value, nav: nav.nav, result },
          },
          trx,
        );
      return {
        productId: product.id,
        fundCode: validateMutualFundTerms(product.terms).fundCode,
        date: parsed.value,
        nav: nav.nav,
        result: result!,
      };
    });
  }

  /** Imports a NAV file (fund code,date,nav): all lines or none; equal NAVs already entered are no-ops. */
  async importNavs(csv: string, audit: AuditContext) {
    const { db, clock, identity } = this.context;
    return inTransaction(db, async (trx) => {
      const today = clock.businessDate();
      const { beforeCutOff } = tradeDateOf(clock, await TradingDays.around(trx, today));
      const rows = await parseNavCsv(trx, csv, today, beforeCutOff);
      const results = await writeNavs(trx, rows, audit.principal.userId, clock.now());
      const count = (what: string) => results.filter((r) => r === what).length;
      const summary = {
        lines: rows.length,
        created: count('created'),
        changed: count('changed'),
        unchanged: count('unchanged'),
      };
      if (summary.created + summary.changed > 0)
        await identity.audit(
          audit,
          { action: 'wealth.fund_navs_imported', subjectType: 'wealth_fund_navs', details: summary },
          trx,
        );
      return summary;
    });
  }

  /** Published funds with their latest NAV (for customers). */
  async list() {
    const products = await listProducts(this.context.db, { kind: 'mutual_fund', status: ['published'] });
    const navs = await latestNavs(
      this.context.db,
      products.map((p) => p.id),
      this.context.clock.businessDate(),
    );
    return products.map((product) => ({
      product,
      terms: validateMutualFundTerms(product.terms),
      latestNav: navs.get(product.id) ?? null,
    }));
  }

  /** A published fund, its latest NAV and its NAV history over [from, to] (default: the last 90 days). */
  async fund(ref: string, range: { from?: PlainDate; to?: PlainDate } = {}) {
    const product = await publishedProduct(this.context.db, ref, 'mutual_fund');
    const today = this.context.clock.businessDate();
    const to = range.to ?? today;
    const from = range.from ?? addDays(to, -90);
    if (from > to) throw invalid('range_malformed', 'from is after to');
    if (from < addDays(to, -3660)) throw invalid('range_too_long', 'at most ten years at once');
    const history = await navHistory(this.context.db, product.id, from, to);
    const latest = (await latestNavs(this.context.db, [product.id], today)).get(product.id) ?? null;
    return { product, terms: validateMutualFundTerms(product.terms), latestNav: latest, history };
  }

  subscribe(input: {
    userId: string;
    fund: string;
    amount: bigint;
    acknowledged: boolean;
    language?: 'zh' | 'en';
  }) {
    return subscribe(this.context, input);
  }

  redeem(input: { userId: string; fund: string; units: bigint }) {
    return redeem(this.context, input);
  }

  /**
   * An investor's fund holdings: units (held and available), market value at the latest NAV (half
   * up), cost by average cost and profit, and orders not yet done. Cost: each confirmed subscription
   * adds its whole amount (fee included); each paid redemption takes away the cost of its units at
   * the average cost then (cost × units ÷ units held, half up).
   */
  async holdings(userId: string): Promise<FundHoldingView[]> {
    const { db, ledger, clock } = this.context;
    const holdings = await holdingsOfUser(db, userId);
    if (holdings.length === 0) return [];
    const products = await listProducts(db, { kind: 'mutual_fund' });
    const byId = new Map(products.map((p) => [p.id, p]));
    const mine = holdings.filter((h) => byId.has(h.productId));
    const accounts = new Map(
      (await ledger.lookupAccounts(mine.map((h) => h.accountId))).map((a) => [a.id, a]),
    );
    const navs = await latestNavs(
      db,
      mine.map((h) => h.productId),
      clock.businessDate(),
    );
    const orders = await sql<{
      holding_id: string;
      kind: string;
      amount: bigint;
      units: bigint;
      status: string;
    }>`
      select holding_id, kind, amount, units, status from wealth_fund_orders
      where user_id = ${userId} and ((kind = 'subscription' and status = 'confirmed') or (kind = 'redemption' and status = 'paid'))
      order by coalesce(paid_at, confirmed_at), case kind when 'subscription' then 0 else 1 end, id`.execute(
      db,
    );
    const views: FundHoldingView[] = [];
    for (const h of mine) {
      const product = byId.get(h.productId)!;
      const account = accounts.get(h.accountId);
      const units = account ? account.creditsPosted - account.debitsPosted : 0n;
      const available = account ? units - account.debitsPending : 0n;
      let cost = 0n;
      let held = 0n;
      for (const o of orders.rows) {
        if (o.holding_id !== h.id) continue;
        if (o.kind === 'subscription') {
          cost += o.amount;
          held += o.units;
        } else {
          const removed = held === 0n ? cost : divideRounded(cost * o.units, held, 'half_up');
          cost -= removed;
          held -= o.units;
        }
      }
      const latestNav = navs.get(h.productId) ?? null;
      const marketValue = latestNav ? marketValueOf(units, latestNav.nav) : null;
      const pendingOrders = (await ordersOfUser(db, userId, h.productId)).filter(
        (o) => o.status !== 'paid' && !(o.kind === 'subscription' && o.status === 'confirmed'),
      );
      if (units === 0n && pendingOrders.length === 0 && cost === 0n) continue;
      views.push({
        product,
        terms: validateMutualFundTerms(product.terms),
        holdingId: h.id,
        units,
        available,
        latestNav,
        marketValue,
        cost,
        profit: marketValue === null ? null : marketValue - cost,
        pendingOrders,
      });
    }
    return views;
  }

  orders(userId: string) {
    return ordersOfUser(this.context.db, userId);
  }

  /** Operations: the orders of a trade date, and every fund/date still waiting for its NAV. */
  async ordersOn(date: PlainDate) {
    const today = this.context.clock.businessDate();
    return {
      orders: await ordersOfDate(this.context.db, date, today),
      waitingForNav: await waitingForNav(this.context.db, today),
    };
  }

  /** Its day-close steps (positions in docs/wealth.md: 500-590). */
  daySteps(): BatchStep[] {
    return [
      {
        name: 'wealth.fund-confirm',
        owner: 'wealth',
        position: 530,
        description:
          "Confirms distributed funds' orders at the NAV of their trade date (units issued, fees, redemptions priced); orders whose NAV is missing wait.",
        run: (db, date) => confirmDue(this.context, db, date),
      },
      {
        name: 'wealth.fund-settle',
        owner: 'wealth',
        position: 540,
        description:
          'Pays redemptions of distributed funds whose T+N date has come: money to the wallet, fee to the platform.',
        run: (db, date) => settleDue(this.context, db, date),
      },
    ];
  }
}
