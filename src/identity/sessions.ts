import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { type Clock, Coalescer } from '../kernel/index.ts';
import { ActivityRecorder } from './activity.ts';
import { isRole, type Principal, type Role } from './roles.ts';

/**
 * Sessions are opaque random tokens ("nfs_" + 32 random bytes). Only their SHA-256 is stored, so a
 * copy of the table lets nobody in. They expire, and can be revoked one by one or all at once.
 */
export const TOKEN_PREFIX = 'nfs_';

export function sessionIdOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export function newSessionToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export interface SessionInfo {
  readonly id: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly lastSeenAt: Date;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly current: boolean;
}

export async function createSession(
  trx: Executor,
  clock: Clock,
  userId: string,
  ttlHours: number,
  client: { ip: string | null; userAgent: string | null },
): Promise<{ token: string; expiresAt: Date }> {
  const token = newSessionToken();
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + ttlHours * 3_600_000);
  await sql`
    insert into sessions (id, user_id, created_at, expires_at, last_seen_at, ip, user_agent)
    values (${sessionIdOf(token)}, ${userId}, ${now}, ${expiresAt}, ${now}, ${client.ip}, ${client.userAgent?.slice(0, 300) ?? null})`.execute(
    trx,
  );
  return { token, expiresAt };
}

/**
 * Resolves tokens to principals: the principal a token stands for, or null if it is unknown,
 * expired, revoked, or its user disabled. Concurrent requests' lookups are coalesced into one query,
 * and their activity stamps into one update, so authentication costs the database one round trip per
 * burst of requests rather than one per request.
 */
export class SessionResolver {
  private readonly coalescer: Coalescer<string, Principal | null>;
  private readonly activity: ActivityRecorder;

  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
  ) {
    this.coalescer = new Coalescer((ids) => this.fetch(ids), null);
    this.activity = new ActivityRecorder(db, clock);
  }

  resolve(token: string): Promise<Principal | null> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return Promise.resolve(null);
    return this.coalescer.load(sessionIdOf(token));
  }

  private async fetch(ids: string[]): Promise<Map<string, Principal | null>> {
    const now = this.clock.now();
    const rows = await sql<{ id: string; user_id: string; last_seen_at: Date; roles: string[] | null }>`
      select s.id, s.user_id, s.last_seen_at,
             (select array_agg(role order by role) from user_roles r where r.user_id = s.user_id) as roles
      from sessions s join users u on u.id = s.user_id
      where s.id = any(${ids}::text[]) and s.revoked_at is null and s.expires_at > ${now} and u.status = 'active'`.execute(
      this.db,
    );
    // Record activity at most every five minutes: a write per request would cost more than it tells.
    const stale = rows.rows
      .filter((row) => now.getTime() - row.last_seen_at.getTime() > 300_000)
      .map((row) => row.id);
    if (stale.length > 0)
      await sql`update sessions set last_seen_at = ${now} where id = any(${stale}::text[])`.execute(this.db);
    // The day's activity (analytics' active users): a write only for users not yet seen today.
    await this.activity.record(rows.rows.map((row) => row.user_id));
    return new Map(
      rows.rows.map((row) => [
        row.id,
        {
          kind: 'user' as const,
          userId: row.user_id,
          roles: (row.roles ?? []).filter(isRole) as Role[],
          sessionId: row.id,
        },
      ]),
    );
  }
}

export async function listSessions(
  db: Executor,
  clock: Clock,
  userId: string,
  currentId: string | null,
): Promise<SessionInfo[]> {
  const rows = await sql<{
    id: string;
    created_at: Date;
    expires_at: Date;
    last_seen_at: Date;
    ip: string | null;
    user_agent: string | null;
  }>`
    select id, created_at, expires_at, last_seen_at, ip, user_agent from sessions
    where user_id = ${userId} and revoked_at is null and expires_at > ${clock.now()}
    order by created_at desc limit 100`.execute(db);
  return rows.rows.map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastSeenAt: r.last_seen_at,
    ip: r.ip,
    userAgent: r.user_agent,
    current: r.id === currentId,
  }));
}

/** Revokes one of the user's sessions; false if there is no such live session of theirs. */
export async function revokeSession(
  db: Executor,
  clock: Clock,
  userId: string,
  sessionId: string,
): Promise<boolean> {
  const result = await sql`
    update sessions set revoked_at = ${clock.now()}
    where id = ${sessionId} and user_id = ${userId} and revoked_at is null`.execute(db);
  return result.numAffectedRows === 1n;
}

export async function revokeAllSessions(db: Executor, clock: Clock, userId: string): Promise<void> {
  await sql`update sessions set revoked_at = ${clock.now()} where user_id = ${userId} and revoked_at is null`.execute(
    db,
  );
}
