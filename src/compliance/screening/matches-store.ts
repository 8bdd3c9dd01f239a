import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { uuidv7 } from '../../kernel/index.ts';
import type { FoundMatch } from './matcher.ts';

export type MatchTrigger = 'kyc' | 'list_upload' | 'rescreen';

/**
 * Writes found matches, one per (customer, list, listed person). A match already open follows the
 * entry of the newest version that found it (its score and why too); a decided one is left as
 * decided, so that a false positive is not reopened by the same listed person.
 */
export async function recordMatches(
  db: Executor,
  found: readonly FoundMatch[],
  trigger: MatchTrigger,
  now: Date,
): Promise<number> {
  if (found.length === 0) return 0;
  const rows = JSON.stringify(
    found.map((m) => ({
      id: uuidv7(now.getTime()),
      user_id: m.userId,
      list_id: m.entry.listId,
      entry_key: m.entry.entryKey,
      entry_id: m.entry.id,
      score: m.score.toFixed(4),
      why: m.why,
    })),
  );
  const written = await sql<{ inserted: boolean }>`
    insert into screening_matches (id, user_id, list_id, entry_key, entry_id, score, why, trigger, status, created_at)
    select x.id, x.user_id, x.list_id, x.entry_key, x.entry_id, x.score::numeric, x.why, ${trigger}, 'open', ${now}
    from jsonb_to_recordset(${rows}::jsonb) as x(id uuid, user_id uuid, list_id uuid, entry_key text, entry_id uuid,
         score text, why jsonb)
    on conflict (user_id, list_id, entry_key) do update
      set entry_id = excluded.entry_id, score = excluded.score, why = excluded.why
      where screening_matches.status = 'open'
    returning (xmax = 0) as inserted`.execute(db);
  return written.rows.filter((r) => r.inserted).length;
}
