import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { AnalyticsContext } from './context.ts';

/**
 * Where reports read from, and how far behind the primary that is. On the primary every lag is null.
 * On a replica: `replayedAt` is the commit time of the last transaction it has replayed;
 * `lagSeconds` is now() − that time, or "0.000" when the replica has replayed all the WAL the primary
 * has written (an idle primary commits nothing, so the bare difference would grow without any lag);
 * `replayLsn` / `primaryLsn` are the WAL positions replayed and written, `behindBytes` their distance.
 */
export interface ReadSource {
  readonly source: 'primary' | 'replica';
  /** The read database is a hot standby (pg_is_in_recovery()): false would mean a misconfigured URL. */
  readonly inRecovery: boolean;
  readonly replayedAt: string | null;
  readonly lagSeconds: string | null;
  readonly replayLsn: string | null;
  readonly primaryLsn: string | null;
  readonly behindBytes: string | null;
}

const ON_PRIMARY: ReadSource = {
  source: 'primary',
  inRecovery: false,
  replayedAt: null,
  lagSeconds: null,
  replayLsn: null,
  primaryLsn: null,
  behindBytes: null,
};

export async function readSource(context: AnalyticsContext): Promise<ReadSource> {
  if (context.readDb === context.db) return ON_PRIMARY;
  // The primary's position first: the replica, read second, can then only be nearer to it.
  const primaryLsn = await currentLsn(context.db);
  const { rows } = await sql<{
    in_recovery: boolean;
    replay_lsn: string | null;
    replayed_at: string | null;
    lag_seconds: string | null;
  }>`
    select pg_is_in_recovery() as in_recovery,
           pg_last_wal_replay_lsn()::text as replay_lsn,
           to_char(pg_last_xact_replay_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as replayed_at,
           round(extract(epoch from now() - pg_last_xact_replay_timestamp()), 3)::text as lag_seconds
  `.execute(context.readDb);
  const replica = rows[0]!;
  const behind =
    replica.replay_lsn === null
      ? null
      : (
          await sql<{ behind: string }>`
            select greatest(pg_wal_lsn_diff(${primaryLsn}::pg_lsn, ${replica.replay_lsn}::pg_lsn), 0)::bigint::text as behind
          `.execute(context.db)
        ).rows[0]!.behind;
  return {
    source: 'replica',
    inRecovery: replica.in_recovery,
    replayedAt: replica.replayed_at,
    lagSeconds: behind === '0' ? '0.000' : replica.lag_seconds,
    replayLsn: replica.replay_lsn,
    primaryLsn,
    behindBytes: behind,
  };
}

async function currentLsn(db: Executor): Promise<string> {
  const { rows } = await sql<{ lsn: string }>`select pg_current_wal_lsn()::text as lsn`.execute(db);
  return rows[0]!.lsn;
}
