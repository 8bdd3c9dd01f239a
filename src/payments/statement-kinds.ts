import { ChartOfAccounts, type PostedMovement, type PostedMovementFilter } from '../ledger/index.ts';
import { TransferCode } from './accounts.ts';
import type { CounterpartKind, StatementKind } from './statement-lists.ts';

/**
 * What a movement of a customer's wallet is, in words: its kind (from the transfer's code and its
 * direction), the kind of account on the other side (its counterpart), and the order, loan or credit
 * line it belongs to. Nothing here reads the database; the statement's query and its CSV use it.
 *
 * The codes of other contexts (lending 2xx, credit 17xx, wealth 18xx, crm 20xx) are named here by number
 * because payments is below them and cannot import them; test/payments/wallet-statement.test.ts
 * checks the numbers against their accounts.ts. A code not named here is shown as `other`.
 */
export {
  COUNTERPART_KINDS,
  type CounterpartKind,
  STATEMENT_KINDS,
  type StatementKind,
} from './statement-lists.ts';

export type Direction = 'in' | 'out';
/** Money in is a credit to the wallet (a credit-normal account); out is a debit. */
export const sideOf = (direction: Direction) => (direction === 'in' ? 'credit' : 'debit');

/** Each known code: its kind, or a kind for each direction when the code goes both ways. */
const KIND_OF_CODE: ReadonlyMap<number, StatementKind | Record<Direction, StatementKind>> = new Map<
  number,
  StatementKind | Record<Direction, StatementKind>
>([
  [TransferCode.topUp, 'top_up'],
  [TransferCode.withdrawal, 'withdrawal'],
  [TransferCode.withdrawalFee, 'withdrawal_fee'],
  [TransferCode.transfer, { in: 'transfer_in', out: 'transfer_out' }],
  [TransferCode.merchantPayment, 'merchant_payment'],
  [TransferCode.refund, 'refund'],
  // Lending (src/lending/accounts.ts LendingCode)
  [201, 'investment'], // bid, posted at disbursement
  [203, 'loan_disbursement'],
  [209, 'loan_repayment'], // principal
  [210, 'loan_repayment'], // interest
  [211, 'loan_repayment'], // fee
  [212, 'loan_repayment'], // penalty and late fee
  [213, 'repayment_received_principal'],
  [214, 'repayment_received_interest'],
  [216, 'loan_repayment'], // a payment after write-off, to the reserve
  [218, 'reserve_advance'],
  [222, { in: 'note_sale', out: 'note_purchase' }],
  [223, 'note_sale_fee'],
  [224, 'prepayment_fee'],
  // Consumer credit (src/credit/accounts.ts CreditCode)
  [1704, 'credit_draw'],
  [1706, 'credit_repayment'],
  [1707, 'credit_repayment'],
  [1715, 'credit_repayment'],
  [1716, 'credit_repayment'],
  [1717, 'credit_repayment'],
  [1718, 'credit_repayment'],
  // Wealth (src/wealth/accounts.ts WealthCode)
  [1801, 'wealth_subscription'],
  [1809, 'wealth_subscription'],
  [1803, 'wealth_subscription_refund'],
  [1811, 'wealth_subscription_refund'],
  [1805, 'wealth_redemption'],
  [1815, 'wealth_redemption'],
  [1812, 'wealth_interest'],
  // CRM (src/crm/campaigns/accounts.ts CrmCode): a campaign's reward, a referrer's reward
  [2001, 'reward'],
  [2002, 'reward'],
]);

/** The codes this statement names (for the check against the other contexts' codes). */
export const NAMED_CODES: readonly number[] = [...KIND_OF_CODE.keys()];

export function kindOf(code: number, direction: Direction): StatementKind {
  const kind = KIND_OF_CODE.get(code);
  if (kind === undefined) return 'other';
  return typeof kind === 'string' ? kind : kind[direction];
}

/** Which (code, side) pairs a kind is: the ledger's filter for it. */
type Match = NonNullable<PostedMovementFilter['match']>[number];
export function matchOf(kind: StatementKind): Match[] {
  if (kind === 'other') return [{ notCodes: NAMED_CODES }];
  const out: Match[] = [];
  for (const [code, named] of KIND_OF_CODE) {
    if (named === kind) out.push({ code });
    else if (typeof named !== 'string')
      for (const direction of ['in', 'out'] as const)
        if (named[direction] === kind) out.push({ code, side: sideOf(direction) });
  }
  return out;
}

const c = ChartOfAccounts;
const COUNTERPART_OF_ACCOUNT = new Map<number, CounterpartKind>([
  [c.channelCash.code, 'bank_card'],
  [c.channelClearing.code, 'bank_card'],
  [c.userWallet.code, 'customer'],
  [c.merchantSettlement.code, 'merchant'],
  [c.loanPrincipal.code, 'loan'],
  [c.loanInterest.code, 'loan'],
  [c.loanFees.code, 'loan'],
  [c.loanPenalty.code, 'loan'],
  [c.loanFunding.code, 'loan'],
  [c.loanInterestPayable.code, 'loan'],
  [c.investorNote.code, 'note'],
  [c.riskReserve.code, 'risk_reserve'],
  [c.reserveClaim.code, 'risk_reserve'],
  [c.feeIncome.code, 'platform_fees'],
  [c.penaltyIncome.code, 'platform_fees'],
  [c.creditPrincipal.code, 'credit_line'],
  [c.creditInterest.code, 'credit_line'],
  [c.creditUnbilled.code, 'credit_line'],
  [c.statementPrincipal.code, 'credit_line'],
  [c.statementFees.code, 'credit_line'],
  [c.statementInterest.code, 'credit_line'],
  [c.statementPenalty.code, 'credit_line'],
  [c.fundHolding.code, 'wealth_product'],
  [c.wealthSubscriptionPending.code, 'wealth_product'],
  [c.wealthRaising.code, 'wealth_product'],
  [c.fundCustody.code, 'wealth_product'],
  [c.wealthInterest.code, 'wealth_product'],
]);
const LOAN_ACCOUNTS = new Set<number>([
  c.loanPrincipal.code,
  c.loanInterest.code,
  c.loanFees.code,
  c.loanPenalty.code,
  c.loanFunding.code,
  c.loanInterestPayable.code,
  c.investorNote.code,
]);

const PAYMENT_CODES = new Set<number>(Object.values(TransferCode));

/** A transfer of payments' own: its user data is the payment order's id. */
export const isPaymentCode = (code: number) => PAYMENT_CODES.has(code);

/** The reference a statement line gives: the payment order, loan or credit line of the movement. */
export type StatementReference = {
  readonly type: 'order' | 'loan' | 'credit_line';
  readonly id: string;
} | null;

/** A movement of the wallet named: its direction, kind, counterpart and reference. */
export function classify(m: PostedMovement): {
  direction: Direction;
  kind: StatementKind;
  counterpart: CounterpartKind;
  reference: StatementReference;
} {
  const t = m.transfer;
  const direction: Direction = m.side === 'credit' ? 'in' : 'out';
  const kind = kindOf(t.code, direction);
  let counterpart: CounterpartKind = COUNTERPART_OF_ACCOUNT.get(m.counterpart.code) ?? 'platform';
  // A note bought or sold: the other investor is not named, only their part in the trade.
  if (counterpart === 'customer' && (kind === 'note_sale' || kind === 'note_purchase'))
    counterpart = kind === 'note_sale' ? 'note_buyer' : 'note_seller';
  let reference: StatementReference = null;
  if (isPaymentCode(t.code) && t.userData) reference = { type: 'order', id: t.userData };
  else if (LOAN_ACCOUNTS.has(m.counterpart.code) && m.counterpart.userData)
    reference = { type: 'loan', id: m.counterpart.userData };
  else if (counterpart === 'credit_line' && t.userData) reference = { type: 'credit_line', id: t.userData };
  return { direction, kind, counterpart, reference };
}
