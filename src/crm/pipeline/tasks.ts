import { sql } from 'kysely';
import { type Executor, inTransaction } from '../../db/index.ts';
import {
  type AuditContext,
  actorId,
  allows,
  maskName,
  maskPhone,
  type Role,
  staffNames,
} from '../../identity/index.ts';
import { conflict, invalid, isStorableText, isUuid, notFound, type PlainDate } from '../../kernel/index.ts';
import { checkOwner, type PipelineContext, type Viewer } from './context.ts';
import type { ContentItem, TaskKind } from './settings.ts';

/**
 * Follow-up tasks: created by stage changes (stages.ts), worked by their owner (done with an outcome,
 * or cancelled), reassigned by a manager, and counted overdue per owner for the manager's view.
 */
export interface TaskRow {
  id: string;
  prospect_id: string;
  user_id: string;
  owner_id: string;
  kind: TaskKind;
  due_on: PlainDate;
  due_at: Date;
  notes: string | null;
  suggestions: ContentItem[];
  status: 'open' | 'done' | 'cancelled';
  outcome: string | null;
  created_at: Date;
  closed_at: Date | null;
  closed_by: string | null;
}

export interface TaskFilter {
  readonly ownerId?: string | undefined;
  readonly prospectId?: string | undefined;
  readonly status?: 'open' | 'done' | 'cancelled' | undefined;
  /** Only open tasks due before this instant. */
  readonly overdueAt?: Date | undefined;
  readonly limit: number;
  readonly offset?: number | undefined;
}

export async function taskRows(db: Executor, filter: TaskFilter, lockId?: string): Promise<TaskRow[]> {
  const overdue = filter.overdueAt ?? null;
  const rows = await sql<TaskRow>`
    select t.id, t.prospect_id, p.user_id, t.owner_id, t.kind, t.due_on::text as due_on, t.due_at, t.notes,
           t.suggestions, t.status, t.outcome, t.created_at, t.closed_at, t.closed_by
    from crm_tasks t join crm_prospects p on p.id = t.prospect_id
    where (${lockId ?? null}::uuid is null or t.id = ${lockId ?? null}::uuid)
      and (${filter.ownerId ?? null}::uuid is null or t.owner_id = ${filter.ownerId ?? null}::uuid)
      and (${filter.prospectId ?? null}::uuid is null or t.prospect_id = ${filter.prospectId ?? null}::uuid)
      and (${filter.status ?? null}::text is null or t.status = ${filter.status ?? null})
      and (${overdue}::timestamptz is null or (t.status = 'open' and t.due_at < ${overdue}::timestamptz))
    order by t.due_at, t.id
    limit ${filter.limit} offset ${filter.offset ?? 0}
    ${lockId ? sql`for update of t` : sql``}`.execute(db);
  return rows.rows;
}

/** The JSON of tasks, the prospect's customer masked and owners by their display names. */
export async function toTask(context: PipelineContext, rows: readonly TaskRow[]) {
  const users = await context.identity.reachOf([...new Set(rows.map((r) => r.user_id))]);
  const owners = await staffNames(context.db, [...new Set(rows.map((r) => r.owner_id))]);
  const now = context.clock.now();
  return (r: TaskRow) => {
    const person = users.get(r.user_id);
    return {
      id: r.id,
      prospectId: r.prospect_id,
      customer: {
        id: r.user_id,
        name: person ? maskName(person.name || '—') : null,
        phone: person ? maskPhone(person.phone) : null,
      },
      owner: { id: r.owner_id, name: owners.get(r.owner_id) ?? null },
      kind: r.kind,
      dueOn: r.due_on,
      dueAt: r.due_at,
      overdue: r.status === 'open' && r.due_at.getTime() < now.getTime(),
      notes: r.notes,
      suggestions: r.suggestions,
      status: r.status,
      outcome: r.outcome,
      createdAt: r.created_at,
      closedAt: r.closed_at,
    };
  };
}

export async function listTasks(context: PipelineContext, filter: TaskFilter) {
  const rows = await taskRows(context.db, filter);
  return rows.map(await toTask(context, rows));
}

async function lockedTask(trx: Executor, taskId: string): Promise<TaskRow> {
  if (!isUuid(taskId)) throw notFound('task_not_found', 'no such task');
  const row = (await taskRows(trx, { limit: 1 }, taskId))[0];
  if (!row) throw notFound('task_not_found', 'no such task');
  return row;
}

/** Closes an open task: done with what came of it, or cancelled (with why). */
export async function closeTask(
  context: PipelineContext,
  taskId: string,
  viewer: Viewer,
  input: { status: 'done' | 'cancelled'; outcome: string },
  audit: AuditContext,
) {
  const outcome = input.outcome.trim();
  if (outcome === '') throw invalid('outcome_required', 'say what came of the task');
  if (outcome.length > 2000) throw invalid('text_too_long', 'outcome is longer than 2000 characters');
  if (!isStorableText(outcome))
    throw invalid('text_malformed', 'outcome holds characters that cannot be stored');
  const id = await inTransaction(context.db, async (trx) => {
    const row = await lockedTask(trx, taskId);
    checkOwner(row.owner_id, viewer, 'task');
    if (row.status !== 'open') throw conflict('task_closed', 'the task is closed already');
    await sql`update crm_tasks set status = ${input.status}, outcome = ${outcome}, closed_at = ${context.clock.now()},
                closed_by = ${actorId(audit.principal)} where id = ${row.id}`.execute(trx);
    await context.identity.audit(
      audit,
      {
        action: 'crm.task_close',
        subjectType: 'crm_task',
        subjectId: row.id,
        details: { status: input.status },
      },
      trx,
    );
    return row.id;
  });
  return (await listTasksById(context, id))!;
}

/** A manager gives an open task to another member of staff who follows prospects. */
export async function reassignTask(
  context: PipelineContext,
  taskId: string,
  ownerId: string,
  audit: AuditContext,
) {
  const id = await inTransaction(context.db, async (trx) => {
    const row = await lockedTask(trx, taskId);
    if (row.status !== 'open') throw conflict('task_closed', 'the task is closed already');
    const owner = isUuid(ownerId) ? await context.identity.users.get(ownerId, trx) : undefined;
    if (!owner?.is_staff || !allows((owner.roles ?? []) as Role[], 'crm:follow'))
      throw invalid('owner_not_follower', 'the owner must be a member of staff who follows prospects');
    await sql`update crm_tasks set owner_id = ${ownerId}::uuid where id = ${row.id}`.execute(trx);
    await context.identity.audit(
      audit,
      {
        action: 'crm.task_reassign',
        subjectType: 'crm_task',
        subjectId: row.id,
        details: { from: row.owner_id, to: ownerId },
      },
      trx,
    );
    return row.id;
  });
  return (await listTasksById(context, id))!;
}

async function listTasksById(context: PipelineContext, id: string) {
  const rows = await taskRows(context.db, { limit: 1 }, id);
  return rows.map(await toTask(context, rows))[0];
}

/** The manager's view: open tasks past due, counted per owner (oldest first), and the list. */
export async function overdueTasks(context: PipelineContext, limit: number) {
  const now = context.clock.now();
  const counts = await sql<{ owner_id: string; count: number; oldest_due_at: Date }>`
    select owner_id, count(*)::int as count, min(due_at) as oldest_due_at
    from crm_tasks where status = 'open' and due_at < ${now}
    group by owner_id order by count(*) desc, owner_id`.execute(context.db);
  const names = await staffNames(
    context.db,
    counts.rows.map((c) => c.owner_id),
  );
  return {
    asOf: now,
    owners: counts.rows.map((c) => ({
      owner: { id: c.owner_id, name: names.get(c.owner_id) ?? null },
      count: c.count,
      oldestDueAt: c.oldest_due_at,
    })),
    tasks: await listTasks(context, { overdueAt: now, limit }),
  };
}
