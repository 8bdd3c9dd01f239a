import type { PlainDate } from '../../kernel/index.ts';

/**
 * The contracts' shared vocabulary: what a deal hands compliance when it is concluded (an issue) and
 * when a party binds itself to it (an acceptance). Deals are concluded in lending (a loan's
 * disbursement, a note's transfer), credit (a line's opening) and, later, wealth (a purchase).
 */
export const CONTRACT_KINDS = ['loan', 'note_transfer', 'credit_line', 'wealth_product'] as const;
export type ContractKind = (typeof CONTRACT_KINDS)[number];

export const CONTRACT_LANGUAGES = ['zh', 'en'] as const;
export type ContractLanguage = (typeof CONTRACT_LANGUAGES)[number];
/** The governing text; the other language is a translation for reference, and says so. */
export const GOVERNING_LANGUAGE: ContractLanguage = 'zh';

export const PARTY_ROLES = ['borrower', 'lender', 'seller', 'buyer', 'customer', 'platform'] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

export interface ContractParty {
  /** The party's user id; null for the platform itself. */
  readonly userId: string | null;
  readonly role: PartyRole;
  /** A lender's or buyer's principal in the deal, in yuan as the API writes amounts ("1234.56"). */
  readonly principal?: string;
}

/** A term that differs from what the template or the product says, set by a person: legal reviews it. */
export interface ContractDeviation {
  readonly term: string;
  readonly expected: string;
  readonly actual: string;
  /** Who set it (a staff user id), if known. */
  readonly by: string | null;
}

/**
 * A concluded deal, handed to compliance inside the deal's own transaction: compliance records the
 * contract there and then (so that no deal exists without its contract) and renders the PDF after
 * the commit.
 */
export interface ContractIssue {
  readonly kind: ContractKind;
  readonly subjectType: 'loan' | 'note_transfer' | 'credit_line' | 'wealth_purchase';
  readonly subjectId: string;
  /** The deal's own contract number where it has one (a loan's "NF-YYYYMMDD-..."), else compliance makes one. */
  readonly number?: string;
  readonly signedAt: Date;
  readonly businessDate: PlainDate;
  /** The deal's terms as JSON: amounts as yuan strings, rates as decimal strings, dates as YYYY-MM-DD. */
  readonly terms: LoanTerms | NoteTransferTerms | CreditLineTerms | Readonly<Record<string, unknown>>;
  readonly parties: readonly ContractParty[];
  /** The deal's own digest of its terms, where it keeps one (lending's loan_contracts). */
  readonly dealDigest?: { readonly value: string; readonly algorithm: string };
  readonly deviations?: readonly ContractDeviation[];
}

/**
 * A party binding itself to a deal: the borrower submitting an application on the offered terms, an
 * investor bidding (or saving an auto-invest mandate), a buyer buying a note, a customer accepting a
 * line. Recorded inside that action's transaction, with the hash of what the party was shown.
 */
export interface AcceptanceInput {
  readonly kind: ContractKind;
  readonly subjectType: ContractIssue['subjectType'] | 'auto_invest_mandate';
  readonly subjectId: string;
  readonly userId: string;
  readonly role: PartyRole;
  readonly acceptedAt: Date;
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** The terms as shown to the party; compliance hashes them (sha256 over RFC 8785 JSON). */
  readonly terms: Readonly<Record<string, unknown>>;
}

/** A loan's terms, as lending's disbursement writes them (src/lending/disbursement.ts). */
export interface LoanTerms {
  readonly amount: string;
  readonly currency: string;
  readonly annualRate: string;
  readonly apr: string | null;
  readonly term: number;
  readonly termUnit: string;
  readonly method: string;
  readonly startDate: string;
  readonly product: string;
  readonly upfrontFee: string;
  readonly reserveContribution: string;
  readonly periodFee: string;
  readonly penaltyDailyRate: string;
  readonly lateFee: string;
  readonly graceDays: number;
  readonly prepaymentFeeRate: string;
  readonly installments: readonly {
    readonly period: number;
    readonly dueDate: string;
    readonly principal: string;
    readonly interest: string;
  }[];
}

/** A note's sale on the secondary market. */
export interface NoteTransferTerms {
  readonly noteId: string;
  readonly loanId: string;
  readonly principal: string;
  readonly price: string;
  readonly discountRate: string;
  readonly fee: string;
  readonly currency: string;
  readonly transferDate: string;
  readonly loanAnnualRate: string;
  readonly remainingInstallments: number;
}

/** A revolving credit line as opened. */
export interface CreditLineTerms {
  readonly limit: string;
  readonly currency: string;
  readonly dailyRate: string;
  readonly annualRate: string;
  readonly apr: string | null;
  readonly product: string;
  readonly openedOn: string;
  readonly statementDay: number | null;
  readonly graceDays: number | null;
  readonly penaltyDailyRate: string | null;
  readonly installmentFees: Readonly<Record<string, string>>;
  readonly reviewOn: string | null;
}
