import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';

/**
 * Staff members' display names, for the CRM pipeline's owners of prospects and tasks: staff are
 * named by the display name an administrator gave them, never by personal data from the vault.
 */
export async function staffNames(db: Executor, userIds: readonly string[]): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await sql<{ id: string; display_name: string | null }>`
    select id, display_name from users where id = any(${userIds}::uuid[]) and is_staff`.execute(db);
  return new Map(rows.rows.map((r) => [r.id, r.display_name ?? '—']));
}
