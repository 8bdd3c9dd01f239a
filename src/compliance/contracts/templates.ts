import { sql } from 'kysely';
import { type Executor, inTransaction, sqlState } from '../../db/index.ts';
import { type AuditContext, actorId } from '../../identity/index.ts';
import { conflict, invalid, notFound, uuidv7 } from '../../kernel/index.ts';
import type { ComplianceDeps } from '../deps.ts';
import { DEFAULT_TEMPLATES_EN } from './default-templates-en.ts';
import { DEFAULT_TEMPLATES_ZH } from './default-templates-zh.ts';
import { CONTRACT_KINDS, type ContractKind, type ContractLanguage } from './model.ts';
import { checkTemplate, type TemplateBody } from './template-format.ts';

export const TEMPLATE_STATUSES = ['draft', 'approved', 'retired'] as const;
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];

export interface ContractTemplate {
  readonly id: string;
  readonly kind: ContractKind;
  readonly language: ContractLanguage;
  readonly version: number;
  readonly status: TemplateStatus;
  readonly title: string;
  readonly body: TemplateBody;
  readonly createdBy: string;
  /** Who edited the draft after its author. */
  readonly editedBy: readonly string[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly approvedBy: string | null;
  readonly approvedAt: Date | null;
  readonly retiredAt: Date | null;
}

interface TemplateRow {
  id: string;
  kind: ContractKind;
  language: ContractLanguage;
  version: number;
  status: TemplateStatus;
  title: string;
  body: TemplateBody;
  created_by: string;
  edited_by: string[];
  created_at: Date;
  updated_at: Date;
  approved_by: string | null;
  approved_at: Date | null;
  retired_at: Date | null;
}

const toTemplate = (r: TemplateRow): ContractTemplate => ({
  id: r.id,
  kind: r.kind,
  language: r.language,
  version: r.version,
  status: r.status,
  title: r.title,
  body: r.body,
  createdBy: r.created_by,
  editedBy: r.edited_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  approvedBy: r.approved_by,
  approvedAt: r.approved_at,
  retiredAt: r.retired_at,
});

/** The actor recorded for the seeded defaults: nobody wrote or approved them in the application. */
export const SYSTEM_ACTOR = 'system';

/**
 * The template lifecycle: legal writes a draft (the next version of its kind and language) and edits
 * it; a second person approves it, which retires the version approved before; approved and retired
 * versions never change. Every change is audited in its own transaction.
 */
export class Templates {
  constructor(private readonly deps: ComplianceDeps) {}

  /** Writes approved default templates for every kind and language that has no template at all. */
  async seed(): Promise<void> {
    const now = this.deps.clock.now();
    for (const kind of CONTRACT_KINDS)
      for (const [language, set] of [
        ['zh', DEFAULT_TEMPLATES_ZH],
        ['en', DEFAULT_TEMPLATES_EN],
      ] as const) {
        const { title, body } = set[kind];
        checkTemplate(kind, title, body);
        await sql`
          insert into contract_templates (id, kind, language, version, status, title, body, created_by, created_at,
            updated_at, approved_by, approved_at)
          select ${uuidv7(now.getTime())}::uuid, ${kind}, ${language}, 1, 'approved', ${title}, ${JSON.stringify(body)}::jsonb,
            ${SYSTEM_ACTOR}, ${now}, ${now}, ${SYSTEM_ACTOR}, ${now}
          where not exists (select 1 from contract_templates where kind = ${kind} and language = ${language})
          on conflict do nothing`.execute(this.deps.db);
      }
  }

  async list(filter: {
    kind?: ContractKind | undefined;
    language?: ContractLanguage | undefined;
    status?: TemplateStatus | undefined;
  }): Promise<ContractTemplate[]> {
    const rows = await sql<TemplateRow>`
      select * from contract_templates
      where (${filter.kind ?? null}::text is null or kind = ${filter.kind ?? null})
        and (${filter.language ?? null}::text is null or language = ${filter.language ?? null})
        and (${filter.status ?? null}::text is null or status = ${filter.status ?? null})
      order by kind, language, version desc`.execute(this.deps.db);
    return rows.rows.map(toTemplate);
  }

  async get(id: string, db: Executor = this.deps.db): Promise<ContractTemplate> {
    const rows = await sql<TemplateRow>`select * from contract_templates where id = ${id}::uuid`.execute(db);
    if (!rows.rows[0]) throw notFound('template_not_found', 'no such contract template');
    return toTemplate(rows.rows[0]);
  }

  /** The approved version of a kind and language, if there is one. */
  async approved(kind: ContractKind, language: ContractLanguage, db: Executor = this.deps.db) {
    const rows = await sql<TemplateRow>`
      select * from contract_templates where kind = ${kind} and language = ${language} and status = 'approved'`.execute(
      db,
    );
    return rows.rows[0] ? toTemplate(rows.rows[0]) : null;
  }

  /** A new draft, the next version of its kind and language: given, or copied from an existing version. */
  async createDraft(
    input: {
      kind?: ContractKind | undefined;
      language?: ContractLanguage | undefined;
      copyFrom?: string | undefined;
      title?: string | undefined;
      body?: TemplateBody | undefined;
    },
    context: AuditContext,
  ): Promise<ContractTemplate> {
    const source = input.copyFrom ? await this.get(input.copyFrom) : null;
    const kind = input.kind ?? source?.kind;
    const language = input.language ?? source?.language;
    const title = input.title ?? source?.title;
    const body = input.body ?? source?.body;
    if (!kind || !language || !title || !body)
      throw invalid('template_incomplete', 'give kind, language, title and body, or a version to copy from');
    if (source && (source.kind !== kind || source.language !== language))
      throw invalid('template_copy_mismatch', 'a copy keeps the kind and language of its source');
    checkTemplate(kind, title, body);
    const now = this.deps.clock.now();
    const id = uuidv7(now.getTime());
    try {
      return await inTransaction(this.deps.db, async (trx) => {
        const rows = await sql<TemplateRow>`
          insert into contract_templates (id, kind, language, version, status, title, body, created_by, created_at, updated_at)
          select ${id}::uuid, ${kind}, ${language}, coalesce(max(version), 0) + 1, 'draft', ${title},
            ${JSON.stringify(body)}::jsonb, ${actorId(context.principal)}, ${now}, ${now}
          from contract_templates where kind = ${kind} and language = ${language}
          returning *`.execute(trx);
        const created = toTemplate(rows.rows[0]!);
        await this.audit(trx, context, 'contracts.template_drafted', created, {
          copiedFrom: input.copyFrom ?? null,
        });
        return created;
      });
    } catch (error) {
      if (sqlState(error) === '23505')
        throw conflict(
          'template_version_taken',
          'another draft took this version at the same moment; try again',
        );
      throw error;
    }
  }

  /** Edits a draft; an approved or retired version never changes. */
  async update(
    id: string,
    input: { title?: string | undefined; body?: TemplateBody | undefined },
    context: AuditContext,
  ): Promise<ContractTemplate> {
    return inTransaction(this.deps.db, async (trx) => {
      const current = await this.locked(trx, id);
      if (current.status !== 'draft')
        throw conflict(
          'template_not_draft',
          `version ${current.version} is ${current.status} and cannot change`,
        );
      const title = input.title ?? current.title;
      const body = input.body ?? current.body;
      checkTemplate(current.kind, title, body);
      const rows = await sql<TemplateRow>`
        update contract_templates set title = ${title}, body = ${JSON.stringify(body)}::jsonb, updated_at = ${this.deps.clock.now()},
          edited_by = case when ${actorId(context.principal)} = any(edited_by) then edited_by
                           else array_append(edited_by, ${actorId(context.principal)}::text) end
        where id = ${id}::uuid returning *`.execute(trx);
      const updated = toTemplate(rows.rows[0]!);
      await this.audit(trx, context, 'contracts.template_edited', updated, {
        before: { title: current.title },
      });
      return updated;
    });
  }

  /** A second person approves a draft; the version approved before it is retired in the same transaction. */
  async approve(id: string, context: AuditContext): Promise<ContractTemplate> {
    return inTransaction(this.deps.db, async (trx) => {
      const current = await this.locked(trx, id);
      if (current.status !== 'draft')
        throw conflict('template_not_draft', `version ${current.version} is ${current.status}`);
      const approver = actorId(context.principal);
      if (approver === current.createdBy || current.editedBy.includes(approver))
        throw conflict(
          'second_approver_required',
          'a template is approved by someone other than those who wrote it',
        );
      const now = this.deps.clock.now();
      const retired = await sql<{ id: string; version: number }>`
        update contract_templates set status = 'retired', retired_at = ${now}
        where kind = ${current.kind} and language = ${current.language} and status = 'approved'
        returning id, version`.execute(trx);
      const rows = await sql<TemplateRow>`
        update contract_templates set status = 'approved', approved_by = ${approver}, approved_at = ${now}
        where id = ${id}::uuid returning *`.execute(trx);
      const approved = toTemplate(rows.rows[0]!);
      await this.audit(trx, context, 'contracts.template_approved', approved, {
        retired: retired.rows.map((r) => ({ id: r.id, version: r.version })),
      });
      return approved;
    });
  }

  /** Retires a draft (discarding it) or the approved version (leaving the kind without one until the next). */
  async retire(id: string, context: AuditContext): Promise<ContractTemplate> {
    return inTransaction(this.deps.db, async (trx) => {
      const current = await this.locked(trx, id);
      if (current.status === 'retired')
        throw conflict('template_retired', `version ${current.version} is retired`);
      const rows = await sql<TemplateRow>`
        update contract_templates set status = 'retired', retired_at = ${this.deps.clock.now()}
        where id = ${id}::uuid returning *`.execute(trx);
      const retired = toTemplate(rows.rows[0]!);
      await this.audit(trx, context, 'contracts.template_retired', retired, { was: current.status });
      return retired;
    });
  }

  private async locked(trx: Executor, id: string): Promise<ContractTemplate> {
    const rows =
      await sql<TemplateRow>`select * from contract_templates where id = ${id}::uuid for update`.execute(trx);
    if (!rows.rows[0]) throw notFound('template_not_found', 'no such contract template');
    return toTemplate(rows.rows[0]);
  }

  private audit(trx: Executor, context: AuditContext, action: string, t: ContractTemplate, details: unknown) {
    return this.deps.identity.audit(
      context,
      {
        action,
        subjectType: 'contract_template',
        subjectId: t.id,
        after: { kind: t.kind, language: t.language, version: t.version, status: t.status, title: t.title },
        details,
      },
      trx,
    );
  }
}
