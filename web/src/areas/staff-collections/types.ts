export interface CaseSummary {
  id: string;
  /** A case is about a loan or a credit line (loanId or lineId is set). */
  subject: { kind: 'loan' | 'credit_line'; id: string };
  loanId: string | null;
  lineId: string | null;
  borrowerId: string;
  productId: string;
  region: string | null;
  stage: string;
  dpd: number;
  overdueAmount: string;
  brokenPromises: number;
  priority: number;
  assignedTo: string | null;
  status: string;
  openedOn: string;
  closedOn: string | null;
  lastContactAt: string | null;
}

export interface Installment {
  period: number;
  dueDate: string;
  principal: string;
  interest: string;
  fee: string;
  penalty: string;
  paid: string;
  outstanding: string;
  status: string;
}

export interface CaseDetailView {
  case: CaseSummary;
  borrower: {
    id: string;
    name: string | null;
    phone: string | null;
    region: string | null;
    contacts: { id: string; name: string; relation: string; phone: string }[];
  };
  /** The credit line of a line's case (null for a loan's). */
  line: CaseLine | null;
  /** The loan of a loan's case (null for a credit line's). */
  loan: {
    loan: { id: string; amount: string; annualRate: string; term: number; status: string; productId: string };
    installments: Installment[];
    principalOutstanding: string;
    due: string;
    dpd: number;
    bucket: string;
    nextDue: { date: string; amount: string } | null;
    payoff: { total: string; asOf: string } | null;
  } | null;
  contacts: {
    id: string;
    collectorId: string | null;
    channel: string;
    party: string;
    template: string | null;
    outcome: string;
    note: string | null;
    at: string;
    /** The call this contact is the outcome of, if it is one. */
    callId: string | null;
    /** A call placed today whose outcome is not logged yet. */
    awaitingOutcome: boolean;
  }[];
  promises: {
    id: string;
    amount: string;
    promisedOn: string;
    madeOn: string;
    status: string;
    resolvedOn: string | null;
  }[];
}

export interface CaseLine {
  id: string;
  product: string;
  status: string;
  frozenReason: string | null;
  limit: string;
  available: string;
  used: string;
  delinquency: { dpd: number; bucket: string; since: string; overdueAmount: string } | null;
}

export interface Collector {
  userId: string;
  tier: string;
  region: string | null;
  active: boolean;
  openCases: number;
}

/** Collections gives amounts as CNY text; the shared Amount shows Money. */
export const cny = (amount: string | null | undefined) =>
  amount == null ? null : { amount, currency: 'CNY' };

export const STAGES = ['M1', 'M2', 'M3', 'M3+'] as const;
export const CHANNELS = ['phone', 'sms', 'letter', 'visit'] as const;
export const OUTCOMES = [
  'promise_to_pay',
  'paid',
  'no_answer',
  'wrong_number',
  'refused',
  'dispute',
] as const;
