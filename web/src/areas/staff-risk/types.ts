import type { Money } from '../../api.ts';

export interface Review {
  decisionId: string;
  status: string;
  amount: Money;
  needsTwo: boolean;
  firstApprover: string | null;
  finalAmount: Money | null;
  finalRate: string | null;
  decidedBy: string | null;
  reason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface TraceNode {
  id: string;
  name: string;
  order: string | number;
  performance?: string;
  output?: unknown;
  traceData?: unknown;
}

export interface LoggedDecision {
  id: string;
  outcome: string;
  grade: string | null;
  score: number | null;
  annual_rate: string | null;
  reasons: string[];
  graph_name: string;
  graph_version: number;
  model_version: number | null;
  variant: string;
  input: Record<string, unknown> & {
    application?: Record<string, unknown>;
    applicant?: Record<string, unknown>;
  };
  sources: Record<string, { status: string; cached?: boolean; error?: string | null; response?: unknown }>;
  trace: Record<string, TraceNode> | null;
  created_at: string;
}

export interface ReviewView {
  review: Review;
  decision: LoggedDecision;
  similar: { id: string; outcome: string; grade: string | null; score: number | null; created_at: string }[];
  actions: Record<string, unknown>[];
  /** The names of the staff who acted, by user id. */
  actors: Record<string, string | null>;
}

export const reviewColor: Record<string, string> = {
  open: 'processing',
  info_requested: 'warning',
  approved: 'success',
  declined: 'error',
};
