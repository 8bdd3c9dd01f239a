import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { Clock } from '../kernel/index.ts';

/**
 * External data sources: the credit bureau report, the blacklist, and loans at other platforms. Each
 * is an adapter with a timeout; its answer is cached per applicant (24 hours) and recorded in the
 * decision. A source that fails or times out makes the decision `refer`, never a crash.
 *
 * The built-in simulated providers are deterministic in the identity number, with test subjects
 * chosen by its sequence digits (15th-17th): 996 is blacklisted, 995 has a poor bureau file, 994 makes
 * the bureau unavailable, 993 has seven loans at other platforms. Everyone else gets a plausible file
 * drawn from a hash of the number.
 */
export interface Subject {
  readonly idNumber: string;
  readonly phone: string;
  /** A keyed hash of the identity number: the cache key; the number itself is not stored here. */
  readonly key: string;
}

export interface BureauReport {
  readonly phoneMatches: boolean;
  readonly delinq_2yrs: number;
  readonly inq_last_6mths: number;
  readonly revol_util: number;
  readonly acc_now_delinq: number;
  readonly open_il_6m: number;
  readonly open_il_12m: number;
  readonly open_il_24m: number;
  readonly total_bal_il: number;
  readonly all_util: number;
  readonly inq_fi: number;
  readonly inq_last_12m: number;
  readonly delinq_amnt: number;
  readonly num_il_tl: number;
  readonly total_il_high_credit_limit: number;
  readonly otherPlatformLoans: number;
  /** Yuan, as a decimal string. */
  readonly otherPlatformOutstanding: string;
}

export interface DataSource<T> {
  readonly name: string;
  readonly timeoutMs: number;
  fetch(subject: Subject): Promise<T>;
}

export interface SourceRecord {
  readonly status: 'ok' | 'failed' | 'timeout';
  readonly cached: boolean;
  readonly response: unknown;
  readonly error?: string;
}

/** A number in [0, 1) drawn from the subject and a salt: the same every time for the same person. */
function draw(subject: Subject, salt: string): number {
  return createHash('sha256').update(`${salt}:${subject.idNumber}`).digest().readUInt32BE(0) / 2 ** 32;
}

const sequence = (subject: Subject) => subject.idNumber.slice(14, 17);

export class SourceUnavailable extends Error {}

export const simulatedBureau: DataSource<BureauReport> = {
  name: 'bureau',
  timeoutMs: 800,
  async fetch(subject) {
    if (sequence(subject) === '994') throw new SourceUnavailable('the bureau does not answer');
    const poor = sequence(subject) === '995';
    const d = (salt: string) => draw(subject, salt);
    const count = (salt: string, max: number) => Math.floor(d(salt) * (max + 1));
    return {
      phoneMatches: d('phone') > 0.02,
      delinq_2yrs: poor ? 4 : d('delinq') < 0.85 ? 0 : count('delinq-n', 3),
      inq_last_6mths: poor ? 6 : count('inq6', 3),
      revol_util: poor ? 98 : Math.round(d('util') * 900) / 10,
      acc_now_delinq: poor ? 1 : 0,
      open_il_6m: count('il6', 3),
      open_il_12m: count('il12', 2),
      open_il_24m: count('il24', 4),
      total_bal_il: Math.round(d('balil') * 80_000),
      all_util: poor ? 95 : Math.round(d('allutil') * 100),
      inq_fi: count('inqfi', 4),
      inq_last_12m: poor ? 9 : count('inq12', 5),
      delinq_amnt: poor ? 2_000 : 0,
      num_il_tl: count('numil', 12),
      total_il_high_credit_limit: Math.round(d('ilhigh') * 100_000),
      otherPlatformLoans: sequence(subject) === '993' ? 7 : count('others', 3),
      otherPlatformOutstanding: (Math.round(d('othersamt') * 3_000_000) / 100).toFixed(2),
    };
  },
};

export const simulatedBlacklist: DataSource<{ hit: boolean; list: string | null }> = {
  name: 'blacklist',
  timeoutMs: 300,
  async fetch(subject) {
    return sequence(subject) === '996'
      ? { hit: true, list: 'court_enforcement' }
      : { hit: false, list: null };
  },
};

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new SourceUnavailable(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Answers from each source, from the cache when fresh, else fetched (with its timeout) and cached. */
export async function gather(
  db: Executor,
  clock: Clock,
  sources: readonly DataSource<unknown>[],
  subject: Subject,
  cacheHours = 24,
): Promise<Record<string, SourceRecord>> {
  const since = new Date(clock.now().getTime() - cacheHours * 3_600_000);
  const cached = await sql<{ source: string; response: unknown }>`
    select source, response from risk_source_cache
    where subject = ${subject.key} and source = any(${sources.map((s) => s.name)}::text[]) and fetched_at > ${since}`.execute(
    db,
  );
  const hits = new Map(cached.rows.map((row) => [row.source, row.response]));
  return answerSources(db, clock, sources, subject.key, () => subject, hits);
}

/**
 * Each source's record: the cache's answer from `hits` (read by the caller, fresh ones only), else
 * fetched with its timeout and cached under `key`. `subject` is called only for a source to fetch,
 * so that a decision answered from the cache decrypts nothing.
 */
export async function answerSources(
  db: Executor,
  clock: Clock,
  sources: readonly DataSource<unknown>[],
  key: string,
  subject: () => Subject,
  hits: ReadonlyMap<string, unknown>,
): Promise<Record<string, SourceRecord>> {
  const records: Record<string, SourceRecord> = {};
  const fresh: { source: string; response: unknown }[] = [];
  await Promise.all(
    sources.map(async (source) => {
      if (hits.has(source.name)) {
        records[source.name] = { status: 'ok', cached: true, response: hits.get(source.name) };
        return;
      }
      const who = subject(); // outside the try: a value that cannot be decrypted is a bug, not a source down
      try {
        const response = await withTimeout(source.fetch(who), source.timeoutMs);
        records[source.name] = { status: 'ok', cached: false, response };
        fresh.push({ source: source.name, response });
      } catch (error) {
        const timedOut = String((error as Error).message).startsWith('no answer within');
        records[source.name] = {
          status: timedOut ? 'timeout' : 'failed',
          cached: false,
          response: null,
          error: (error as Error).message,
        };
      }
    }),
  );
  if (fresh.length > 0) {
    await sql`
      insert into risk_source_cache (source, subject, response, fetched_at)
      select source, ${key}, response::jsonb, ${clock.now()}::timestamptz
      from unnest(${fresh.map((f) => f.source)}::text[], ${fresh.map((f) => JSON.stringify(f.response))}::text[]) as v(source, response)
      on conflict (source, subject) do update set response = excluded.response, fetched_at = excluded.fetched_at`.execute(
      db,
    );
  }
  return records;
}
