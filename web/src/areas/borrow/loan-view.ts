import type { Loan } from '../invest/lending.ts';

export interface Installment {
  period: number;
  dueDate: string;
  principal: string;
  interest: string;
  fee: string;
  penalty: string;
  paid: string;
  outstanding: string;
  status: 'scheduled' | 'due' | 'paid' | 'overdue' | 'partly_paid';
}
export interface Payoff {
  due: string;
  principal: string;
  interestToDate: string;
  prepaymentFee: string;
  total: string;
  asOf: string;
}
export interface LoanView {
  loan: Loan;
  installments: Installment[];
  principalOutstanding: string;
  due: string;
  dpd: number;
  bucket: string;
  nextDue: { date: string; amount: string } | null;
  payoff: Payoff | null;
}

/** The state a borrower sees: the loan's status, with an active loan split into repaying and overdue. */
export function loanState(view: LoanView): string {
  if (view.loan.status !== 'active') return view.loan.status;
  if (view.dpd > 0) return 'overdue';
  if (view.due !== '0.00') return 'due';
  return 'repaying';
}

export const STATE_COLORS: Record<string, string> = {
  listing: 'blue',
  full: 'cyan',
  failed: 'default',
  repaying: 'green',
  due: 'gold',
  overdue: 'red',
  repaid: 'default',
  written_off: 'red',
};
