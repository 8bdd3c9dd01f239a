import { type RawBuilder, sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import type { AuditContext } from '../identity/index.ts';
import { conflict, DomainError, invalid, isStorableText, uuidv7 } from '../kernel/index.ts';
import type { WealthContext } from './context.ts';
import {
  getProduct,
  kindHooks,
  PRODUCT_KINDS,
  type Product,
  type ProductKind,
  productOfRow,
  registerCloseHook,
  registerPublishHook,
  registerTermsValidator,
} from './products.ts';

export { registerCloseHook, registerPublishHook, registerTermsValidator };

/** A new product, as operations write it. */
export interface ProductDraft {
  readonly code: string;
  readonly kind: ProductKind;
  readonly nameZh: string;
  readonly nameEn: string;
  /** R1-R5 as 1-5. */
  readonly riskLevel: number;
  readonly allowOverride?: boolean;
  readonly terms: unknown;
}

/** What an edit of a draft may change (the code and the kind never change). */
export interface ProductEdit {
  readonly nameZh?: string;
  readonly nameEn?: string;
  readonly riskLevel?: number;
  readonly allowOverride?: boolean;
  readonly terms?: unknown;
}

const CODE = /^[A-Z0-9][A-Z0-9_-]{1,31}$/;
const TERMS_MAX_CHARS = 20_000;

/**
 * Products' lifecycle for every kind: operations write a draft (and may edit it while it is one), a
 * second person approves it (neither its creator nor anyone who edited it), it is published (the
 * kind's hook creates its accounts), and closed. Every change is audited with its before and after,
 * in the same transaction as the change.
 */
export class ProductWorkflow {
  constructor(readonly context: WealthContext) {}

  async create(input: ProductDraft, audit: AuditContext): Promise<Product> {
    if (!CODE.test(input.code))
      throw invalid(
        'product_code_invalid',
        'a code is 2-32 of A-Z, 0-9, "-" and "_", starting with a letter or digit',
      );
    if (!(PRODUCT_KINDS as readonly string[]).includes(input.kind))
      throw invalid('product_kind_invalid', `a kind is one of ${PRODUCT_KINDS.join(', ')}`);
    const names = checkNames(input.nameZh, input.nameEn);
    const riskLevel = checkRiskLevel(input.riskLevel);
    const terms = this.checkTerms(input.kind, input.terms);
    const now = this.context.clock.now();
    const by = audit.principal.userId ?? null;
    return inTransaction(this.context.db, async (trx) => {
      const inserted = await sql<Parameters<typeof productOfRow>[0]>`
        insert into wealth_products (id, code, kind, name_zh, name_en, risk_level, allow_override, status, terms,
          created_by, created_at, updated_at)
        values (${uuidv7()}, ${input.code}, ${input.kind}, ${names.nameZh}, ${names.nameEn}, ${riskLevel},
          ${input.allowOverride ?? false}, 'draft', ${JSON.stringify(terms)}::jsonb, ${by}, ${now}, ${now})
        on conflict (code) do nothing returning *`.execute(trx);
      const row = inserted.rows[0];
      if (!row) throw conflict('product_code_taken', 'a product with that code exists');
      const product = productOfRow(row);
      await this.context.identity.audit(
        audit,
        {
          action: 'wealth.product_created',
          subjectType: 'wealth_product',
          subjectId: product.id,
          after: product,
        },
        trx,
      );
      return product;
    });
  }

  /** Edits a draft; the editor joins those who may not approve it. */
  edit(idOrCode: string, edit: ProductEdit, audit: AuditContext): Promise<Product> {
    return this.change(idOrCode, audit, 'wealth.product_edited', async (_trx, before) => {
      if (before.status !== 'draft')
        throw conflict('product_not_draft', 'only a draft can be edited', { status: before.status });
      const names = checkNames(edit.nameZh ?? before.nameZh, edit.nameEn ?? before.nameEn);
      const riskLevel = checkRiskLevel(edit.riskLevel ?? before.riskLevel);
      const terms = edit.terms === undefined ? before.terms : this.checkTerms(before.kind, edit.terms);
      const by = audit.principal.userId ?? null;
      return sql`update wealth_products set
          name_zh = ${names.nameZh}, name_en = ${names.nameEn}, risk_level = ${riskLevel},
          allow_override = ${edit.allowOverride ?? before.allowOverride}, terms = ${JSON.stringify(terms)}::jsonb,
          edited_by = case when ${by}::uuid is null or ${by}::uuid = any(edited_by) then edited_by
                           else array_append(edited_by, ${by}::uuid) end,
          updated_at = ${this.context.clock.now()}
        where id = ${before.id} returning *`;
    });
  }

  /**
   * Approves a draft. The approver is a signed-in person other than its creator and every editor
   * (409 second_approver_required otherwise: the admin token is nobody in particular). The terms are
   * checked again against today's business date.
   */
  approve(idOrCode: string, audit: AuditContext): Promise<Product> {
    return this.change(idOrCode, audit, 'wealth.product_approved', async (_trx, before) => {
      if (before.status !== 'draft')
        throw conflict('product_not_draft', 'only a draft can be approved', { status: before.status });
      const by = audit.principal.userId ?? null;
      if (!by || by === before.createdBy || before.editedBy.includes(by))
        throw conflict(
          'second_approver_required',
          'a product is approved by a second person: neither its creator nor anyone who edited it',
        );
      this.checkTerms(before.kind, before.terms);
      const now = this.context.clock.now();
      return sql`update wealth_products set
          status = 'approved', approved_by = ${by}, approved_at = ${now}, updated_at = ${now}
        where id = ${before.id} returning *`;
    });
  }

  /** Publishes an approved product: its kind's hook (accounts, rows) runs in the same transaction. */
  publish(idOrCode: string, audit: AuditContext): Promise<Product> {
    return this.change(
      idOrCode,
      audit,
      'wealth.product_published',
      async (_trx, before) => {
        if (before.status !== 'approved')
          throw conflict('product_not_approved', 'only an approved product can be published', {
            status: before.status,
          });
        this.checkTerms(before.kind, before.terms);
        const now = this.context.clock.now();
        return sql`update wealth_products set
          status = 'published', published_at = ${now}, updated_at = ${now}
        where id = ${before.id} returning *`;
      },
      (trx, after) => kindHooks(after.kind).publish?.(trx, after, this.context),
    );
  }

  /**
   * Closes a product in any state but closed (a draft or an approved one is withdrawn). The kind's
   * hook may refuse while positions are open (a fixed-term product raising or not yet matured).
   */
  close(idOrCode: string, audit: AuditContext): Promise<Product> {
    return this.change(idOrCode, audit, 'wealth.product_closed', async (trx, before) => {
      if (before.status === 'closed') throw conflict('product_closed', 'the product is closed already');
      if (before.status === 'published') await kindHooks(before.kind).close?.(trx, before, this.context);
      const now = this.context.clock.now();
      return sql`update wealth_products set
          status = 'closed', closed_at = ${now}, updated_at = ${now}
        where id = ${before.id} returning *`;
    });
  }

  /**
   * One change of a product's state, in one transaction: its row locked, the update `step` returns
   * run, then `after` (a kind's hook), then the audit record with the product before and after.
   */
  private change(
    idOrCode: string,
    audit: AuditContext,
    action: string,
    step: (trx: Executor, before: Product) => Promise<RawBuilder<unknown>>,
    then?: (trx: Executor, after: Product) => Promise<void> | undefined,
  ): Promise<Product> {
    return inTransaction(this.context.db, async (trx) => {
      const before = await getProduct(trx, idOrCode, 'update');
      const updated = await (await step(trx, before)).execute(trx);
      const after = productOfRow(updated.rows[0] as Parameters<typeof productOfRow>[0]);
      await then?.(trx, after);
      await this.context.identity.audit(
        audit,
        { action, subjectType: 'wealth_product', subjectId: after.id, before, after },
        trx,
      );
      return after;
    });
  }

  /** The kind's validator, or for a kind without one: any JSON object of bounded size. */
  checkTerms(kind: ProductKind, terms: unknown): Record<string, unknown> {
    const validator = kindHooks(kind).terms;
    const checked = validator
      ? validator(terms, { businessDate: this.context.clock.businessDate() })
      : plainObject(terms);
    if (JSON.stringify(checked).length > TERMS_MAX_CHARS)
      throw invalid('terms_too_large', `terms are at most ${TERMS_MAX_CHARS} characters of JSON`);
    return checked;
  }
}

function plainObject(terms: unknown): Record<string, unknown> {
  if (terms === null || typeof terms !== 'object' || Array.isArray(terms))
    throw invalid('terms_malformed', 'terms are a JSON object');
  return terms as Record<string, unknown>;
}

function checkNames(nameZh: string, nameEn: string): { nameZh: string; nameEn: string } {
  const zh = nameZh.trim();
  const en = nameEn.trim();
  for (const name of [zh, en])
    if (!name || name.length > 100 || !isStorableText(name))
      throw invalid('product_name_invalid', 'a product has a name of 1-100 characters in each language');
  return { nameZh: zh, nameEn: en };
}

function checkRiskLevel(level: number): number {
  if (!Number.isInteger(level) || level < 1 || level > 5)
    throw new DomainError('risk_level_invalid', 'invalid', 'a risk level is 1-5 (R1-R5)');
  return level;
}
