import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { addDays, type PlainDate } from '../kernel/index.ts';
import { simpleInterest } from './fixed/interest.ts';
import { parseFixedTerms } from './fixed/terms.ts';

/**
 * For analytics' liquidity (docs/analytics.md): what wealth owes its investors within each horizon
 * after the date, from two set-based queries.
 * - Fixed-term products valued by the date (not failed) and maturing in (date, date + h]: each
 *   holding's principal (its valued purchases) and its interest at the stated rate, as the maturity
 *   will pay it; holdings redeemed early by the date are left out.
 * - The money-market fund's redemptions placed by the date and not yet paid at its end (pending, or
 *   completed after the date), whose pay date falls by date + h (a pay date already passed counts
 *   in every horizon: it is due now).
 */
export async function wealthDuesAsOf(
  db: Executor,
  date: PlainDate,
  horizons: readonly number[],
): Promise<Map<number, bigint>> {
  const last = Math.max(...horizons);
  // The end of the business date in Shanghai (UTC+8 all year, no daylight saving).
  const endOfDate = new Date(`${addDays(date, 1)}T00:00:00+08:00`);
  const fixed = await sql<{ terms: unknown; maturity_date: PlainDate; principal: bigint }>`
    select p.terms, r.maturity_date::text as maturity_date, sum(f.amount)::int8 as principal
    from wealth_fixed_raises r
    join wealth_products p on p.id = r.product_id
    join wealth_fixed_purchases f on f.product_id = r.product_id
    where r.state in ('valued', 'matured') and r.decided_on <= ${date}
      and r.maturity_date > ${date} and r.maturity_date <= ${date}::date + ${last}::int
      and f.holding_id is not null and f.status in ('holding', 'matured', 'redeemed')
      and not exists (select 1 from wealth_fixed_settlements s
        where s.holding_id = f.holding_id and s.kind = 'early' and s.business_date <= ${date})
    group by p.id, p.terms, r.maturity_date, f.holding_id`.execute(db);
  const mmf = await sql<{ settle_date: PlainDate; amount: bigint }>`
    select settle_date::text as settle_date, sum(amount)::int8 as amount from wealth_mmf_orders
    where kind = 'redemption' and business_date <= ${date} and settle_date <= ${date}::date + ${last}::int
      and (status = 'pending' or completed_at >= ${endOfDate})
    group by settle_date`.execute(db);
  const dues = new Map(horizons.map((h) => [h, 0n]));
  const add = (due: PlainDate, amount: bigint) => {
    for (const h of horizons) {
      if (due <= addDays(date, h)) dues.set(h, dues.get(h)! + amount);
    }
  };
  for (const row of fixed.rows) {
    const terms = parseFixedTerms(row.terms);
    const principal = BigInt(row.principal);
    const { interest } = simpleInterest(
      principal,
      terms.annualRate,
      terms.valueDate,
      terms.maturityDate,
      terms.dayCount,
    );
    add(row.maturity_date, principal + interest);
  }
  for (const row of mmf.rows) add(row.settle_date, BigInt(row.amount));
  return dues;
}
