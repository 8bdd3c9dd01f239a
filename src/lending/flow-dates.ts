import { sql } from 'kysely';
import { type Executor, integerArray } from '../db/index.ts';
import { BUSINESS_TIME_ZONE, dateInZone, type PlainDate } from '../kernel/index.ts';
import { blockOf, type Transfer } from '../ledger/index.ts';
import { LendingCode } from './accounts.ts';

/**
 * The business date of each of an investor's cash flows (ledger transfers that isInvestorFlow
 * accepts). Since migration 0047 the transaction that posts flows records their date once per ledger
 * block they were written in (investor_flow_blocks, written by post(): one batch, one block, one
 * business date); from migration 0010 until then it recorded one row per flow (investor_flow_dates),
 * which is read for the flows no block dates. A flow posted before 0010 has no row, and its date is
 * taken from the lending journal row written in the same transaction, which carries a business date:
 * for a posted bid, its loan's start date (the disbursement's); for a payout, the business date of
 * the loan's last repayment made before the transfer; for an advance, the loan's last advance so
 * made; for a note's price or seller fee, the acquisition date of the last note bought from the sold
 * one. "Before" compares UUIDv7 ids, which the process mints in increasing order as it plans the
 * repayment (or the note) and then its transfers, whatever the clocks say; advances have no id of
 * their own and compare wall-clock times. Only where no such row exists does the wall-clock date of
 * the transfer stand in.
 */
export async function flowDates(
  trx: Executor,
  transfers: readonly Transfer[],
): Promise<Map<string, PlainDate>> {
  const dates = new Map<string, PlainDate>();
  if (transfers.length === 0) return dates;
  const blocks = await sql<{ block: bigint; business_date: PlainDate }>`
    select block, business_date from investor_flow_blocks
      join unnest(${integerArray([...new Set(transfers.map((t) => blockOf(t.timestamp)))])}::int8[]) as wanted(block) using (block)`.execute(
    trx,
  );
  const byBlock = new Map(blocks.rows.map((row) => [row.block, row.business_date]));
  for (const t of transfers) {
    const date = byBlock.get(blockOf(t.timestamp));
    if (date) dates.set(t.id, date);
  }
  const undated = transfers.filter((t) => !dates.has(t.id));
  if (undated.length === 0) return dates;
  const recorded = await sql<{ transfer_id: string; business_date: PlainDate }>`
    select transfer_id, business_date from investor_flow_dates
    where transfer_id = any(${undated.map((t) => t.id)}::text[])`.execute(trx);
  for (const row of recorded.rows) dates.set(row.transfer_id, row.business_date);
  const older = undated.filter((t) => !dates.has(t.id));
  if (older.length > 0) for (const [id, date] of await derivedDates(trx, older)) dates.set(id, date);
  return dates;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** The UUID in a lending transfer's id: `bid:<bid id>:post` for a posted bid, else `l:<uuidv7>`. */
const ID_UUID = new RegExp(`^(?:bid:(${UUID}):post|l:(${UUID}))$`);
const NOTE = new RegExp(`^${UUID}$`);

async function derivedDates(trx: Executor, transfers: readonly Transfer[]): Promise<Map<string, PlainDate>> {
  // A bid's post carries the bid's id in its own; every other flow names its note in user_data.
  const rows = transfers.map((t) => {
    const match = ID_UUID.exec(t.id);
    return {
      id: t.id,
      code: t.code,
      uuid: match?.[1] ?? match?.[2] ?? null,
      note: t.code !== LendingCode.bid && NOTE.test(t.userData ?? '') ? t.userData! : null,
      at: t.createdAt.toISOString(),
    };
  });
  const derived = await sql<{ id: string; d: PlainDate | null }>`
    select f.id, case
      when f.code = ${LendingCode.bid} then
        (select l.start_date from loan_bids b join loans l on l.id = b.loan_id where b.id = f.uuid)
      when f.code in (${LendingCode.payoutPrincipal}, ${LendingCode.payoutInterest}) then
        (select r.business_date from loan_repayments r join loan_notes n on n.loan_id = r.loan_id
         where n.id = f.note and r.id < f.uuid order by r.id desc limit 1)
      when f.code = ${LendingCode.advance} then
        (select a.business_date from loan_advances a join loan_notes n on n.loan_id = a.loan_id
         where n.id = f.note and a.created_at <= f.at order by a.created_at desc, a.period desc limit 1)
      when f.code in (${LendingCode.notePrice}, ${LendingCode.noteSellerFee}) then
        (select n.acquired_on from loan_notes n where n.parent_note_id = f.note and n.origin = 'purchase'
           and n.id < f.uuid order by n.id desc limit 1)
    end as d
    from unnest(${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.code)}::int[], ${rows.map((r) => r.uuid)}::uuid[],
                ${rows.map((r) => r.note)}::uuid[], ${rows.map((r) => r.at)}::timestamptz[]) as f(id, code, uuid, note, at)`.execute(
    trx,
  );
  const wallClock = new Map(transfers.map((t) => [t.id, dateInZone(t.createdAt, BUSINESS_TIME_ZONE)]));
  return new Map(derived.rows.map((r) => [r.id, r.d ?? wallClock.get(r.id)!]));
}
