import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { type Clock, notFound, type PlainDate } from '../kernel/index.ts';

/** The fixed list of categories a project belongs to, with their labels in both languages. */
export const CATEGORIES = {
  technology: { en: 'Technology', zh: '科技' },
  design: { en: 'Design', zh: '设计' },
  games: { en: 'Games', zh: '游戏' },
  film: { en: 'Film and video', zh: '影视' },
  music: { en: 'Music', zh: '音乐' },
  publishing: { en: 'Publishing', zh: '出版' },
  food: { en: 'Food', zh: '美食' },
  art: { en: 'Art', zh: '艺术' },
  community: { en: 'Community', zh: '公益社区' },
} as const;
export type Category = keyof typeof CATEGORIES;
export const CATEGORY_CODES = Object.keys(CATEGORIES) as Category[];

/** Why staff refuse a project, from a fixed list (with a free text beside it). */
export const REFUSAL_REASONS = [
  'prohibited_content',
  'creator_not_credible',
  'unrealistic_goal',
  'intellectual_property',
  'insufficient_information',
  'other',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export const PROJECT_STATUSES = [
  'draft',
  'submitted',
  'changes_requested',
  'refused',
  'approved',
  'scheduled',
  'succeeded',
  'failed',
] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];
/** What a project is now: its stored status, with a scheduled project live from its launch time. */
export type ProjectPhase = ProjectStatus | 'live';

export interface Tier {
  readonly id: string;
  readonly position: number;
  readonly title: string;
  readonly description: string;
  readonly price: bigint;
  readonly quantity: number | null;
  readonly sold: number;
  readonly deliveryMonth: string;
  readonly shipping: boolean;
}

export interface Milestone {
  readonly id: string;
  readonly position: number;
  readonly title: string;
  readonly share: string;
  readonly status: 'pending' | 'submitted' | 'paid';
  readonly evidence: string | null;
  readonly rejectionReason: string | null;
  readonly amount: bigint | null;
  readonly paidAt: Date | null;
}

export interface RiskSummary {
  readonly decisionId: string | null;
  readonly outcome: string;
  readonly grade: string | null;
  readonly reasons: string[];
  readonly kycLevel: number;
  readonly history: {
    readonly projects: number;
    readonly succeeded: number;
    readonly failed: number;
    readonly refused: number;
  };
}

export interface Project {
  readonly id: string;
  readonly creatorId: string;
  readonly status: ProjectStatus;
  readonly phase: ProjectPhase;
  readonly title: string;
  readonly story: string;
  readonly images: string[];
  readonly category: Category;
  readonly target: bigint;
  readonly currency: string;
  readonly durationDays: number;
  readonly payoutKind: 'all' | 'milestones';
  readonly risk: RiskSummary | null;
  readonly reviewNote: string | null;
  readonly refusalCode: string | null;
  readonly launchAt: Date | null;
  readonly deadlineAt: Date | null;
  readonly deadlineOn: PlainDate | null;
  readonly pledged: bigint;
  readonly backers: number;
  readonly fee: bigint | null;
  /** At success: what the channels charged for the card backings, taken from the creator's share. */
  readonly paymentCost: bigint | null;
  readonly settledOn: PlainDate | null;
  readonly submittedAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly tiers: Tier[];
  readonly milestones: Milestone[];
}

export interface ProjectRow {
  id: string;
  creator_id: string;
  status: ProjectStatus;
  title: string;
  story: string;
  images: string[];
  category: Category;
  target: bigint;
  currency: string;
  duration_days: number;
  payout_kind: 'all' | 'milestones';
  risk: RiskSummary | null;
  review_note: string | null;
  refusal_code: string | null;
  launch_at: Date | null;
  deadline_at: Date | null;
  deadline_on: PlainDate | null;
  pledged: bigint;
  backers: number;
  fee: bigint | null;
  payment_cost: bigint | null;
  settled_on: PlainDate | null;
  submitted_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export const PROJECT_COLUMNS = sql`id, creator_id, status, title, story, images, category, target, currency, duration_days,
  payout_kind, risk, review_note, refusal_code, launch_at, deadline_at, deadline_on::text as deadline_on, pledged, backers,
  fee, payment_cost, settled_on::text as settled_on, submitted_at, created_at, updated_at`;

export function phaseOf(row: Pick<ProjectRow, 'status' | 'launch_at'>, now: Date): ProjectPhase {
  if (row.status === 'scheduled' && row.launch_at && row.launch_at <= now) return 'live';
  return row.status;
}

export function projectOf(row: ProjectRow, now: Date, tiers: Tier[], milestones: Milestone[]): Project {
  return {
    id: row.id,
    creatorId: row.creator_id,
    status: row.status,
    phase: phaseOf(row, now),
    title: row.title,
    story: row.story,
    images: row.images,
    category: row.category,
    target: row.target,
    currency: row.currency,
    durationDays: row.duration_days,
    payoutKind: row.payout_kind,
    risk: row.risk,
    reviewNote: row.review_note,
    refusalCode: row.refusal_code,
    launchAt: row.launch_at,
    deadlineAt: row.deadline_at,
    deadlineOn: row.deadline_on,
    pledged: row.pledged,
    backers: row.backers,
    fee: row.fee,
    paymentCost: row.payment_cost,
    settledOn: row.settled_on,
    submittedAt: row.submitted_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    tiers,
    milestones,
  };
}

/** The project's row, optionally locked FOR UPDATE in the caller's transaction; 404 if none. */
export async function projectRow(db: Executor, id: string, lock = false): Promise<ProjectRow> {
  const rows =
    await sql<ProjectRow>`select ${PROJECT_COLUMNS} from crowdfunding_projects where id = ${id}::uuid
    ${lock ? sql`for update` : sql``}`.execute(db);
  const row = rows.rows[0];
  if (!row) throw notFound('project_not_found', 'no such project');
  return row;
}

interface TierRow {
  id: string;
  project_id: string;
  position: number;
  title: string;
  description: string;
  price: bigint;
  quantity: number | null;
  sold: number;
  delivery_month: string;
  shipping: boolean;
}

interface MilestoneRow {
  id: string;
  project_id: string;
  position: number;
  title: string;
  share: string;
  status: Milestone['status'];
  evidence: string | null;
  rejection_reason: string | null;
  amount: bigint | null;
  paid_at: Date | null;
}

export async function tiersOf(db: Executor, projectIds: readonly string[]): Promise<Map<string, Tier[]>> {
  const map = new Map<string, Tier[]>();
  if (projectIds.length === 0) return map;
  const rows =
    await sql<TierRow>`select * from crowdfunding_tiers where project_id = any(${[...projectIds]}::uuid[])
    order by project_id, position`.execute(db);
  for (const r of rows.rows) {
    const list = map.get(r.project_id) ?? [];
    list.push({
      id: r.id,
      position: r.position,
      title: r.title,
      description: r.description,
      price: r.price,
      quantity: r.quantity,
      sold: r.sold,
      deliveryMonth: r.delivery_month,
      shipping: r.shipping,
    });
    map.set(r.project_id, list);
  }
  return map;
}

export async function milestonesOf(
  db: Executor,
  projectIds: readonly string[],
): Promise<Map<string, Milestone[]>> {
  const map = new Map<string, Milestone[]>();
  if (projectIds.length === 0) return map;
  const rows =
    await sql<MilestoneRow>`select id, project_id, position, title, share::text as share, status, evidence,
      rejection_reason, amount, paid_at
    from crowdfunding_milestones where project_id = any(${[...projectIds]}::uuid[]) order by project_id, position`.execute(
      db,
    );
  for (const r of rows.rows) {
    const list = map.get(r.project_id) ?? [];
    list.push({
      id: r.id,
      position: r.position,
      title: r.title,
      share: r.share,
      status: r.status,
      evidence: r.evidence,
      rejectionReason: r.rejection_reason,
      amount: r.amount,
      paidAt: r.paid_at,
    });
    map.set(r.project_id, list);
  }
  return map;
}

/** Projects with their tiers and milestones. */
export async function loadProjects(db: Executor, clock: Clock, rows: ProjectRow[]): Promise<Project[]> {
  const ids = rows.map((r) => r.id);
  const [tiers, milestones] = await Promise.all([tiersOf(db, ids), milestonesOf(db, ids)]);
  const now = clock.now();
  return rows.map((r) => projectOf(r, now, tiers.get(r.id) ?? [], milestones.get(r.id) ?? []));
}

export async function loadProject(db: Executor, clock: Clock, id: string): Promise<Project> {
  return (await loadProjects(db, clock, [await projectRow(db, id)]))[0]!;
}
