import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { type Clock, uuidv7 } from '../kernel/index.ts';
import { actorId, type Principal } from './roles.ts';

/** Every staff action and every security event, append-only (a trigger refuses updates and deletes). */
export interface AuditEntry {
  readonly action: string;
  readonly subjectType?: string;
  readonly subjectId?: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly details?: unknown;
}

export interface AuditContext {
  readonly principal: Principal;
  readonly ip: string | null;
}

export async function audit(
  db: Executor,
  clock: Clock,
  context: AuditContext,
  entry: AuditEntry,
): Promise<void> {
  await sql`
    insert into audit_log (id, at, actor_id, actor_roles, action, subject_type, subject_id, ip, before, after, details)
    values (${uuidv7()}, ${clock.now()}, ${actorId(context.principal)}, ${[...context.principal.roles]}::text[], ${entry.action},
            ${entry.subjectType ?? null}, ${entry.subjectId ?? null}, ${context.ip},
            ${json(entry.before)}::jsonb, ${json(entry.after)}::jsonb, ${json(entry.details)}::jsonb)`.execute(
    db,
  );
}

function json(value: unknown): string | null {
  return value === undefined
    ? null
    : JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v));
}

export interface AuditRecord {
  id: string;
  at: Date;
  actorId: string;
  actorRoles: string[];
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  ip: string | null;
  before: unknown;
  after: unknown;
  details: unknown;
}

export async function listAudit(
  db: Executor,
  filter: {
    actorId?: string | undefined;
    action?: string | undefined;
    subjectId?: string | undefined;
    before?: string | undefined;
    limit: number;
  },
): Promise<AuditRecord[]> {
  const rows = await sql<{
    id: string;
    at: Date;
    actor_id: string;
    actor_roles: string[];
    action: string;
    subject_type: string | null;
    subject_id: string | null;
    ip: string | null;
    before: unknown;
    after: unknown;
    details: unknown;
  }>`
    select id, at, actor_id, actor_roles, action, subject_type, subject_id, ip, before, after, details from audit_log
    where ${filter.actorId === undefined ? sql`true` : sql`actor_id = ${filter.actorId}`}
      and ${filter.action === undefined ? sql`true` : sql`action = ${filter.action}`}
      and ${filter.subjectId === undefined ? sql`true` : sql`subject_id = ${filter.subjectId}`}
      and ${filter.before === undefined ? sql`true` : sql`id < ${filter.before}::uuid`}
    order by id desc limit ${filter.limit}`.execute(db);
  return rows.rows.map((r) => ({
    id: r.id,
    at: r.at,
    actorId: r.actor_id,
    actorRoles: r.actor_roles,
    action: r.action,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    ip: r.ip,
    before: r.before,
    after: r.after,
    details: r.details,
  }));
}

/**
 * Audit entries made outside a transaction, written with group commit: entries made at about the
 * same time share one INSERT, and each caller continues only once its entry has committed. (Entries
 * that belong to a change are written in that change's transaction instead, by `audit`.)
 */
export class AuditWriter {
  private queue: { row: unknown[]; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private running = false;

  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
  ) {}

  write(context: AuditContext, entry: AuditEntry): Promise<void> {
    const row = [
      uuidv7(),
      this.clock.now().toISOString(),
      actorId(context.principal),
      `{${context.principal.roles.join(',')}}`,
      entry.action,
      entry.subjectType ?? null,
      entry.subjectId ?? null,
      context.ip,
      json(entry.before),
      json(entry.after),
      json(entry.details),
    ];
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (!this.running) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    if (this.running || this.queue.length === 0) return;
    this.running = true;
    const group = this.queue.splice(0, 1000);
    const column = (i: number) => group.map((g) => g.row[i] as string | null);
    try {
      await sql`
        insert into audit_log (id, at, actor_id, actor_roles, action, subject_type, subject_id, ip, before, after, details)
        select id::uuid, at::timestamptz, actor_id, actor_roles::text[], action, subject_type, subject_id, ip,
               before::jsonb, after::jsonb, details::jsonb
        from unnest(${column(0)}::text[], ${column(1)}::text[], ${column(2)}::text[], ${column(3)}::text[], ${column(4)}::text[],
                    ${column(5)}::text[], ${column(6)}::text[], ${column(7)}::text[], ${column(8)}::text[], ${column(9)}::text[],
                    ${column(10)}::text[])
          as v(id, at, actor_id, actor_roles, action, subject_type, subject_id, ip, before, after, details)`.execute(
        this.db,
      );
      for (const g of group) g.resolve();
    } catch (error) {
      for (const g of group) g.reject(error);
    } finally {
      this.running = false;
      if (this.queue.length > 0) setImmediate(() => void this.flush());
    }
  }
}
