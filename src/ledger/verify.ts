import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { AccountFlag, TransferFlag } from './model.ts';

export interface VerifyProblem {
  readonly kind:
    | 'account_balance_mismatch'
    | 'ledger_unbalanced'
    | 'flag_violated'
    | 'pending_state_inconsistent'
    | 'transfer_account_missing';
  readonly subject: string;
  readonly detail: string;
}

export interface VerifyReport {
  readonly accounts: number;
  readonly transfers: number;
  readonly ledgers: {
    ledger: string;
    debitsPosted: bigint;
    creditsPosted: bigint;
    debitsPending: bigint;
    creditsPending: bigint;
  }[];
  readonly problems: VerifyProblem[];
}

/**
 * Recomputes every account's four balances from the transfers and the pending states, and checks:
 * the stored balances equal the recomputed ones; per ledger, debits equal credits, posted and
 * pending; no account breaks its limit flag; every resolved pending transfer names a post or void
 * of it, and every post or void resolves its pending transfer; no transfer names a missing account.
 * Read-only; run it in a repeatable-read transaction for a consistent picture under load.
 */
export async function verifyLedger(db: Executor, maxProblems = 100): Promise<VerifyReport> {
  const pending = TransferFlag.pending;
  const postOrVoid = TransferFlag.postPendingTransfer | TransferFlag.voidPendingTransfer;
  const voided = TransferFlag.voidPendingTransfer;
  const problems: VerifyProblem[] = [];

  const mismatches = await sql<{
    id: string;
    stored: string;
    computed: string;
  }>`
    with moves as (
      select t.debit_account_id as account_id,
             case when t.flags & ${pending} <> 0 and p.state = 'pending' then t.amount else 0 end as dp,
             case when t.flags & ${pending | voided} = 0 then t.amount else 0 end as dpo,
             0::int8 as cp, 0::int8 as cpo
      from ledger_transfers t left join ledger_pending p on p.transfer_id = t.id
      union all
      select t.credit_account_id,
             0, 0,
             case when t.flags & ${pending} <> 0 and p.state = 'pending' then t.amount else 0 end,
             case when t.flags & ${pending | voided} = 0 then t.amount else 0 end
      from ledger_transfers t left join ledger_pending p on p.transfer_id = t.id
    ),
    computed as (
      select account_id, sum(dp) as dp, sum(dpo) as dpo, sum(cp) as cp, sum(cpo) as cpo
      from moves group by account_id
    )
    select a.id,
           concat_ws('/', a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted) as stored,
           concat_ws('/', coalesce(c.dp, 0), coalesce(c.dpo, 0), coalesce(c.cp, 0), coalesce(c.cpo, 0)) as computed
    from ledger_accounts a left join computed c on c.account_id = a.id
    where a.debits_pending <> coalesce(c.dp, 0) or a.debits_posted <> coalesce(c.dpo, 0)
       or a.credits_pending <> coalesce(c.cp, 0) or a.credits_posted <> coalesce(c.cpo, 0)
    order by a.id limit ${maxProblems}`.execute(db);
  for (const row of mismatches.rows) {
    problems.push({
      kind: 'account_balance_mismatch',
      subject: row.id,
      detail: `stored debits pending/posted, credits pending/posted ${row.stored}; recomputed from transfers ${row.computed}`,
    });
  }

  const missing = await sql<{ id: string; account_id: string }>`
    select t.id, x.account_id from ledger_transfers t
    cross join lateral (values (t.debit_account_id), (t.credit_account_id)) as x(account_id)
    where not exists (select 1 from ledger_accounts a where a.id = x.account_id)
    limit ${maxProblems}`.execute(db);
  for (const row of missing.rows) {
    problems.push({
      kind: 'transfer_account_missing',
      subject: row.id,
      detail: `account ${row.account_id} does not exist`,
    });
  }

  // Sums as numeric text: a ledger's total may exceed the int8 range that each balance fits in.
  const totals = await sql<{ ledger: string; dp: string; dpo: string; cp: string; cpo: string }>`
    select ledger, sum(debits_pending)::text as dp, sum(debits_posted)::text as dpo,
           sum(credits_pending)::text as cp, sum(credits_posted)::text as cpo
    from ledger_accounts group by ledger order by ledger`.execute(db);
  const ledgers = totals.rows.map((row) => ({
    ledger: row.ledger,
    dp: BigInt(row.dp),
    dpo: BigInt(row.dpo),
    cp: BigInt(row.cp),
    cpo: BigInt(row.cpo),
  }));
  for (const row of ledgers) {
    if (row.dp !== row.cp) {
      problems.push({
        kind: 'ledger_unbalanced',
        subject: row.ledger,
        detail: `pending debits ${row.dp} ≠ pending credits ${row.cp}`,
      });
    }
    if (row.dpo !== row.cpo) {
      problems.push({
        kind: 'ledger_unbalanced',
        subject: row.ledger,
        detail: `posted debits ${row.dpo} ≠ posted credits ${row.cpo}`,
      });
    }
  }

  const violations = await sql<{ id: string; rule: string }>`
    select id, case when flags & ${AccountFlag.debitsMustNotExceedCredits} <> 0 then 'debits must not exceed credits'
                    else 'credits must not exceed debits' end as rule
    from ledger_accounts
    where (flags & ${AccountFlag.debitsMustNotExceedCredits} <> 0 and debits_pending + debits_posted > credits_posted)
       or (flags & ${AccountFlag.creditsMustNotExceedDebits} <> 0 and credits_pending + credits_posted > debits_posted)
    order by id limit ${maxProblems}`.execute(db);
  for (const row of violations.rows) {
    problems.push({ kind: 'flag_violated', subject: row.id, detail: `the balances break "${row.rule}"` });
  }

  const inconsistent = await sql<{ id: string; detail: string }>`
    select t.id, 'a pending transfer without a pending state' as detail
    from ledger_transfers t where t.flags & ${pending} <> 0
      and not exists (select 1 from ledger_pending p where p.transfer_id = t.id)
    union all
    select p.transfer_id, 'resolved as ' || p.state || ' by ' || coalesce(p.resolved_by, 'nothing') || ', which does not match'
    from ledger_pending p
    where (p.state in ('posted', 'voided') and not exists (
             select 1 from ledger_transfers r where r.id = p.resolved_by and r.pending_id = p.transfer_id
               and ((p.state = 'posted' and r.flags & ${TransferFlag.postPendingTransfer} <> 0)
                 or (p.state = 'voided' and r.flags & ${TransferFlag.voidPendingTransfer} <> 0))
               and ((p.state = 'posted' and r.amount <= p.amount) or (p.state = 'voided' and r.amount = p.amount))))
       or (p.state in ('pending', 'expired') and p.resolved_by is not null)
    union all
    select r.id, 'a post or void whose pending transfer does not name it'
    from ledger_transfers r where r.flags & ${postOrVoid} <> 0
      and not exists (select 1 from ledger_pending p where p.transfer_id = r.pending_id and p.resolved_by = r.id)
    limit ${maxProblems}`.execute(db);
  for (const row of inconsistent.rows) {
    problems.push({ kind: 'pending_state_inconsistent', subject: row.id, detail: row.detail });
  }

  const counts = await sql<{ accounts: bigint; transfers: bigint }>`
    select (select count(*) from ledger_accounts)::int8 as accounts, (select count(*) from ledger_transfers)::int8 as transfers`.execute(
    db,
  );
  return {
    accounts: Number(counts.rows[0]!.accounts),
    transfers: Number(counts.rows[0]!.transfers),
    ledgers: ledgers.map((row) => ({
      ledger: row.ledger,
      debitsPosted: row.dpo,
      creditsPosted: row.cpo,
      debitsPending: row.dp,
      creditsPending: row.cp,
    })),
    problems: problems.slice(0, maxProblems),
  };
}
