import { sql } from 'kysely';
import { inTransaction } from '../../db/index.ts';
import type { ComplianceDeps } from '../deps.ts';
import { versionEntries } from './lists.ts';
import { EntryIndex } from './matcher.ts';
import { type MatchTrigger, recordMatches } from './matches-store.ts';

/** Customers read, matched and written per transaction of a re-screen. */
export const RESCREEN_CHUNK = 2_000;

export interface RescreenProgress {
  readonly versions: number;
  readonly customers: number;
  readonly opened: number;
}

/**
 * Finishes every pending re-screen: for each uploaded version not yet compared with every verified
 * customer, compares the customers after its cursor, a chunk per transaction that also moves the
 * cursor, so that a re-screen interrupted anywhere resumes where it stopped and never writes a match
 * twice. A version already superseded by a newer upload is closed without work: the newer version's
 * re-screen covers its list. Two runners at once (the job after an upload and day-close) share the
 * work safely: each chunk locks its version's row, and the other skips it.
 */
export async function runPendingRescreens(
  deps: ComplianceDeps,
  threshold: () => Promise<number>,
): Promise<RescreenProgress> {
  let versions = 0;
  let customers = 0;
  let opened = 0;
  const pending = await sql<{ id: string }>`
    select id from screening_list_versions where rescreened_at is null order by uploaded_at, id`.execute(
    deps.db,
  );
  for (const { id } of pending.rows) {
    const limit = await threshold();
    let index: EntryIndex | null = null;
    for (;;) {
      const step = await inTransaction(deps.db, async (trx) => {
        const locked = await sql<{ rescreen_after: string | null; trigger: MatchTrigger; current: boolean }>`
          select v.rescreen_after, v.rescreen_trigger as trigger, (l.current_version = v.version) as current
          from screening_list_versions v join screening_lists l on l.id = v.list_id
          where v.id = ${id}::uuid and v.rescreened_at is null
          for update of v skip locked`.execute(trx);
        const version = locked.rows[0];
        if (!version) return { done: true, customers: 0, opened: 0 };
        const now = deps.clock.now();
        if (!version.current) {
          await sql`update screening_list_versions set rescreened_at = ${now} where id = ${id}::uuid`.execute(
            trx,
          );
          return { done: true, customers: 0, opened: 0 };
        }
        index ??= new EntryIndex(await versionEntries(trx, id));
        const names = await deps.identity.verifiedNamesAfter(version.rescreen_after, RESCREEN_CHUNK, trx);
        const found = names.flatMap((customer) => index!.match(customer, limit));
        const written = await recordMatches(trx, found, version.trigger, now);
        const last = names.at(-1)?.userId ?? version.rescreen_after;
        const done = names.length < RESCREEN_CHUNK;
        await sql`
          update screening_list_versions set rescreen_after = ${last}::uuid,
                 rescreened_at = ${done ? now : null}
          where id = ${id}::uuid`.execute(trx);
        return { done, customers: names.length, opened: written };
      });
      customers += step.customers;
      opened += step.opened;
      if (step.done) break;
    }
    versions++;
  }
  return { versions, customers, opened };
}
