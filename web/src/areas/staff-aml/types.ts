import type { Money } from '../../api.ts';

/** The AML API's shapes, as the staff pages use them. */
export type CaseStatus = 'open' | 'monitoring' | 'dismissed' | 'reported';

export interface AmlTransaction {
  ref: string;
  kind: string;
  direction: 'in' | 'out';
  amount: Money;
  at: string;
  businessDate: string;
}

export interface AmlAlert {
  id: string;
  ruleCode: string;
  ruleSetVersion: number | null;
  customerId: string;
  businessDate: string;
  facts: Record<string, unknown>;
  evidence: {
    transactions: AmlTransaction[];
    sharedAccounts: { kind: string; userIds: string[] } | null;
    lastMovementDate: string | null;
  };
  caseId: string;
  createdAt: string;
}

export interface AmlCase {
  id: string;
  customerId: string;
  status: CaseStatus;
  assignedTo: string | null;
  portrait: Record<string, string | number | null>;
  decision: string | null;
  decisionReason: string | null;
  decidedBy: string | null;
  reportProposedBy: string | null;
  reportReason: string | null;
  reportApprovedBy: string | null;
  openedAt: string;
  updatedAt: string;
  alertCount: number;
  rules: string[];
}

export interface AmlCaseDetail extends AmlCase {
  alerts: AmlAlert[];
  notes: { id: string; author: string; body: string; createdAt: string }[];
}

export interface RuleSet {
  id: string;
  version: number;
  status: 'draft' | 'published' | 'retired';
  content: Record<string, unknown>;
  description: string | null;
  createdBy: string;
  createdAt: string;
  publishedBy: string | null;
  publishedAt: string | null;
}

/** A case's reference as officers quote it: the end of its id. */
export const caseRef = (id: string) => id.slice(-8).toUpperCase();
