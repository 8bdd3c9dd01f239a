import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { BLOCK_SPAN } from './chain.ts';
import { TransferFlag } from './model.ts';

/**
 * What the CRM portraits step (issue 20, src/crm, docs/crm.md) needs to recompute only the customers
 * whose accounts moved.
 *
 * Which transfers are new since a point: a transfer's timestamp is its batch's block base
 * (nextval('ledger_timestamp_block') × 65,536, what ledger_chain and ledger_chain_pending call
 * `block`) plus its slot, handed out when the batch is written,
 * not when it commits, so "timestamp above the highest seen" could miss a batch that took a lower
 * block and committed later. Every batch also writes its block to ledger_chain_pending in its own
 * transaction, and the sealer moves committed blocks into ledger_chain at increasing positions. So a
 * batch not yet committed when the chain's head position P was read is, later, either still pending
 * or sealed at a position above P: the blocks sealed above P and the blocks pending now cover every
 * transfer committed after P was read (and some committed before: harmless, their accounts' owners
 * are merely recomputed). Their transfers are found by timestamp through the BRIN index (from the
 * lowest such block up), every kind of transfer counted: posted, pending, and the posts, voids and
 * expiries that resolve pending ones.
 */

/** The ledger chain's head position now (what the next call of accountsMovedSince starts from). */
export async function ledgerChainPosition(db: Executor): Promise<bigint> {
  const rows = await sql<{ position: bigint }>`select position from ledger_chain_head`.execute(db);
  return BigInt(rows.rows[0]?.position ?? 0n);
}

/**
 * An SQL statement of (account_id) rows: the accounts on either side of a transfer committed after
 * the chain's head was at `position` (see above), for the calling context to join with its own
 * tables, so that no account id passes through Node.
 */
export function accountsMovedSince(position: bigint): RawBuilder<{ account_id: string }> {
  return sql<{ account_id: string }>`
    select distinct v.account_id from (
      with blocks as (
        select block from ledger_chain where position > ${position.toString()}::int8
        union select block from ledger_chain_pending),
      low as (select min(block) as block from blocks)
      select t.debit_account_id, t.credit_account_id from ledger_transfers t, low
      where t.timestamp >= low.block
        and t.timestamp - t.timestamp % ${BLOCK_SPAN.toString()}::int8 in (select block from blocks)) m
    cross join lateral (values (m.debit_account_id), (m.credit_account_id)) as v(account_id)`;
}

const NOT_POSTED = TransferFlag.pending | TransferFlag.voidPendingTransfer;

/**
 * The earliest posted transfer created at or after `from` on any of the accounts, by the label each
 * is given: when a balance or an income sum read "before `from`" will next change by a transfer that
 * already exists (one created for a later instant than the one asked about).
 */
export async function firstPostedFrom(
  db: Executor,
  accounts: readonly { readonly id: string; readonly group: string }[],
  from: Date,
): Promise<Map<string, Date>> {
  const out = new Map<string, Date>();
  for (let start = 0; start < accounts.length; start += 50_000) {
    const slice = accounts.slice(start, start + 50_000);
    const rows = await sql<{ grp: string; first: Date }>`
      select w.grp, min(least(d.at, c.at)) as first
      from unnest(${slice.map((a) => a.id)}::text[], ${slice.map((a) => a.group)}::text[]) as w(id, grp)
      cross join lateral (select min(t.created_at) as at from ledger_transfers t
        where t.debit_account_id = w.id and t.created_at >= ${from} and t.flags & ${NOT_POSTED} = 0) d
      cross join lateral (select min(t.created_at) as at from ledger_transfers t
        where t.credit_account_id = w.id and t.created_at >= ${from} and t.flags & ${NOT_POSTED} = 0) c
      group by w.grp`.execute(db);
    for (const r of rows.rows) {
      if (r.first === null) continue;
      const was = out.get(r.grp);
      if (!was || r.first < was) out.set(r.grp, r.first);
    }
  }
  return out;
}
