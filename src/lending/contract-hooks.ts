import type { Executor } from '../db/index.ts';
import type { AuditContext } from '../identity/index.ts';
import type { PlainDate } from '../kernel/index.ts';

/**
 * Lending's deals as a contracts register hears of them. Lending does not know compliance: compliance
 * registers these listeners and lending calls them inside the deal's own transaction, so that a loan
 * never exists without its contract and a bid never without the investor's acceptance (and a refused
 * bid, rolled back, leaves no acceptance behind). With no listener registered both are no-ops, so
 * lending works on its own.
 */

/** A loan disbursed: the contract lending recorded in loan_contracts, with who signed it. */
export interface LoanIssued {
  readonly kind: 'loan';
  readonly loanId: string;
  readonly number: string;
  readonly terms: Readonly<Record<string, unknown>>;
  readonly borrowerId: string;
  /** Each lender (note holder) with the principal of their note, in yuan ("1234.56"). */
  readonly lenders: readonly { readonly investorId: string; readonly principal: string }[];
  readonly digest: string;
  readonly digestAlgorithm: string;
  readonly signedAt: Date;
  readonly businessDate: PlainDate;
  /**
   * The risk decision the listing came from: a risk officer may have changed the amount or rate in
   * a manual review, which the contracts register reports as deviations for legal review.
   */
  readonly decisionId: string | null;
}

/** A note sold on the secondary market (the listing's id stands for the transfer). */
export interface NoteTransferIssued {
  readonly kind: 'note_transfer';
  readonly listingId: string;
  readonly sellerId: string;
  readonly buyerId: string;
  readonly terms: Readonly<Record<string, unknown>>;
  readonly signedAt: Date;
  readonly businessDate: PlainDate;
}

export type LendingDeal = LoanIssued | NoteTransferIssued;

/** A party binding itself to a deal, with what it was shown and from where. */
export interface LendingAcceptance {
  readonly kind: 'loan' | 'note_transfer';
  readonly subjectType: 'loan' | 'note_transfer' | 'auto_invest_mandate';
  readonly subjectId: string;
  readonly userId: string;
  readonly role: 'borrower' | 'lender' | 'seller' | 'buyer';
  readonly acceptedAt: Date;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly terms: Readonly<Record<string, unknown>>;
}

export interface LendingContractHooks {
  issued(trx: Executor, deal: LendingDeal): Promise<void>;
  /** Several at once where lending writes several binding actions together (a batch of bids). */
  accepted(trx: Executor, acceptances: readonly LendingAcceptance[]): Promise<void>;
}

/** An acceptance as lending describes it; who was where comes from the request's audit context. */
export type AcceptanceOf = Omit<LendingAcceptance, 'ip' | 'userAgent'>;

/** Where the contracts register's hooks are kept (one per Lending instance). */
export class ContractHookRegistry {
  private hooks: LendingContractHooks | null = null;

  register(hooks: LendingContractHooks): void {
    this.hooks = hooks;
  }

  async issued(trx: Executor, deal: LendingDeal): Promise<void> {
    if (this.hooks) await this.hooks.issued(trx, deal);
  }

  /**
   * Records the acceptance of the person acting in `audit`. Without a request behind the action (the
   * lending day, auto-invest, a test calling lending directly) nobody accepted anything, and nothing
   * is recorded.
   */
  accepted(trx: Executor, audit: AuditContext | undefined, acceptance: AcceptanceOf): Promise<void> {
    return this.acceptedAll(trx, [{ audit, acceptance }]);
  }

  async acceptedAll(
    trx: Executor,
    entries: readonly { audit: AuditContext | undefined; acceptance: AcceptanceOf }[],
  ): Promise<void> {
    if (!this.hooks) return;
    const acceptances = entries.flatMap(({ audit, acceptance }) =>
      audit ? [{ ...acceptance, ip: audit.ip, userAgent: audit.userAgent ?? null }] : [],
    );
    if (acceptances.length > 0) await this.hooks.accepted(trx, acceptances);
  }
}
