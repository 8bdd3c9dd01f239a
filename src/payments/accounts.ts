import type { Executor } from '../db/index.ts';
import { ChartOfAccounts, type Ledger } from '../ledger/index.ts';

/**
 * The ledger accounts payments uses, and the transfer codes that say what each movement was. The
 * wallet's transaction history is the ledger itself, read through these codes.
 */
export const CURRENCY = 'CNY';

export const walletAccountId = (userId: string) => `wallet:${userId}:${CURRENCY}`;
export const merchantAccountId = (merchantId: string) => `merchant:${merchantId}:${CURRENCY}`;
export const channelCashAccountId = (channel: string) => `channel:${channel}:cash:${CURRENCY}`;
/** What one channel charges netfin (channel_fee_expense, 5001), per channel and currency. */
export const channelFeeAccountId = (channel: string) => `channel:${channel}:fees:${CURRENCY}`;
export const FEE_INCOME_ACCOUNT = `platform:fee-income:${CURRENCY}`;

export const TransferCode = {
  topUp: 101,
  withdrawal: 102,
  withdrawalFee: 103,
  transfer: 104,
  merchantPayment: 105,
  refund: 106,
} as const;

/**
 * Channel fee expense → channel cash: what a channel keeps of a charge it settled. Apart from
 * TransferCode, whose codes are the wallet's movements (the statement names each one): this one
 * never touches a wallet.
 */
export const CHANNEL_COST_CODE = 107;

/** Creates the wallet account if needed (idempotent: an existing one answers `exists`). */
export async function ensureWalletAccount(ledger: Ledger, trx: Executor, userId: string): Promise<string> {
  const id = walletAccountId(userId);
  const [result] = await ledger.createAccounts(
    [
      {
        id,
        ledger: CURRENCY,
        code: ChartOfAccounts.userWallet.code,
        userData: userId,
        flags: ChartOfAccounts.userWallet.flags,
      },
    ],
    { tx: trx },
  );
  if (result!.result !== 'ok' && result!.result !== 'exists')
    throw new Error(`wallet account ${id}: ${result!.result}`);
  return id;
}

export async function ensurePlatformAccounts(
  ledger: Ledger,
  trx: Executor,
  channels: readonly string[],
): Promise<void> {
  const results = await ledger.createAccounts(
    [
      { id: FEE_INCOME_ACCOUNT, ledger: CURRENCY, code: ChartOfAccounts.feeIncome.code },
      ...channels.map((channel) => ({
        id: channelCashAccountId(channel),
        ledger: CURRENCY,
        code: ChartOfAccounts.channelCash.code,
        userData: channel,
      })),
      ...channels.map((channel) => ({
        id: channelFeeAccountId(channel),
        ledger: CURRENCY,
        code: ChartOfAccounts.channelFees.code,
        userData: channel,
      })),
    ],
    { tx: trx },
  );
  for (const r of results)
    if (r.result !== 'ok' && r.result !== 'exists') throw new Error(`platform account ${r.id}: ${r.result}`);
}
