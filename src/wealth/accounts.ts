import type { Executor } from '../db/index.ts';
import { ruleViolation, uuidv7 } from '../kernel/index.ts';
import {
  type AccountInput,
  type ChartKey,
  ChartOfAccounts,
  type Ledger,
  type TransferInput,
} from '../ledger/index.ts';

/**
 * Wealth's ledger accounts (docs/wealth.md draws the flows). Money is in CNY; a distributed fund's
 * units are in a ledger of their own, `FUND:<code>`, in hundredths of a unit, so that a fund's units
 * never mix with money or with another fund's units.
 *
 * - A holding (fund_holding, per product and investor): what the money-market fund or a fixed-term
 *   product owes the investor. The money-market fund's units are its money at NAV 1.0000.
 * - Subscriptions pending (per product): money taken from wallets for orders not yet confirmed.
 * - The fund's income (per product): its portfolio's earnings, credited to holders as new units.
 * - Liquidity and liquidity used (per money-market fund): quick redemptions draw on the first.
 * - Raising (per fixed-term product): money raised before the value date.
 * - Units, units issued, custody (per distributed fund).
 */
export const CURRENCY = 'CNY';

export const unitLedger = (fundCode: string) => `FUND:${fundCode}`;

export const wealthAccount = {
  /** An investor's holding, named by its row in the holdings registry (holdings.ts). */
  holding: (holdingId: string) => `wh:${holdingId}`,
  pending: (productId: string) => `wealth:${productId}:pending`,
  income: (productId: string) => `wealth:${productId}:income`,
  liquidity: (productId: string) => `wealth:${productId}:liquidity`,
  liquidityUsed: (productId: string) => `wealth:${productId}:liquidity-used`,
  raising: (productId: string) => `wealth:${productId}:raising`,
  interest: (productId: string) => `wealth:${productId}:interest`,
  /** An investor's units of a distributed fund, named by its row in the holdings registry. */
  units: (holdingId: string) => `wu:${holdingId}`,
  unitsIssued: (productId: string) => `wealth:${productId}:units-issued`,
  custody: (productId: string) => `wealth:${productId}:custody`,
};

/** Transfer codes of wealth (1800s: issue 18). */
export const WealthCode = {
  /** Wallet → pending: a subscription taken. */
  subscribe: 1801,
  /** Pending → holding (or → custody and fee): a subscription confirmed. */
  confirm: 1802,
  /** Pending → wallet: a subscription refused or cancelled. */
  refundSubscription: 1803,
  /** Income → holding: a day's income as new units. */
  income: 1804,
  /** Holding → wallet: a redemption paid (normal, quick, at maturity). */
  redeem: 1805,
  /** Liquidity → liquidity used: a quick redemption's draw; and back when it settles. */
  liquidityDraw: 1806,
  liquidityRestore: 1807,
  /** Equity → liquidity: operations' top-up. */
  liquidityTopUp: 1808,
  /** Wallet → raising, raising → holding, raising → wallet (a failed raise). */
  raise: 1809,
  valueDate: 1810,
  refundRaise: 1811,
  /** Interest → wallet: fixed-term interest paid. */
  interest: 1812,
  /** Units issued → units: a distributed fund's units confirmed; units → units issued: redeemed. */
  issueUnits: 1813,
  redeemUnits: 1814,
  /** Custody → wallet: a distributed fund's redemption paid; pending → fee income: its fees. */
  fundPayout: 1815,
  fee: 1816,
} as const;

export function accountInput(id: string, key: ChartKey, userData?: string, ledger = CURRENCY): AccountInput {
  const entry = ChartOfAccounts[key];
  return { id, ledger, code: entry.code, flags: entry.flags, ...(userData ? { userData } : {}) };
}

/** Creates the accounts (those that exist are left alone). */
export async function createAccounts(ledger: Ledger, trx: Executor, accounts: AccountInput[]): Promise<void> {
  if (accounts.length === 0) return;
  const results = await ledger.createAccounts(accounts, { tx: trx });
  for (const r of results)
    if (r.result !== 'ok' && r.result !== 'exists') throw new Error(`wealth account ${r.id}: ${r.result}`);
}

/** One of wealth's transfers: a new id, the product's id (or an order's) as its user data. */
export function transfer(
  debit: string,
  credit: string,
  amount: bigint,
  code: number,
  userData: string,
  ledger = CURRENCY,
): TransferInput {
  return {
    id: `wealth:${uuidv7()}`,
    debitAccountId: debit,
    creditAccountId: credit,
    amount,
    ledger,
    code,
    userData,
  };
}

/**
 * Posts wealth's transfers in the caller's transaction; any refusal throws, so they commit all or
 * none. A wallet that cannot pay is `insufficient_funds`; a holding that cannot is
 * `insufficient_holding`; the fund's liquidity that cannot is `fund_liquidity_exhausted`.
 */
export async function post(ledger: Ledger, trx: Executor, transfers: TransferInput[]): Promise<void> {
  const nonZero = transfers.filter((t) => t.amount > 0n);
  if (nonZero.length === 0) return;
  const results = await ledger.createTransfers(nonZero, { tx: trx, idsAreNew: true });
  const refused = results.find((r) => r.result !== 'ok');
  if (!refused) return;
  const failed = nonZero.find((t) => t.id === refused.id);
  if (refused.result === 'exceeds_credits') {
    const debit = failed?.debitAccountId ?? '';
    if (debit.endsWith(':liquidity'))
      throw ruleViolation(
        'fund_liquidity_exhausted',
        "the fund's liquidity for quick redemption is used up today",
      );
    if (debit.startsWith('wh:') || debit.startsWith('wu:'))
      throw ruleViolation('insufficient_holding', 'the holding does not have that much available');
    throw ruleViolation('insufficient_funds', 'the wallet does not hold enough available money for this');
  }
  throw new Error(`ledger refused ${refused.id}: ${refused.result}`);
}
