/** The CRM pipeline's API shapes (src/api/routes/crm-pipeline.ts). */
export const STAGES = ['interested', 'hesitating', 'not_now', 'definitely_not'] as const;
export const TARGETS = [...STAGES, 'left'] as const;

export interface Label {
  en: string;
  zh: string;
}
export interface Coded {
  code: string;
  label: Label;
}
export interface ContentItem {
  id: string;
  title: Label;
  url?: string;
}
export interface PipelineSettings {
  content: Record<string, ContentItem[]>;
  reasons: Coded[];
  products: Coded[];
  dueHour: number;
}
export interface Person {
  id: string;
  name: string | null;
  phone?: string | null;
}
export interface Prospect {
  id: string;
  user: Person;
  owner: Person;
  stage: string;
  productInterest: string | null;
  expectedOn: string | null;
  reasonCode: string | null;
  reasonText: string | null;
  enteredAt: string;
  updatedAt: string;
  nextDueAt?: string | null;
  openTasks?: number;
}
export interface Task {
  id: string;
  prospectId: string;
  customer: Person;
  owner: Person;
  kind: string;
  dueOn: string;
  dueAt: string;
  overdue: boolean;
  notes: string | null;
  suggestions: ContentItem[];
  status: string;
  outcome: string | null;
  createdAt: string;
  closedAt: string | null;
}
export interface StageChange {
  id: string;
  from: string | null;
  to: string;
  by: { id: string; name: string };
  at: string;
  businessDate: string;
  note: string | null;
  reasonCode: string | null;
  reasonText: string | null;
  expectedOn: string | null;
}
export interface ProspectDetail {
  prospect: Prospect;
  history: StageChange[];
  tasks: Task[];
}
export interface Overdue {
  asOf: string;
  owners: { owner: Person; count: number; oldestDueAt: string }[];
  tasks: Task[];
}
export interface ReasonsReport {
  from: string;
  to: string;
  period: string;
  total: number;
  byReason: { code: string; label: Label; count: number }[];
  byPeriod: { period: string; total: number; reasons: Record<string, number> }[];
  byProduct: { product: string; total: number; reasons: Record<string, number> }[];
  reasons: Coded[];
  products: Coded[];
}

export const stageColor: Record<string, string> = {
  interested: 'green',
  hesitating: 'gold',
  not_now: 'blue',
  definitely_not: 'red',
  left: 'default',
};
