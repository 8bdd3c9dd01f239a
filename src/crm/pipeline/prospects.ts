import { sql } from 'kysely';
import { inTransaction, sqlState } from '../../db/index.ts';
import {
  type AuditContext,
  allows,
  maskName,
  maskPhone,
  type Role,
  staffNames,
} from '../../identity/index.ts';
import {
  conflict,
  DomainError,
  invalid,
  isUuid,
  notFound,
  type PlainDate,
  uuidv7,
} from '../../kernel/index.ts';
import { checkOwner, type PipelineContext, type Viewer } from './context.ts';
import { loadSettings, type Stage, type Target } from './settings.ts';
import { checkStageInput, planFor, recordChange, type StageInput } from './stages.ts';
import { taskRows, toTask } from './tasks.ts';

/** A prospect: a customer in the sales pipeline, followed by one member of staff (the owner). */
export interface ProspectRow {
  id: string;
  user_id: string;
  owner_id: string;
  stage: Target;
  product_interest: string | null;
  expected_on: PlainDate | null;
  reason_code: string | null;
  reason_text: string | null;
  entered_at: Date;
  updated_at: Date;
}

const COLUMNS = sql`p.id, p.user_id, p.owner_id, p.stage, p.product_interest, p.expected_on::text as expected_on,
  p.reason_code, p.reason_text, p.entered_at, p.updated_at`;

export async function prospectRow(
  context: PipelineContext,
  db: typeof context.db,
  prospectId: string,
  lock = false,
): Promise<ProspectRow> {
  if (!isUuid(prospectId)) throw notFound('prospect_not_found', 'no such prospect');
  const rows = await sql<ProspectRow>`
    select ${COLUMNS} from crm_prospects p where p.id = ${prospectId}::uuid ${lock ? sql`for update` : sql``}`.execute(
    db,
  );
  const row = rows.rows[0];
  if (!row) throw notFound('prospect_not_found', 'no such prospect');
  return row;
}

/** The customer, masked as the users list masks them (full data only through pii:read elsewhere). */
async function people(context: PipelineContext, rows: readonly ProspectRow[]) {
  const users = await context.identity.reachOf([...new Set(rows.map((r) => r.user_id))]);
  const owners = await staffNames(context.db, [...new Set(rows.map((r) => r.owner_id))]);
  return (r: ProspectRow) => {
    const person = users.get(r.user_id);
    return {
      id: r.id,
      user: {
        id: r.user_id,
        name: person ? maskName(person.name || '—') : null,
        phone: person ? maskPhone(person.phone) : null,
      },
      owner: { id: r.owner_id, name: owners.get(r.owner_id) ?? null },
      stage: r.stage,
      productInterest: r.product_interest,
      expectedOn: r.expected_on,
      reasonCode: r.reason_code,
      reasonText: r.reason_text,
      enteredAt: r.entered_at,
      updatedAt: r.updated_at,
    };
  };
}
export type ProspectView = ReturnType<Awaited<ReturnType<typeof people>>>;

export interface CreateProspect extends StageInput {
  readonly userId: string;
  readonly ownerId?: string | undefined;
  readonly stage: Stage;
  readonly productInterest?: string | undefined;
}

/**
 * A customer enters the pipeline at a stage, with that stage's required fields and its task. The
 * owner is the caller unless a manager names another member of staff who follows prospects.
 */
export async function createProspect(
  context: PipelineContext,
  viewer: Viewer,
  input: CreateProspect,
  audit: AuditContext,
) {
  const ownerId = input.ownerId ?? viewer.userId;
  if (ownerId === null) throw invalid('owner_required', 'name the member of staff who follows the prospect');
  if (ownerId !== viewer.userId && !viewer.manager)
    throw new DomainError('manager_only', 'forbidden', 'only a manager gives prospects to others');
  const plan = await planFor(context, input.stage, input);
  const id = await inTransaction(context.db, async (trx) => {
    const settings = await loadSettings(trx);
    const today = context.clock.businessDate();
    const checked = checkStageInput(settings, input.stage, input, today);
    if (
      input.productInterest !== undefined &&
      !settings.products.some((p) => p.code === input.productInterest)
    )
      throw invalid('product_unknown', 'not one of the pipeline’s products');
    const user = isUuid(input.userId) ? await context.identity.users.get(input.userId, trx) : undefined;
    if (!user) throw notFound('user_not_found', 'no such user');
    if (user.is_staff) throw invalid('prospect_is_staff', 'a member of staff is no prospect');
    const owner = isUuid(ownerId) ? await context.identity.users.get(ownerId, trx) : undefined;
    if (!owner?.is_staff || !allows((owner.roles ?? []) as Role[], 'crm:follow'))
      throw invalid('owner_not_follower', 'the owner must be a member of staff who follows prospects');
    const prospectId = uuidv7();
    const now = context.clock.now();
    try {
      await sql`insert into crm_prospects (id, user_id, owner_id, stage, product_interest, expected_on, reason_code, reason_text, entered_at, updated_at)
        values (${prospectId}, ${input.userId}::uuid, ${ownerId}::uuid, ${input.stage}, ${input.productInterest ?? null},
                ${checked.expectedOn}::date, ${checked.reasonCode}, ${checked.reasonText}, ${now}, ${now})`.execute(
        trx,
      );
    } catch (error) {
      if (sqlState(error) === '23505')
        throw conflict('prospect_exists', 'this customer is in the pipeline already');
      throw error;
    }
    const row = await prospectRow(context, trx, prospectId, true);
    await recordChange(context, trx, settings, row, null, input.stage, checked, plan, audit);
    return prospectId;
  });
  return prospectDetail(context, id, viewer);
}

export interface ProspectFilter {
  readonly ownerId?: string | undefined;
  readonly stage?: Target | undefined;
  readonly limit: number;
  readonly offset?: number | undefined;
}

/** Prospects, most recently moved first, each with the due time of its next open task. */
export async function listProspects(context: PipelineContext, filter: ProspectFilter) {
  const rows = await sql<ProspectRow & { next_due_at: Date | null; open_tasks: number }>`
    select ${COLUMNS},
      (select min(t.due_at) from crm_tasks t where t.prospect_id = p.id and t.status = 'open') as next_due_at,
      (select count(*)::int from crm_tasks t where t.prospect_id = p.id and t.status = 'open') as open_tasks
    from crm_prospects p
    where (${filter.ownerId ?? null}::uuid is null or p.owner_id = ${filter.ownerId ?? null}::uuid)
      and (${filter.stage ?? null}::text is null or p.stage = ${filter.stage ?? null})
      and (${filter.stage ?? null}::text is not null or p.stage <> 'left')
    order by p.updated_at desc, p.id desc
    limit ${filter.limit} offset ${filter.offset ?? 0}`.execute(context.db);
  const view = await people(context, rows.rows);
  return rows.rows.map((r) => ({ ...view(r), nextDueAt: r.next_due_at, openTasks: r.open_tasks }));
}

/** A prospect with its stage history (newest first) and its tasks. */
export async function prospectDetail(context: PipelineContext, prospectId: string, viewer: Viewer) {
  const row = await prospectRow(context, context.db, prospectId);
  checkOwner(row.owner_id, viewer, 'prospect');
  const view = await people(context, [row]);
  const history = await sql<{
    id: string;
    from_stage: Target | null;
    to_stage: Target;
    changed_by: string;
    changed_at: Date;
    business_date: PlainDate;
    note: string | null;
    reason_code: string | null;
    reason_text: string | null;
    expected_on: PlainDate | null;
  }>`select id, from_stage, to_stage, changed_by, changed_at, business_date::text as business_date, note,
            reason_code, reason_text, expected_on::text as expected_on
     from crm_stage_changes where prospect_id = ${row.id} order by changed_at desc, id desc`.execute(
    context.db,
  );
  const names = await staffNames(
    context.db,
    history.rows.map((h) => h.changed_by).filter((by) => isUuid(by)),
  );
  const tasks = await taskRows(context.db, { prospectId: row.id, limit: 200 });
  const taskView = await toTask(context, tasks);
  return {
    prospect: view(row),
    history: history.rows.map((h) => ({
      id: h.id,
      from: h.from_stage,
      to: h.to_stage,
      by: { id: h.changed_by, name: names.get(h.changed_by) ?? h.changed_by },
      at: h.changed_at,
      businessDate: h.business_date,
      note: h.note,
      reasonCode: h.reason_code,
      reasonText: h.reason_text,
      expectedOn: h.expected_on,
    })),
    tasks: tasks.map(taskView),
  };
}
