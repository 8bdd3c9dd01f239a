import type { Executor } from '../../db/index.ts';
import { addDays, Decimal, DomainError, formatDecimal, type PlainDate } from '../../kernel/index.ts';
import { readFacts } from '../store.ts';
import { RETENTION_WEEKS } from './users.ts';

/** One sign-up week's retention: its size and, for each week counted so far, how many were active. */
export interface CohortRow {
  /** The Monday of the sign-up week. */
  readonly cohort: PlainDate;
  readonly size: number;
  /** Week k's count and share of the cohort (4 places), or null while week k has not ended. */
  readonly weeks: readonly { week: number; retained: number | null; share: string | null }[];
}

const MAX_COHORTS = 106;

/**
 * The retention matrix of the cohorts whose Mondays fall from `from` to `to` (dates not Mondays are
 * taken to their week's Monday), read from the facts users.cohort_size and users.retained: a cohort's
 * week k is written on the Sunday that ends it, so the facts read run to 12 weeks after `to`.
 */
export async function cohortMatrix(
  db: Executor,
  range: { from: PlainDate; to: PlainDate },
): Promise<CohortRow[]> {
  const from = mondayOf(range.from);
  const to = mondayOf(range.to);
  if (from > to) throw new DomainError('bad_range', 'invalid', `from ${range.from} is after to ${range.to}`);
  const cohorts: PlainDate[] = [];
  for (let d = from; d <= to; d = addDays(d, 7)) cohorts.push(d);
  if (cohorts.length > MAX_COHORTS)
    throw new DomainError('range_too_long', 'invalid', `at most ${MAX_COHORTS} weekly cohorts`);
  const facts = await readFacts(db, {
    metrics: ['users.cohort_size', 'users.retained'],
    from: addDays(from, 6),
    to: addDays(to, 6 + 7 * RETENTION_WEEKS[RETENTION_WEEKS.length - 1]!),
  });
  const sizes = new Map<string, number>();
  const retained = new Map<string, number>();
  for (const f of facts) {
    const cohort = f.dimension.cohort;
    if (cohort === undefined) continue;
    if (f.metric === 'users.cohort_size') sizes.set(cohort, Number(f.value));
    else if (f.dimension.week !== undefined) retained.set(`${cohort}/${f.dimension.week}`, Number(f.value));
  }
  return cohorts
    .filter((cohort) => sizes.has(cohort))
    .map((cohort) => {
      const size = sizes.get(cohort)!;
      return {
        cohort,
        size,
        weeks: RETENTION_WEEKS.map((week) => {
          const n = retained.get(`${cohort}/${week}`);
          return {
            week,
            retained: n ?? null,
            share: n === undefined ? null : formatDecimal(new Decimal(n).div(size), 4),
          };
        }),
      };
    });
}

function mondayOf(date: PlainDate): PlainDate {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 Sunday … 6 Saturday
  return addDays(date, -((weekday + 6) % 7));
}
