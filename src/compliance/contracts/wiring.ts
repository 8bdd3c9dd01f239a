import type { CreditLineIssued } from '../../credit/index.ts';
import type { Executor } from '../../db/index.ts';
import { CNY, Decimal, formatAmount } from '../../kernel/index.ts';
import type { LendingDeal } from '../../lending/index.ts';
import { reviewedTerms } from '../../risk/index.ts';
import type { ComplianceDeps } from '../deps.ts';
import { recordAcceptances } from './bulk-acceptances.ts';
import type { AcceptanceInput, ContractDeviation, ContractIssue } from './model.ts';
import type { Contracts } from './service.ts';

/**
 * Registers compliance's listeners on the deals of lending and credit: a concluded deal issues its
 * contract, a binding action records the party's acceptance, each in the deal's own transaction.
 */
export function wireDeals(deps: ComplianceDeps, contracts: Contracts): void {
  deps.lending.onContracts({
    issued: async (trx, deal) => {
      await contracts.issue(trx, await lendingIssue(trx, deal));
    },
    accepted: async (trx, acceptances) => {
      // A batch of bids written together is accepted together: one read and one insert in all.
      if (acceptances.length === 1) await contracts.accept(trx, acceptances[0]! satisfies AcceptanceInput);
      else await recordAcceptances(trx, acceptances);
    },
  });
  deps.credit.onContracts({
    issued: async (trx, deal) => {
      await contracts.issue(trx, await creditIssue(trx, deal));
    },
    accepted: async (trx, acceptance) => {
      await contracts.accept(trx, acceptance satisfies AcceptanceInput);
    },
  });
}

async function lendingIssue(trx: Executor, deal: LendingDeal): Promise<ContractIssue> {
  if (deal.kind === 'note_transfer')
    return {
      kind: 'note_transfer',
      subjectType: 'note_transfer',
      subjectId: deal.listingId,
      signedAt: deal.signedAt,
      businessDate: deal.businessDate,
      terms: deal.terms,
      parties: [
        { userId: deal.sellerId, role: 'seller' },
        { userId: deal.buyerId, role: 'buyer', principal: String(deal.terms.principal) },
        { userId: null, role: 'platform' },
      ],
    };
  // A loan that takes over a credit line's draw is priced from the line, not from a review of it.
  const assigned = 'assignedCreditDraw' in deal.terms;
  const deviations =
    deal.decisionId && !assigned ? await reviewDeviations(trx, deal.decisionId, 'amount') : [];
  return {
    kind: 'loan',
    subjectType: 'loan',
    subjectId: deal.loanId,
    number: deal.number,
    signedAt: deal.signedAt,
    businessDate: deal.businessDate,
    terms: deal.terms,
    parties: [
      { userId: deal.borrowerId, role: 'borrower' },
      ...deal.lenders.map((l) => ({ userId: l.investorId, role: 'lender' as const, principal: l.principal })),
      { userId: null, role: 'platform' },
    ],
    dealDigest: { value: deal.digest, algorithm: deal.digestAlgorithm },
    ...(deviations.length > 0 ? { deviations } : {}),
  };
}

async function creditIssue(trx: Executor, deal: CreditLineIssued): Promise<ContractIssue> {
  const deviations = deal.decisionId ? await reviewDeviations(trx, deal.decisionId, 'limit') : [];
  return {
    kind: 'credit_line',
    subjectType: 'credit_line',
    subjectId: deal.lineId,
    signedAt: deal.signedAt,
    businessDate: deal.businessDate,
    terms: deal.terms,
    parties: [
      { userId: deal.customerId, role: 'customer' },
      { userId: null, role: 'platform' },
    ],
    ...(deviations.length > 0 ? { deviations } : {}),
  };
}

/**
 * The terms a risk officer set in a manual review (risk/reviews.ts lets them lower the amount asked
 * for and set the annual rate): each that differs from what was asked or what the engine priced is
 * a deviation, and sends the contract to legal review.
 */
async function reviewDeviations(
  trx: Executor,
  decisionId: string,
  amountTerm: 'amount' | 'limit',
): Promise<ContractDeviation[]> {
  const review = await reviewedTerms(trx, decisionId);
  if (!review) return [];
  const deviations: ContractDeviation[] = [];
  if (review.finalAmount !== null && review.finalAmount !== review.askedAmount)
    deviations.push({
      term: amountTerm,
      expected: formatAmount(review.askedAmount, CNY),
      actual: formatAmount(review.finalAmount, CNY),
      by: review.decidedBy,
    });
  if (
    review.finalRate !== null &&
    (review.engineRate === null || !new Decimal(review.engineRate).eq(review.finalRate))
  )
    deviations.push({
      term: 'annualRate',
      expected:
        review.engineRate === null
          ? 'not priced by the decision engine'
          : new Decimal(review.engineRate).toFixed(),
      actual: new Decimal(review.finalRate).toFixed(),
      by: review.decidedBy,
    });
  return deviations;
}
