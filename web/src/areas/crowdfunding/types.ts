/**
 * Crowdfunding as the API gives it (src/api/routes/crowdfunding-schemas.ts), the queries the pages
 * share, and exact decimal helpers (BigInt minor units, never floats).
 */
import { useQuery } from '@tanstack/react-query';
import { api, type Money } from '../../api.ts';
import { currentLanguage } from '../../i18n/index.ts';

export interface Category {
  code: string;
  en: string;
  zh: string;
}

export interface Tier {
  id: string;
  title: string;
  description: string;
  price: Money;
  quantity: number | null;
  sold: number;
  remaining: number | null;
  deliveryMonth: string;
  shipping: boolean;
}

export type Phase =
  | 'draft'
  | 'submitted'
  | 'changes_requested'
  | 'refused'
  | 'approved'
  | 'scheduled'
  | 'live'
  | 'succeeded'
  | 'failed';

export interface PublicProject {
  id: string;
  phase: Phase;
  title: string;
  story: string;
  images: string[];
  category: Category;
  target: Money;
  pledged: Money;
  /** pledged ÷ target in percent, two places (may pass 100). */
  progress: string;
  backers: number;
  launchAt: string | null;
  deadlineAt: string | null;
  daysLeft: number;
  payoutKind: 'all' | 'milestones';
  tiers: Tier[];
  milestones: { position: number; title: string; share: string; status: MilestoneStatus }[];
}

export type MilestoneStatus = 'pending' | 'submitted' | 'paid';

export interface Milestone {
  id: string;
  position: number;
  title: string;
  share: string;
  status: MilestoneStatus;
  evidence: string | null;
  rejectionReason: string | null;
  amount: Money | null;
  paidAt: string | null;
}

export interface RiskSummary {
  decisionId: string | null;
  outcome: string;
  grade: string | null;
  reasons: string[];
  kycLevel: number;
  history: { projects: number; succeeded: number; failed: number; refused: number };
}

/** The creator's and staff's view. */
export interface Project extends Omit<PublicProject, 'milestones'> {
  creatorId: string;
  status: Exclude<Phase, 'live'>;
  durationDays: number;
  milestones: Milestone[];
  risk: RiskSummary | null;
  reviewNote: string | null;
  refusalCode: string | null;
  fee: Money | null;
  /** At success: the card backings' channel cost, charged to the creator's share. */
  paymentCost: Money | null;
  /** At success: pledged less the fee and the payment cost, paid out by the plan. */
  creatorShare: Money | null;
  settledOn: string | null;
  submittedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type BackingStatus = 'awaiting_payment' | 'held' | 'cancelled' | 'collected' | 'released' | 'failed';
export type BackingFailureCode = 'tier_sold_out' | 'project_closed' | 'payment_failed';
export type Delivery = 'pending' | 'shipped' | 'delivered';

export interface Backing {
  id: string;
  projectId: string;
  tierId: string | null;
  amount: Money;
  status: BackingStatus;
  /** The card top-up that pays it; null when paid from the wallet. */
  paymentOrderId: string | null;
  /** Why a backing by card failed, in both languages. */
  failureReason: { code: BackingFailureCode; en: string; zh: string } | null;
  refunded: Money;
  settledOn: string | null;
  hasAddress: boolean;
  delivery: Delivery;
  carrier: string | null;
  tracking: string | null;
  shippedAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export interface ProjectPage {
  project: PublicProject;
  yourBackings: Backing[];
  cancelUntil: string | null;
}

export interface Entry {
  id: string;
  body: string;
  createdAt: string;
}
export interface Update extends Entry {
  title: string;
}

export interface Address {
  name: string;
  phone: string;
  address: string;
}
export interface ShippingRow {
  backing: Backing;
  shipping: boolean;
  address: Address | null;
}

export interface Complaint {
  id: string;
  projectId: string;
  backingId: string;
  text: string;
  status: 'open' | 'resolved';
  resolution: string | null;
  /** The refund from escrow made in the resolution, if any. */
  refund: { id: string; amount: Money; createdAt: string } | null;
  createdAt: string;
}

export const cny = (amount: string): Money => ({ amount, currency: 'CNY' });

/** A category's label in the page's language. */
export function categoryName(category: Category | undefined): string {
  if (!category) return '—';
  return currentLanguage() === 'zh' ? category.zh : category.en;
}

export function useCategories() {
  return useQuery({
    queryKey: ['crowdfunding', 'categories'],
    queryFn: () => api.get<Category[]>('/v1/crowdfunding/categories'),
    staleTime: 3_600_000,
  });
}

export function useProjectPage(id: string) {
  return useQuery({
    queryKey: ['crowdfunding', 'project', id],
    queryFn: () => api.get<ProjectPage>(`/v1/crowdfunding/projects/${id}`),
    enabled: !!id,
  });
}

export function useUpdates(id: string) {
  return useQuery({
    queryKey: ['crowdfunding', 'updates', id],
    queryFn: () => api.get<{ items: Update[] }>(`/v1/crowdfunding/projects/${id}/updates`),
    enabled: !!id,
  });
}

/** "1234.5" → 123450n (two decimals, as CNY). */
export function toMinor(text: string): bigint {
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const value = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
  return negative ? -value : value;
}

export function fromMinor(value: bigint): string {
  const negative = value < 0n;
  const v = negative ? -value : value;
  return `${negative ? '-' : ''}${v / 100n}.${String(v % 100n).padStart(2, '0')}`;
}

/** A progress bar's width: display only (no money is computed from it), capped at 100. */
export function barPercent(progress: string): number {
  const value = Number.parseFloat(progress);
  return Number.isFinite(value) ? Math.min(100, value) : 0;
}

/** "2027-03" as the page's language writes a month: "March 2027", "2027年3月". */
export function formatMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const locale = currentLanguage() === 'zh' ? 'zh-CN' : 'en-GB';
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, 1)),
  );
}

/** A share "0.25" as "25%" (by string, exact). */
export function formatShare(share: string): string {
  const [whole = '0', fraction = ''] = share.split('.');
  const padded = fraction.padEnd(2, '0');
  const percent = `${whole}${padded.slice(0, 2)}`.replace(/^0+(?=\d)/, '');
  const rest = padded.slice(2).replace(/0+$/, '');
  return `${percent}${rest ? `.${rest}` : ''}%`;
}
