import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { notFound } from '../kernel/index.ts';
import type { WealthContext } from './context.ts';

/**
 * Wealth products of every kind: the money-market fund, distributed mutual funds and fixed-term
 * products. Each carries a risk level R1-R5 and kind-specific terms (a JSON document the kind's
 * module validates). The lifecycle (draft → approved by a second person → published → closed) is
 * products-workflow.ts's.
 */
export const PRODUCT_KINDS = ['money_market', 'mutual_fund', 'fixed_term'] as const;
export type ProductKind = (typeof PRODUCT_KINDS)[number];
export const PRODUCT_STATUSES = ['draft', 'approved', 'published', 'closed'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

export interface Product {
  readonly id: string;
  readonly code: string;
  readonly kind: ProductKind;
  readonly nameZh: string;
  readonly nameEn: string;
  /** R1-R5 as 1-5. */
  readonly riskLevel: number;
  /** Whether an investor below the level may buy after acknowledging a warning. */
  readonly allowOverride: boolean;
  readonly status: ProductStatus;
  readonly terms: Record<string, unknown>;
  readonly createdBy: string | null;
  readonly editedBy: readonly string[];
  readonly approvedBy: string | null;
  readonly approvedAt: Date | null;
  readonly publishedAt: Date | null;
  readonly closedAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

interface ProductRow {
  id: string;
  code: string;
  kind: ProductKind;
  name_zh: string;
  name_en: string;
  risk_level: number;
  allow_override: boolean;
  status: ProductStatus;
  terms: Record<string, unknown>;
  created_by: string | null;
  edited_by: string[];
  approved_by: string | null;
  approved_at: Date | null;
  published_at: Date | null;
  closed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export function productOfRow(r: ProductRow): Product {
  return {
    id: r.id,
    code: r.code,
    kind: r.kind,
    nameZh: r.name_zh,
    nameEn: r.name_en,
    riskLevel: r.risk_level,
    allowOverride: r.allow_override,
    status: r.status,
    terms: r.terms,
    createdBy: r.created_by,
    editedBy: r.edited_by,
    approvedBy: r.approved_by,
    approvedAt: r.approved_at,
    publishedAt: r.published_at,
    closedAt: r.closed_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A product by id or code; `lock` takes its row FOR UPDATE or FOR SHARE in the caller's transaction. */
export async function getProduct(
  db: Executor,
  idOrCode: string,
  lock?: 'update' | 'share',
): Promise<Product> {
  const byId = UUID.test(idOrCode);
  const rows = await sql<ProductRow>`select * from wealth_products
    where ${byId ? sql`id = ${idOrCode}::uuid` : sql`code = ${idOrCode}`}
    ${lock === 'update' ? sql`for update` : lock === 'share' ? sql`for share` : sql``}`.execute(db);
  const row = rows.rows[0];
  if (!row) throw notFound('product_not_found', 'no such wealth product');
  return productOfRow(row);
}

/** A published product of the kind, for a customer's order; anything else is not found to them. */
export async function publishedProduct(
  db: Executor,
  idOrCode: string,
  kind: ProductKind,
  lock?: 'update' | 'share',
): Promise<Product> {
  const product = await getProduct(db, idOrCode, lock);
  if (product.kind !== kind || product.status !== 'published')
    throw notFound('product_not_found', 'no such wealth product on sale');
  return product;
}

export async function listProducts(
  db: Executor,
  filter: { kind?: ProductKind; status?: readonly ProductStatus[] } = {},
): Promise<Product[]> {
  const rows = await sql<ProductRow>`select * from wealth_products
    where (${filter.kind ?? null}::text is null or kind = ${filter.kind ?? null})
      and (${filter.status ? [...filter.status] : null}::text[] is null or status = any(${filter.status ? [...filter.status] : null}::text[]))
    order by kind, created_at`.execute(db);
  return rows.rows.map(productOfRow);
}

/**
 * What each kind adds to the shared lifecycle (products-workflow.ts), registered by the kind's own
 * module when it loads (fixed/terms.ts for fixed_term; the money-market and fund modules for
 * theirs):
 * - a terms validator: takes the JSON a member of staff sent and returns the terms to store (in
 *   canonical form), or throws a DomainError (400 for a malformed document, 422 for inconsistent
 *   terms). A kind without one accepts any JSON object.
 * - a publish hook: runs in the publishing transaction (create the product-level ledger accounts,
 *   the kind's own rows); it may refuse with a DomainError.
 * - a close hook: runs in the closing transaction; it may refuse (positions still open).
 */
export interface TermsCheck {
  /** The business date: terms whose dates are already past may be refused. */
  readonly businessDate: string;
}
export type TermsValidator = (terms: unknown, check: TermsCheck) => Record<string, unknown>;
export type LifecycleHook = (trx: Executor, product: Product, context: WealthContext) => Promise<void>;

interface KindHooks {
  terms?: TermsValidator;
  publish?: LifecycleHook;
  close?: LifecycleHook;
}
const hooks = new Map<ProductKind, KindHooks>();

export function registerTermsValidator(kind: ProductKind, validator: TermsValidator): void {
  hooks.set(kind, { ...hooks.get(kind), terms: validator });
}
export function registerPublishHook(kind: ProductKind, hook: LifecycleHook): void {
  hooks.set(kind, { ...hooks.get(kind), publish: hook });
}
export function registerCloseHook(kind: ProductKind, hook: LifecycleHook): void {
  hooks.set(kind, { ...hooks.get(kind), close: hook });
}
export function kindHooks(kind: ProductKind): Readonly<KindHooks> {
  return hooks.get(kind) ?? {};
}
