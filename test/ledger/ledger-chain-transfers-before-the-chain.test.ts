import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * A ledger upgraded to the chain already holds transfers: migration 0015 leaves them outside the
 * chain and keeps their count and a digest (over each one's full timestamp and leaf, computed in
 * SQL). Played here by writing transfers and then putting the head where the migration would have
 * put it, with the migration's own statement: verify, in JavaScript, agrees with that digest, and
 * notices a changed, a removed and an added transfer among them.
 */
let t: TestPlatform;
beforeAll(async () => {
  t = await openTestPlatform();
  const { ledger, db } = t.platform;
  await ledger.createAccounts([
    { id: 'old:bank', ledger: 'CNY', code: 1001 },
    { id: 'old:wallet', ledger: 'CNY', code: 2001 },
  ]);
  for (let i = 0; i < 3; i++)
    await ledger.createTransfers(
      [0, 1, 2].map((j) => ({
        id: `old:${i}:${j}`,
        debitAccountId: 'old:bank',
        creditAccountId: 'old:wallet',
        amount: BigInt(1 + i * 10 + j),
        ledger: 'CNY',
        code: 1,
        userData: j === 1 ? '旧|账' : undefined,
      })),
    );
  // As if every transfer so far had been written before migration 0015.
  await sql`delete from ledger_chain`.execute(db);
  await sql`delete from ledger_chain_pending`.execute(db);
  await sql`
    update ledger_chain_head as h set position = 0, hash = repeat('0', 64), chain_begins = m.chain_begins,
      unchained_rows = m.unchained_rows, unchained_digest = m.unchained_digest
    from (select coalesce(max(ts) + 1, 0) as chain_begins, count(*) as unchained_rows,
                 sha256(coalesce(string_agg(int8send(ts) || leaf, ''::bytea order by ts), ''::bytea)) as unchained_digest
          from (select timestamp as ts, ledger_transfer_leaf(id, debit_account_id, credit_account_id, amount, pending_id,
                                                             ledger, code, user_data, flags, timeout_seconds, timestamp,
                                                             created_at) as leaf
                from ledger_transfers) as t) as m`.execute(db);
});
afterAll(() => t.close());

describe('transfers written before the chain began', () => {
  it('are counted and digested alike by the migration and by verify, and later ones are chained', async () => {
    const { ledger, db } = t.platform;
    const total = Number(
      (await sql<{ n: bigint }>`select count(*) as n from ledger_transfers`.execute(db)).rows[0]!.n,
    );
    expect(await ledger.verifyChain()).toMatchObject({ intact: true, records: 0, unchainedTransfers: total });
    await ledger.createTransfers([
      {
        id: 'new:1',
        debitAccountId: 'old:bank',
        creditAccountId: 'old:wallet',
        amount: 5n,
        ledger: 'CNY',
        code: 1,
      },
    ]);
    expect(await ledger.verifyChain()).toMatchObject({
      intact: true,
      records: 1,
      transfers: 1,
      unchainedTransfers: total,
    });
  });

  it('notice one of them changed, removed or added', async () => {
    const { ledger, db } = t.platform;
    await sql`update ledger_transfers set user_data = '旧|帐' where id = 'old:1:1'`.execute(db);
    expect(await ledger.verifyChain()).toMatchObject({
      intact: false,
      problem: 'unchained_transfers_changed',
    });
    await sql`update ledger_transfers set user_data = '旧|账' where id = 'old:1:1'`.execute(db);
    expect(await ledger.verifyChain()).toMatchObject({ intact: true });

    const saved = (await sql`select * from ledger_transfers where id = 'old:2:2'`.execute(db))
      .rows[0] as Record<string, unknown>;
    await sql`delete from ledger_transfers where id = 'old:2:2'`.execute(db);
    expect(await ledger.verifyChain()).toMatchObject({
      intact: false,
      problem: 'unchained_transfers_changed',
    });
    await sql`insert into ledger_transfers (id, debit_account_id, credit_account_id, amount, pending_id, ledger, code,
                                            user_data, flags, timeout_seconds, timestamp, created_at)
              values (${saved.id as string}, ${saved.debit_account_id as string}, ${saved.credit_account_id as string},
                      ${saved.amount as bigint}, null, 'CNY', 1, null, 0, 0, ${saved.timestamp as bigint},
                      ${saved.created_at as Date})`.execute(db);
    expect(await ledger.verifyChain()).toMatchObject({ intact: true });

    await sql`insert into ledger_transfers (id, debit_account_id, credit_account_id, amount, ledger, code, flags, timestamp,
                                            created_at)
              values ('old:forged', 'old:bank', 'old:wallet', 1, 'CNY', 1, 0, 1, now())`.execute(db);
    expect(await ledger.verifyChain()).toMatchObject({
      intact: false,
      problem: 'unchained_transfers_changed',
    });
  });
});
