import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { Clock, PlainDate } from '../kernel/index.ts';

/**
 * The business dates users were active on (user_activity_days), for daily, weekly and monthly active
 * users and retention. A user's day is written once: the recorder remembers, in memory, who it has
 * written for the current business date, and the insert does nothing when the row exists (another
 * process wrote it, or a sign-in did), so a burst of requests costs no writes after the first.
 */
export async function recordActivity(
  db: Executor,
  day: PlainDate,
  userIds: readonly string[],
): Promise<void> {
  if (userIds.length === 0) return;
  await sql`insert into user_activity_days (user_id, day)
    select u, ${day}::date from unnest(${[...userIds]}::uuid[]) as t(u)
    on conflict do nothing`.execute(db);
}

const MAX_REMEMBERED = 500_000;

export class ActivityRecorder {
  private day: PlainDate | null = null;
  private seen = new Set<string>();

  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
  ) {}

  /** Records these users as active on the current business date, unless already recorded by this process. */
  async record(userIds: readonly string[]): Promise<void> {
    const day = this.clock.businessDate();
    // A new day starts afresh; so does a very busy one (the set is a saving, not a record: forgetting
    // costs only inserts that do nothing).
    if (day !== this.day || this.seen.size > MAX_REMEMBERED) {
      this.day = day;
      this.seen = new Set();
    }
    const fresh = [...new Set(userIds)].filter((id) => !this.seen.has(id));
    if (fresh.length === 0) return;
    await recordActivity(this.db, day, fresh);
    // Remembered once written: a failed write is tried again by the user's next request.
    if (this.day === day) for (const id of fresh) this.seen.add(id);
  }
}
