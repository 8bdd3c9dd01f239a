import { sql } from 'kysely';
import { type BatchStep, type ChunkBounds, keyRange } from '../../batch/index.ts';
import type { Executor } from '../../db/index.ts';
import { assert, type PlainDate } from '../../kernel/index.ts';
import { MAX_BATCH_SIZE, type TransferInput } from '../../ledger/index.ts';
import { accountInput, CURRENCY, createAccounts, WealthCode, wealthAccount } from '../accounts.ts';
import type { WealthContext } from '../context.ts';
import { holderIncome } from './yield.ts';

/**
 * Day-close's crediting of the money-market fund's income (docs/wealth-mmf-income.md).
 *
 * Step 500 (wealth.mmf-income) plans the work once: a fund closing a date without its income gets a
 * record of the date (wealth_mmf_missing) and each chunk records its holdings' units available that
 * day (wealth_mmf_eligible), so that the income, entered later, is paid on the units as they stood
 * then; and it marks every entered, uncredited date up to the
 * closing date as being credited by this close (crediting_on; such an entry can no longer be
 * corrected), and cuts the fund's holdings into key ranges of INCOME_CHUNK. Each chunk, in its own
 * transaction, credits every marked date, oldest first, to each holding of the range: the units
 * available (posted credits − posted debits − pending debits: units frozen by a redemption earn
 * nothing) × per10k ÷ 10,000, rounded down to the cent, as one income → holding transfer. Balances
 * are read for the whole range in one lookup and the transfers written in one ledger call. A row per
 * (date, chunk) is written first in the same transaction: a chunk credits a date at most once, and the
 * transfer id `mmfi:<date>:<holding>` is unique per date and holding, so a second credit would fail
 * loudly rather than pay twice.
 *
 * Step 505 (wealth.mmf-income-total) then sums the chunks of each date: the fund's income is
 * floor(Σ eligible units × per10k ÷ 10,000) to the cent, and what the per-holder rounding left,
 * fund income − Σ holders' income, is the day's undistributed income (≥ 0, since a sum of floors never
 * exceeds the floor of the sum). The date is then credited and fixed.
 */
export const INCOME_CHUNK = 8000;

export const incomeTransferId = (date: PlainDate, holdingId: string) => `mmfi:${date}:${holdingId}`;

/** The date of an income transfer, from its id. */
export function incomeDateOf(transferId: string): PlainDate | null {
  const match = /^mmfi:(\d{4}-\d{2}-\d{2}):/.exec(transferId);
  return match ? (match[1] as PlainDate) : null;
}

interface Work {
  product_id: string;
  date: PlainDate;
  k: bigint;
}

async function plan(context: WealthContext, db: Executor, date: PlainDate): Promise<ChunkBounds[]> {
  // A fund with holdings and no income entered for the closing date: its holdings' units of the day
  // are recorded by the chunks below, for the income entered later.
  const missing = await sql<{ product_id: string }>`
    insert into wealth_mmf_missing (product_id, date, recorded_at)
    select p.id, ${date}, ${context.clock.now()} from wealth_products p
    where p.kind = 'money_market' and p.status <> 'draft'
      and exists (select 1 from wealth_holdings h where h.product_id = p.id)
      and not exists (select 1 from wealth_mmf_income e where e.product_id = p.id and e.date = ${date})
    on conflict do nothing
    returning product_id`.execute(db);
  const marked = await sql<{ product_id: string }>`
    update wealth_mmf_income e set crediting_on = ${date}
    from wealth_products p
    where p.id = e.product_id and p.kind = 'money_market'
      and e.credited_at is null and e.date <= ${date} and (e.crediting_on is null or e.crediting_on = ${date})
    returning e.product_id`.execute(db);
  if (marked.rows.length === 0 && missing.rows.length === 0) return [];
  const products = [...new Set([...marked.rows, ...missing.rows].map((r) => r.product_id))];
  const starts = await sql<{ id: string }>`
    select id from (select id, row_number() over (order by id) as n from wealth_holdings
                    where product_id = any(${products}::uuid[])) t
    where (n - 1) % ${INCOME_CHUNK} = 0 order by id`.execute(db);
  if (starts.rows.length === 0) return [{ from: null, to: null }];
  return starts.rows.map((r, i) => ({
    from: i === 0 ? null : r.id,
    to: starts.rows[i + 1]?.id ?? null,
  }));
}

/** Records the units available today of each holding in the range, for funds closing without income. */
async function recordMissing(
  context: WealthContext,
  trx: Executor,
  closing: PlainDate,
  bounds: ChunkBounds,
): Promise<void> {
  const missing = await sql<{ product_id: string }>`
    select product_id from wealth_mmf_missing where date = ${closing}`.execute(trx);
  for (const { product_id } of missing.rows) {
    const holdings = await sql<{ id: string; account_id: string }>`
      select id, account_id from wealth_holdings where product_id = ${product_id} and ${keyRange('id', bounds)}
      order by id`.execute(trx);
    if (holdings.rows.length === 0) continue;
    const accounts = await context.ledger.lookupAccounts(
      holdings.rows.map((h) => h.account_id),
      { tx: trx },
    );
    const byAccount = new Map(
      accounts.map((a) => [a.id, a.creditsPosted - a.debitsPosted - a.debitsPending]),
    );
    const rows = holdings.rows
      .map((h) => ({ id: h.id, units: byAccount.get(h.account_id) ?? 0n }))
      .filter((r) => r.units > 0n);
    if (rows.length === 0) continue;
    await sql`insert into wealth_mmf_eligible (product_id, date, holding_id, units)
      select ${product_id}, ${closing}, h, u from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.units.toString())}::int8[]) as x(h, u)
      on conflict do nothing`.execute(trx);
  }
}

async function creditChunk(
  context: WealthContext,
  trx: Executor,
  closing: PlainDate,
  bounds: ChunkBounds,
): Promise<number> {
  await recordMissing(context, trx, closing, bounds);
  const work = await sql<Work>`
    select product_id, date::text as date, (per10k * 10000)::int8 as k from wealth_mmf_income
    where crediting_on = ${closing} and credited_at is null order by date, product_id`.execute(trx);
  if (work.rows.length === 0) return 0;
  const products = [...new Set(work.rows.map((w) => w.product_id))];
  await createAccounts(
    context.ledger,
    trx,
    products.map((p) => accountInput(wealthAccount.income(p), 'mmfIncome', p)),
  );
  const rangeKey = (bounds.from as string | null | undefined) ?? '';
  let credited = 0;
  for (const w of work.rows) {
    const claimed = await sql`
      insert into wealth_mmf_income_chunks (product_id, date, range_from, business_date)
      values (${w.product_id}, ${w.date}, ${rangeKey}, ${closing}) on conflict do nothing`.execute(trx);
    if (!claimed.numAffectedRows) continue;
    const holdings = await sql<{ id: string; account_id: string }>`
      select id, account_id from wealth_holdings where product_id = ${w.product_id} and ${keyRange('id', bounds)}
      order by id`.execute(trx);
    if (holdings.rows.length === 0) continue;
    // The closing date's income is paid on the units available now; a date closed earlier without its
    // income, on the units recorded that day (none recorded: nobody held units then).
    const available = new Map<string, bigint>();
    if (w.date === closing) {
      const accounts = await context.ledger.lookupAccounts(
        holdings.rows.map((h) => h.account_id),
        { tx: trx },
      );
      for (const a of accounts) available.set(a.id, a.creditsPosted - a.debitsPosted - a.debitsPending);
    } else {
      const recorded = await sql<{ account_id: string; units: bigint }>`
        select h.account_id, e.units from wealth_mmf_eligible e join wealth_holdings h on h.id = e.holding_id
        where e.product_id = ${w.product_id} and e.date = ${w.date} and e.holding_id = any(${holdings.rows.map((h) => h.id)}::uuid[])`.execute(
        trx,
      );
      for (const r of recorded.rows) available.set(r.account_id, r.units);
    }
    let holders = 0;
    let eligible = 0n;
    let distributed = 0n;
    const transfers: TransferInput[] = [];
    for (const h of holdings.rows) {
      const units = available.get(h.account_id) ?? 0n;
      if (units <= 0n) continue;
      holders += 1;
      eligible += units;
      const income = holderIncome(units, w.k);
      if (income === 0n) continue;
      distributed += income;
      transfers.push({
        id: incomeTransferId(w.date, h.id),
        debitAccountId: wealthAccount.income(w.product_id),
        creditAccountId: h.account_id,
        amount: income,
        ledger: CURRENCY,
        code: WealthCode.income,
        userData: w.date,
      });
    }
    for (let start = 0; start < transfers.length; start += MAX_BATCH_SIZE) {
      const slice = transfers.slice(start, start + MAX_BATCH_SIZE);
      const results = await context.ledger.createTransfers(slice, { tx: trx, idsAreNew: true });
      const refused = results.find((r) => r.result !== 'ok');
      if (refused) throw new Error(`mmf income ${refused.id}: ${refused.result}`);
    }
    await sql`update wealth_mmf_income_chunks
      set holders = ${holders}, eligible_units = ${eligible}, distributed = ${distributed}
      where product_id = ${w.product_id} and date = ${w.date} and range_from = ${rangeKey}`.execute(trx);
    credited += transfers.length;
  }
  return credited;
}

/** Sums each date's chunks into its entry: fund income, distributed, undistributed; the date is credited. */
async function totals(context: WealthContext, trx: Executor, closing: PlainDate): Promise<number> {
  const rows = await sql<Work & { holders: number; eligible: bigint; distributed: bigint }>`
    select e.product_id, e.date::text as date, (e.per10k * 10000)::int8 as k,
           coalesce(sum(c.holders), 0)::int as holders, coalesce(sum(c.eligible_units), 0)::int8 as eligible,
           coalesce(sum(c.distributed), 0)::int8 as distributed
    from wealth_mmf_income e
    left join wealth_mmf_income_chunks c on c.product_id = e.product_id and c.date = e.date
    where e.crediting_on = ${closing} and e.credited_at is null
    group by e.product_id, e.date, e.per10k order by e.date`.execute(trx);
  for (const r of rows.rows) {
    const fundIncome = holderIncome(r.eligible, r.k);
    const undistributed = fundIncome - r.distributed;
    assert(undistributed >= 0n, `mmf income ${r.date}: holders got more than the fund earned`);
    await sql`update wealth_mmf_income set credited_on = ${closing}, credited_at = ${context.clock.now()},
      holders = ${r.holders}, eligible_units = ${r.eligible}, fund_income = ${fundIncome},
      distributed = ${r.distributed}, undistributed = ${undistributed}
      where product_id = ${r.product_id} and date = ${r.date}`.execute(trx);
  }
  return rows.rows.length;
}

export function incomeDaySteps(context: WealthContext): BatchStep[] {
  return [
    {
      name: 'wealth.mmf-income',
      owner: 'wealth',
      position: 500,
      description:
        "Credits the money-market fund's entered income of every uncredited date up to today to each holding (units available × per 10,000 ÷ 10,000, rounded down to the cent), as new units.",
      plan: (db, date) => plan(context, db, date),
      run: (db, date, bounds) => creditChunk(context, db, date, bounds),
    },
    {
      name: 'wealth.mmf-income-total',
      owner: 'wealth',
      position: 505,
      description:
        "Reconciles each credited date: the fund's income, what holders received, and what rounding left undistributed.",
      run: (db, date) => totals(context, db, date),
    },
  ];
}
