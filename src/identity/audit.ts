import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { type Clock, GroupCommit, uuidv7 } from '../kernel/index.ts';
import { type AuditRow, appendAuditRecords } from './audit-chain.ts';
import { actorId, type Principal } from './roles.ts';

/**
 * Every staff action and every security event, append-only (a trigger refuses updates and deletes)
 * and hash-chained (audit-chain.ts), so that a change made around the trigger is found by verify.
 */
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
  /** The client's User-Agent, where the action came through the API: a binding action records it. */
  readonly userAgent?: string | null | undefined;
}

export async function audit(
  db: Executor,
  clock: Clock,
  context: AuditContext,
  entry: AuditEntry,
): Promise<void> {
  await appendAuditRecords(db, [auditRow(clock, context, entry)]);
}

function auditRow(clock: Clock, context: AuditContext, entry: AuditEntry): AuditRow {
  return {
    id: uuidv7(),
    at: clock.now(),
    actorId: actorId(context.principal),
    actorRoles: [...context.principal.roles],
    action: entry.action,
    subjectType: entry.subjectType ?? null,
    subjectId: entry.subjectId ?? null,
    ip: context.ip,
    before: json(entry.before),
    after: json(entry.after),
    details: json(entry.details),
  };
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
  const rows = await sql<AuditLogRow>`
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
  private readonly queue: GroupCommit<AuditRow, void>;

  /**
   * The kernel's rules (docs/group-commit.md): up to 1,000 entries a group, one group at a time (one
   * transaction and one lock of the chain's head for the whole group); a group that fails is tried
   * again one entry at a time.
   */
  constructor(
    db: Executor,
    private readonly clock: Clock,
  ) {
    this.queue = new GroupCommit<AuditRow, void>({
      maxSize: 1000,
      commit: async (rows) => {
        await appendAuditRecords(db, rows);
        return rows.map(() => ({ ok: true, value: undefined }));
      },
    });
  }

  write(context: AuditContext, entry: AuditEntry): Promise<void> {
    return this.queue.submit(auditRow(this.clock, context, entry));
  }

  /** Refuses new entries and resolves once every entry written before has committed (or failed). */
  close(): Promise<void> {
    return this.queue.close();
  }
}

/** A row of audit_log as the database hands it back (the JSON columns parsed). */
export interface AuditLogRow {
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
}
