import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { inTransaction } from '../../db/index.ts';
import { addDays, CNY, formatAmount, type PlainDate, ruleViolation, uuidv7 } from '../../kernel/index.ts';
import { TransferFlag, type TransferInput } from '../../ledger/index.ts';
import {
  accountInput,
  createAccounts,
  post,
  transfer,
  unitLedger,
  WealthCode,
  wealthAccount,
} from '../accounts.ts';
import { TradingDays, tradeDateOf } from '../calendar.ts';
import type { WealthContext } from '../context.ts';
import { ensureHolding, holdingOf } from '../holdings.ts';
import { getProduct, type Product, publishedProduct } from '../products.ts';
import {
  type Lot,
  type MutualFundTerms,
  priceRedemption,
  subscriptionFee,
  subscriptionRate,
  unitsFor,
  validateMutualFundTerms,
} from './terms.ts';

/**
 * Subscriptions and redemptions of distributed funds at the unknown price (未知价): an order takes
 * its trade date T by the 15:00 cut-off and is priced at NAV(T) when it is confirmed, on the next
 * trading day after T (day-close step 530, once NAV(T) is entered). Redemption money reaches the
 * wallet T+N trading days after T (step 540).
 */

/** Creates a fund's product-level accounts (those that exist are left alone). */
export async function createFundAccounts(
  context: Pick<WealthContext, 'ledger'>,
  trx: Executor,
  product: Pick<Product, 'id' | 'code'>,
): Promise<void> {
  await createAccounts(context.ledger, trx, [
    accountInput(
      wealthAccount.unitsIssued(product.id),
      'fundUnitsIssued',
      product.id,
      unitLedger(product.code),
    ),
    accountInput(wealthAccount.custody(product.id), 'fundCustody', product.id),
    accountInput(wealthAccount.pending(product.id), 'wealthSubscriptionPending', product.id),
  ]);
}

export interface FundOrder {
  readonly id: string;
  readonly kind: 'subscription' | 'redemption';
  readonly productId: string;
  readonly userId: string;
  readonly holdingId: string;
  readonly amount: bigint | null;
  readonly units: bigint | null;
  readonly fee: bigint | null;
  readonly feeRate: string | null;
  readonly feeParts: unknown;
  readonly nav: string | null;
  readonly tradeDate: PlainDate;
  readonly confirmDate: PlainDate;
  readonly payDate: PlainDate | null;
  readonly status: 'pending' | 'confirmed' | 'paid';
  readonly acknowledgementId: string | null;
  readonly createdAt: Date;
  readonly confirmedAt: Date | null;
  readonly paidAt: Date | null;
}

interface OrderRow {
  id: string;
  kind: 'subscription' | 'redemption';
  product_id: string;
  user_id: string;
  holding_id: string;
  amount: bigint | null;
  units: bigint | null;
  fee: bigint | null;
  fee_rate: string | null;
  fee_parts: unknown;
  nav: string | null;
  trade_date: PlainDate;
  confirm_date: PlainDate;
  pay_date: PlainDate | null;
  status: 'pending' | 'confirmed' | 'paid';
  acknowledgement_id: string | null;
  order_transfer_id: string;
  created_at: Date;
  confirmed_at: Date | null;
  paid_at: Date | null;
}

export const ORDER_COLUMNS = sql.raw(`id, kind, product_id, user_id, holding_id, amount, units, fee,
  fee_rate::text as fee_rate, fee_parts, nav::text as nav, trade_date::text as trade_date,
  confirm_date::text as confirm_date, pay_date::text as pay_date, status, acknowledgement_id,
  order_transfer_id, created_at, confirmed_at, paid_at`);

export function orderOfRow(r: OrderRow): FundOrder {
  return {
    id: r.id,
    kind: r.kind,
    productId: r.product_id,
    userId: r.user_id,
    holdingId: r.holding_id,
    amount: r.amount,
    units: r.units,
    fee: r.fee,
    feeRate: r.fee_rate === null ? null : r.fee_rate.replace(/\.?0+$/, ''),
    feeParts: r.fee_parts,
    nav: r.nav,
    tradeDate: r.trade_date,
    confirmDate: r.confirm_date,
    payDate: r.pay_date,
    status: r.status,
    acknowledgementId: r.acknowledgement_id,
    createdAt: r.created_at,
    confirmedAt: r.confirmed_at,
    paidAt: r.paid_at,
  };
}

const cents = (text: string) => {
  const [whole = '0', fraction = ''] = text.split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0') || '0');
};

export async function subscribe(
  context: WealthContext,
  input: { userId: string; fund: string; amount: bigint; acknowledged: boolean; language?: 'zh' | 'en' },
): Promise<FundOrder> {
  return inTransaction(context.db, async (trx) => {
    const product = await publishedProduct(trx, input.fund, 'mutual_fund', 'share');
    const terms = validateMutualFundTerms(product.terms);
    if (input.amount < cents(terms.minSubscription))
      throw ruleViolation(
        'below_minimum_subscription',
        `the least subscription is ${terms.minSubscription} CNY`,
        {
          minSubscription: terms.minSubscription,
        },
      );
    const standing = await context.identity.suitability.checkPurchase(trx, input.userId, {
      productRef: `wealth_product:${product.id}`,
      productLevel: product.riskLevel,
      allowOverride: product.allowOverride,
      acknowledged: input.acknowledged,
      ...(input.language ? { language: input.language } : {}),
    });
    const days = await TradingDays.around(trx, context.clock.businessDate());
    const { tradeDate } = tradeDateOf(context.clock, days);
    const { effective } = subscriptionRate(terms, input.amount);
    const fee = subscriptionFee(input.amount, effective);
    const wallet = await context.payments.walletAccount(trx, input.userId, { lock: true });
    await createFundAccounts(context, trx, product);
    const holding = await ensureHolding(context.ledger, trx, product, input.userId, context.clock.now());
    const id = uuidv7();
    const take = transfer(wallet, wealthAccount.pending(product.id), input.amount, WealthCode.subscribe, id);
    await post(context.ledger, trx, [take]);
    const rows =
      await sql<OrderRow>`insert into wealth_fund_orders (id, kind, product_id, user_id, holding_id,
        amount, fee, fee_rate, trade_date, confirm_date, status, acknowledgement_id, order_transfer_id, created_at)
      values (${id}, 'subscription', ${product.id}, ${input.userId}, ${holding.id}, ${input.amount}, ${fee},
        ${effective.toFixed()}, ${tradeDate}, ${days.next(tradeDate)}, 'pending', ${standing.acknowledgementId},
        ${take.id}, ${context.clock.now()})
      returning ${ORDER_COLUMNS}`.execute(trx);
    return orderOfRow(rows.rows[0]!);
  });
}

export async function redeem(
  context: WealthContext,
  input: { userId: string; fund: string; units: bigint },
): Promise<FundOrder> {
  return inTransaction(context.db, async (trx) => {
    // A fund that has closed still redeems: only drafts and unknown funds are not found.
    const product = await publishedOrClosed(trx, input.fund);
    const terms = validateMutualFundTerms(product.terms);
    const holding = await holdingOf(trx, product.id, input.userId);
    if (!holding)
      throw ruleViolation('insufficient_holding', 'the holding does not have that much available');
    const days = await TradingDays.around(trx, context.clock.businessDate());
    const { tradeDate } = tradeDateOf(context.clock, days);
    await createFundAccounts(context, trx, product);
    const id = uuidv7();
    // The units are frozen now (a pending transfer) and leave the holding when the money is paid.
    const freeze: TransferInput = {
      ...transfer(
        holding.accountId,
        wealthAccount.unitsIssued(product.id),
        input.units,
        WealthCode.redeemUnits,
        id,
        unitLedger(product.code),
      ),
      flags: TransferFlag.pending,
    };
    await post(context.ledger, trx, [freeze]);
    const rows =
      await sql<OrderRow>`insert into wealth_fund_orders (id, kind, product_id, user_id, holding_id,
        units, trade_date, confirm_date, pay_date, status, order_transfer_id, created_at)
      values (${id}, 'redemption', ${product.id}, ${input.userId}, ${holding.id}, ${input.units}, ${tradeDate},
        ${days.next(tradeDate)}, ${days.add(tradeDate, terms.settlementDays)}, 'pending', ${freeze.id},
        ${context.clock.now()})
      returning ${ORDER_COLUMNS}`.execute(trx);
    return orderOfRow(rows.rows[0]!);
  });
}

async function publishedOrClosed(trx: Executor, fund: string): Promise<Product> {
  try {
    return await publishedProduct(trx, fund, 'mutual_fund', 'share');
  } catch (error) {
    const product = await getProduct(trx, fund, 'share').catch(() => null);
    if (product && product.kind === 'mutual_fund' && product.status === 'closed') return product;
    throw error;
  }
}

const CHUNK = 500;

/**
 * Step 530: confirms the orders whose confirmation date has come (≤ D+1) and whose trade date's NAV
 * is entered: a subscription's units issued and its money placed in custody, its fee to the
 * platform; a redemption priced (gross, fee by FIFO lots). Orders whose NAV is missing wait and
 * are counted in the step's report as not handled (they show as `navMissing` to operations).
 */
export async function confirmDue(context: WealthContext, trx: Executor, date: PlainDate): Promise<number> {
  const due = addDays(date, 1);
  let handled = 0;
  await context.payments.ensurePlatformAccounts(trx);
  for (;;) {
    const rows = await sql<OrderRow & { navp: string; code: string; terms: unknown }>`
      select ${sql.raw(
        ['id', 'kind', 'product_id', 'user_id', 'holding_id', 'amount', 'units', 'fee', 'trade_date']
          .map((c) => `o.${c}${c === 'trade_date' ? '::text as trade_date' : ''}`)
          .join(', '),
      )}, n.nav::text as navp, p.code, p.terms
      from wealth_fund_orders o
      join wealth_fund_navs n on n.product_id = o.product_id and n.date = o.trade_date
      join wealth_products p on p.id = o.product_id
      where o.status = 'pending' and o.confirm_date <= ${due}::date
      order by o.id limit ${CHUNK} for update of o skip locked for share of n`.execute(trx);
    if (rows.rows.length === 0) return handled;
    const transfers: TransferInput[] = [];
    const updates: {
      id: string;
      units: bigint;
      amount: bigint | null;
      fee: bigint;
      parts: unknown;
      nav: string;
      ids: string[];
    }[] = [];
    for (const o of rows.rows) {
      const terms = validateMutualFundTerms(o.terms);
      if (o.kind === 'subscription') {
        const amount = o.amount!;
        const fee = o.fee!;
        const units = unitsFor(amount - fee, o.navp);
        const legs = [
          transfer(
            wealthAccount.pending(o.product_id),
            context.payments.feeIncomeAccount,
            fee,
            WealthCode.fee,
            o.id,
          ),
          transfer(
            wealthAccount.pending(o.product_id),
            wealthAccount.custody(o.product_id),
            amount - fee,
            WealthCode.confirm,
            o.id,
          ),
          transfer(
            wealthAccount.unitsIssued(o.product_id),
            wealthAccount.units(o.holding_id),
            units,
            WealthCode.issueUnits,
            o.id,
            unitLedger(o.code),
          ),
        ];
        transfers.push(...legs);
        updates.push({
          id: o.id,
          units,
          amount: null,
          fee,
          parts: null,
          nav: o.navp,
          ids: legs.filter((l) => l.amount > 0n).map((l) => l.id),
        });
      } else {
        const priced = await priceOne(context, trx, o, terms);
        updates.push({
          id: o.id,
          units: o.units!,
          amount: priced.gross,
          fee: priced.fee,
          // Stored with units as text of two places ("9985.02"), as the API shows units.
          parts: priced.parts.map((p) => ({ ...p, units: formatAmount(p.units, CNY) })),
          nav: o.navp,
          ids: [],
        });
      }
    }
    for (let i = 0; i < transfers.length; i += 6000)
      await post(context.ledger, trx, transfers.slice(i, i + 6000));
    await sql`update wealth_fund_orders o set status = 'confirmed', units = u.units, amount = coalesce(u.amount, o.amount),
        fee = u.fee, fee_parts = u.parts, nav = u.nav, settle_transfer_ids = u.ids, confirmed_at = ${context.clock.now()}
      from (select * from jsonb_to_recordset(${JSON.stringify(
        updates.map((u) => ({
          id: u.id,
          units: u.units.toString(),
          amount: u.amount === null ? null : u.amount.toString(),
          fee: u.fee.toString(),
          parts: u.parts,
          nav: u.nav,
          ids: u.ids,
        })),
      )}::jsonb) as x(id uuid, units bigint, amount bigint, fee bigint, parts jsonb, nav numeric, ids text[])) u
      where o.id = u.id`.execute(trx);
    handled += rows.rows.length;
  }
}

/**
 * Prices a redemption at NAV(T). The lots are the holding's confirmed subscriptions, read from the
 * ledger (credits of the units account by issueUnits, dated by their order's confirmation date);
 * earlier redemptions (the units account's freezes before this one's) consumed the oldest first.
 */
async function priceOne(
  context: WealthContext,
  trx: Executor,
  order: OrderRow & { navp: string },
  terms: MutualFundTerms,
) {
  const account = wealthAccount.units(order.holding_id);
  const history = await context.ledger.accountTransfers(
    { accountId: account, codes: [WealthCode.issueUnits, WealthCode.redeemUnits], limit: 1_000_000 },
    { tx: trx },
  );
  const credits = history.filter((t) => t.creditAccountId === account && t.code === WealthCode.issueUnits);
  const confirmed = await sql<{ id: string; confirm_date: PlainDate }>`
    select id, confirm_date::text as confirm_date from wealth_fund_orders
    where id = any(${credits.map((t) => t.userData ?? '')}::uuid[])`.execute(trx);
  const dateOf = new Map(confirmed.rows.map((r) => [r.id, r.confirm_date]));
  const lots: Lot[] = credits
    .map((t) => ({
      confirmedOn: dateOf.get(t.userData ?? '') ?? order.trade_date,
      units: t.amount,
      at: t.timestamp,
    }))
    .sort((a, b) =>
      a.confirmedOn < b.confirmedOn ? -1 : a.confirmedOn > b.confirmedOn ? 1 : a.at < b.at ? -1 : 1,
    );
  const freezes = history.filter(
    (t) =>
      t.debitAccountId === account &&
      t.code === WealthCode.redeemUnits &&
      (t.flags & TransferFlag.pending) !== 0,
  );
  const own = freezes.find((t) => t.userData === order.id);
  const consumedBefore = freezes
    .filter((t) => own !== undefined && t.timestamp < own.timestamp)
    .reduce((sum, t) => sum + t.amount, 0n);
  return priceRedemption(terms, lots, consumedBefore, order.units!, order.navp, order.trade_date);
}

/**
 * Step 540: pays the priced redemptions whose pay date has come (≤ D+1): net money from custody to
 * the wallet, the fee from custody to the platform, and the frozen units posted back to the fund.
 */
export async function settleDue(context: WealthContext, trx: Executor, date: PlainDate): Promise<number> {
  const due = addDays(date, 1);
  let handled = 0;
  await context.payments.ensurePlatformAccounts(trx);
  for (;;) {
    const rows = await sql<{
      id: string;
      product_id: string;
      user_id: string;
      units: bigint;
      amount: bigint;
      fee: bigint;
      order_transfer_id: string;
      code: string;
    }>`
      select o.id, o.product_id, o.user_id, o.units, o.amount, o.fee, o.order_transfer_id, p.code
      from wealth_fund_orders o join wealth_products p on p.id = o.product_id
      where o.kind = 'redemption' and o.status = 'confirmed' and o.pay_date <= ${due}::date
      order by o.id limit ${CHUNK} for update of o skip locked`.execute(trx);
    if (rows.rows.length === 0) return handled;
    const wallets = await context.payments.lockWallets(trx, [...new Set(rows.rows.map((r) => r.user_id))]);
    const transfers: TransferInput[] = [];
    const ids: string[][] = [];
    for (const o of rows.rows) {
      const net = o.amount - o.fee;
      const legs: TransferInput[] = [
        {
          id: `wealth:${uuidv7()}`,
          pendingId: o.order_transfer_id,
          amount: o.units,
          flags: TransferFlag.postPendingTransfer,
          ledger: '',
          code: 0,
          userData: o.id,
        },
        transfer(
          wealthAccount.custody(o.product_id),
          wallets.get(o.user_id)!,
          net,
          WealthCode.fundPayout,
          o.id,
        ),
        transfer(
          wealthAccount.custody(o.product_id),
          context.payments.feeIncomeAccount,
          o.fee,
          WealthCode.fee,
          o.id,
        ),
      ];
      transfers.push(...legs);
      ids.push(legs.filter((l) => l.amount > 0n).map((l) => l.id));
    }
    for (let i = 0; i < transfers.length; i += 6000)
      await post(context.ledger, trx, transfers.slice(i, i + 6000));
    await sql`update wealth_fund_orders o set status = 'paid', paid_at = ${context.clock.now()},
        settle_transfer_ids = u.ids
      from (select * from jsonb_to_recordset(${JSON.stringify(rows.rows.map((r, i) => ({ id: r.id, ids: ids[i] })))}::jsonb)
            as x(id uuid, ids text[])) u
      where o.id = u.id`.execute(trx);
    handled += rows.rows.length;
  }
}

/** Orders of a trade date (operations' view), with whether each is waiting for its NAV. */
export async function ordersOfDate(db: Executor, date: PlainDate, today: PlainDate) {
  const rows = await sql<OrderRow & { nav_missing: boolean; product_code: string }>`
    select ${sql.raw(prefixed)}, p.code as product_code,
      (o.status = 'pending' and o.confirm_date <= ${addDays(today, 1)}::date and not exists (
        select 1 from wealth_fund_navs n where n.product_id = o.product_id and n.date = o.trade_date)) as nav_missing
    from wealth_fund_orders o join wealth_products p on p.id = o.product_id
    where o.trade_date = ${date}::date order by o.product_id, o.id`.execute(db);
  return rows.rows.map((r) => ({ ...orderOfRow(r), productCode: r.product_code, navMissing: r.nav_missing }));
}

const prefixed = `o.id, o.kind, o.product_id, o.user_id, o.holding_id, o.amount, o.units, o.fee,
  o.fee_rate::text as fee_rate, o.fee_parts, o.nav::text as nav, o.trade_date::text as trade_date,
  o.confirm_date::text as confirm_date, o.pay_date::text as pay_date, o.status, o.acknowledgement_id,
  o.order_transfer_id, o.created_at, o.confirmed_at, o.paid_at`;

/** Orders still waiting for a NAV that is due (their confirmation date has come). */
export async function waitingForNav(db: Executor, today: PlainDate) {
  const rows = await sql<{ product_id: string; trade_date: PlainDate; orders: number }>`
    select o.product_id, o.trade_date::text as trade_date, count(*)::int as orders from wealth_fund_orders o
    where o.status = 'pending' and o.confirm_date <= ${addDays(today, 1)}::date and not exists (
      select 1 from wealth_fund_navs n where n.product_id = o.product_id and n.date = o.trade_date)
    group by 1, 2 order by 2, 1`.execute(db);
  return rows.rows;
}

/** An investor's orders of one fund (or all), newest first. */
export async function ordersOfUser(db: Executor, userId: string, productId?: string, limit = 100) {
  const rows = await sql<OrderRow>`select ${sql.raw(prefixed)} from wealth_fund_orders o
    where o.user_id = ${userId} and (${productId ?? null}::uuid is null or o.product_id = ${productId ?? null}::uuid)
    order by o.id desc limit ${limit}`.execute(db);
  return rows.rows.map(orderOfRow);
}
