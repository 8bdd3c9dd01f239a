import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { ChunkBounds } from '../batch/index.ts';
import type { Executor } from '../db/index.ts';
import { customerRanges, customersSignedUpBy } from '../identity/index.ts';
import type { PlainDate } from '../kernel/index.ts';
import { accountsMovedSince, ledgerChainPosition } from '../ledger/index.ts';
import { productKinds } from '../wealth/index.ts';
import { readBands, readRules } from './settings.ts';
import type { TagRules } from './tags.ts';

/**
 * Whom the portraits step recomputes for a business date (docs/crm.md, "Whom the step recomputes").
 *
 * A stored portrait is a function of the customer's rows in the other contexts, the ledger
 * transfers on their accounts, the date, and a basis shared by everyone (AUM bands, the class rules'
 * window, the tag rule set in force, the wealth products' codes and kinds, PORTRAIT_VERSION). When
 * the basis changed since the last computation, everyone is recomputed. Otherwise a customer is
 * recomputed when one of these holds, and only then can their portrait differ:
 * - they have no portrait;
 * - their valid_through (the day before time alone changes their portrait) is before the date;
 * - a row a portrait reads changed (crm_touched, filled by triggers in the writers' transactions and
 *   emptied by this plan: what it does not see stays for the next close);
 * - a ledger transfer was committed on an account their portrait read since the ledger chain's
 *   position the last plan read (accountsMovedSince).
 * The plan writes the set to crm_portrait_dirty and returns ranges of it, in the planning
 * transaction: a resumed close works on the same set and chunks.
 */

/** Bump when what a portrait holds or how it is computed changes: the next close recomputes everyone. */
export const PORTRAIT_VERSION = 2;

export async function basisHash(db: Executor, tags: TagRules): Promise<string> {
  const [bands, rules, ruleSet, products] = await Promise.all([
    readBands(db),
    readRules(db),
    tags.inForce(db),
    productKinds(db),
  ]);
  const text = JSON.stringify(
    {
      version: PORTRAIT_VERSION,
      bands,
      windowMonths: rules.windowMonths,
      ruleSet: { id: ruleSet.id, version: ruleSet.version },
      products,
    },
    (_k, v) => (typeof v === 'bigint' ? v.toString() : v),
  );
  return createHash('sha256').update(text).digest('hex');
}

export async function planPortraits(
  db: Executor,
  tags: TagRules,
  date: PlainDate,
  size: number,
  options: { full?: boolean } = {},
): Promise<ChunkBounds[]> {
  const hash = await basisHash(db, tags);
  const prior = (
    await sql<{ hash: string; computed_on: string; ledger_position: bigint }>`
      select hash, computed_on::text as computed_on, ledger_position from crm_portrait_basis for update`.execute(
      db,
    )
  ).rows[0];
  const position = await ledgerChainPosition(db);
  const full = options.full === true || !prior || prior.hash !== hash || prior.computed_on >= date;
  await sql`delete from crm_portrait_dirty where business_date <> ${date}::date`.execute(db);
  if (full) {
    await sql`delete from crm_touched`.execute(db);
  } else {
    await sql`
      with touched as (delete from crm_touched returning user_id)
      insert into crm_portrait_dirty (business_date, user_id)
      select ${date}::date, user_id from (
        select user_id from touched
        union select user_id from crm_portraits where valid_through < ${date}::date
        union select a.user_id from crm_portrait_accounts a
          where a.account_id in (${accountsMovedSince(BigInt(prior.ledger_position))})
        union select c.id from (${customersSignedUpBy(date)}) c
          where not exists (select 1 from crm_portraits p where p.user_id = c.id)) d
      where d.user_id in (${customersSignedUpBy(date)})
      on conflict do nothing`.execute(db);
  }
  await sql`
    insert into crm_portrait_basis (singleton, hash, computed_on, ledger_position)
    values (true, ${hash}, ${date}::date, ${position.toString()}::int8)
    on conflict (singleton) do update set hash = excluded.hash, computed_on = excluded.computed_on,
      ledger_position = excluded.ledger_position`.execute(db);
  if (full) return (await customerRanges(db, size)).map((r) => ({ mode: 'all', ...r }));
  const starts = await sql<{ user_id: string }>`
    select user_id from (
      select user_id, row_number() over (order by user_id) as n from crm_portrait_dirty
      where business_date = ${date}::date) t
    where (n - 1) % ${size} = 0 order by user_id`.execute(db);
  return starts.rows.map((r, i) => ({
    mode: 'dirty',
    from: i === 0 ? null : r.user_id,
    to: starts.rows[i + 1]?.user_id ?? null,
  }));
}

/** The customers of a chunk: everyone in its range ('all'), or the range's due customers by id ('dirty'). */
export async function chunkCustomers(
  db: Executor,
  date: PlainDate,
  bounds: ChunkBounds,
): Promise<{ from: string | null; to: string | null; ids: string[] | null }> {
  const from = (bounds.from as string | null | undefined) ?? null;
  const to = (bounds.to as string | null | undefined) ?? null;
  if (bounds.mode !== 'dirty') return { from, to, ids: null };
  const rows = await sql<{ user_id: string }>`
    select user_id from crm_portrait_dirty
    where business_date = ${date}::date and (${from}::uuid is null or user_id >= ${from}::uuid)
      and (${to}::uuid is null or user_id < ${to}::uuid)
    order by user_id`.execute(db);
  // The ids alone name the customers: without the range's bounds beside them, each reader looks the
  // customers up by its index on the customer column instead of scanning a third of the book and
  // filtering (a dirty chunk's ids are spread over the whole key space).
  return { from: null, to: null, ids: rows.rows.map((r) => r.user_id) };
}
