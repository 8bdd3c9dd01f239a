import type { Executor } from '../db/index.ts';
import { ruleViolation, uuidv7 } from '../kernel/index.ts';
import { ChartOfAccounts, type Ledger, MAX_BATCH_SIZE, type TransferInput } from '../ledger/index.ts';

/**
 * Crowdfunding's ledger accounts, per project (docs/crowdfunding.md draws the flows):
 * - holds: backers' money while the project raises; a backing is a pending transfer wallet → holds,
 *   posted when the project succeeds, voided when the backer cancels or the project fails;
 * - escrow: what a successful project raised less the platform's fee, paid to the creator's wallet
 *   by the payout plan or refunded to backers.
 * The fee, and the payment cost of card backings, go to payments' fee income account.
 */
export const CURRENCY = 'CNY';

export const projectAccount = {
  holds: (projectId: string) => `cf:${projectId}:holds`,
  escrow: (projectId: string) => `cf:${projectId}:escrow`,
};

/** Transfer codes of crowdfunding (2500s: issue 25). */
export const CrowdfundingCode = {
  /** Wallet → holds, pending: a backing; its post at success and its void share the code. */
  back: 2501,
  /** Holds → fee income: the platform's fee at success. */
  fee: 2502,
  /** Holds → escrow: the creator's share at success. */
  escrow: 2503,
  /** Escrow → creator's wallet: a payout (all at success, or one milestone). */
  payout: 2504,
  /** Escrow → backer's wallet: a refund. */
  refund: 2505,
  /**
   * Holds → fee income: at success, what the channels charged for the card backings' top-ups,
   * passed on from the creator's share.
   */
  paymentCost: 2506,
} as const;

export async function createProjectAccounts(ledger: Ledger, trx: Executor, projectId: string): Promise<void> {
  const accounts = [
    { id: projectAccount.holds(projectId), key: 'crowdfundingHolds' as const },
    { id: projectAccount.escrow(projectId), key: 'crowdfundingEscrow' as const },
  ].map(({ id, key }) => ({
    id,
    ledger: CURRENCY,
    code: ChartOfAccounts[key].code,
    flags: ChartOfAccounts[key].flags,
    userData: projectId,
  }));
  const results = await ledger.createAccounts(accounts, { tx: trx });
  for (const r of results)
    if (r.result !== 'ok' && r.result !== 'exists')
      throw new Error(`crowdfunding account ${r.id}: ${r.result}`);
}

export function transfer(
  debit: string,
  credit: string,
  amount: bigint,
  code: number,
  userData: string,
  extra: Partial<TransferInput> = {},
): TransferInput {
  return {
    id: `cf:${uuidv7()}`,
    debitAccountId: debit,
    creditAccountId: credit,
    amount,
    ledger: CURRENCY,
    code,
    userData,
    ...extra,
  };
}

/**
 * Posts crowdfunding's transfers in the caller's transaction, in ledger-sized batches; any refusal
 * throws, so they commit all or none. A wallet that cannot pay is insufficient_funds; an escrow that
 * cannot is escrow_insufficient.
 */
export async function post(ledger: Ledger, trx: Executor, transfers: TransferInput[]): Promise<void> {
  const nonZero = transfers.filter((t) => t.amount > 0n || t.pendingId !== undefined);
  for (let start = 0; start < nonZero.length; start += MAX_BATCH_SIZE) {
    const slice = nonZero.slice(start, start + MAX_BATCH_SIZE);
    const results = await ledger.createTransfers(slice, { tx: trx, idsAreNew: true });
    const refused = results.find((r) => r.result !== 'ok');
    if (!refused) continue;
    const failed = slice.find((t) => t.id === refused.id);
    if (refused.result === 'exceeds_credits') {
      if (failed?.debitAccountId?.endsWith(':escrow'))
        throw ruleViolation('escrow_insufficient', "the project's escrow does not hold that much");
      throw ruleViolation('insufficient_funds', 'the wallet does not hold enough available money for this');
    }
    throw new Error(`ledger refused ${refused.id}: ${refused.result}`);
  }
}
