import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/index.ts';
import { AccountFlag } from '../../src/ledger/index.ts';
import { onPostgres, openTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * Batches are applied first as if their ids were new (docs/ledger.md, "Ids assumed new"). These
 * check that a taken id still gets exactly the careful path's answer through group commit, and is
 * an error for a caller that vouched its ids were new.
 */
let t: TestPlatform;
beforeAll(async () => {
  t = await openTestPlatform();
  const { ledger } = t.platform;
  await ledger.createAccounts([
    { id: 'ids:outside', ledger: 'CNY', code: 9001 },
    { id: 'ids:a', ledger: 'CNY', code: 2001, flags: AccountFlag.debitsMustNotExceedCredits },
    { id: 'ids:b', ledger: 'CNY', code: 2001, flags: AccountFlag.debitsMustNotExceedCredits },
  ]);
  await ledger.createTransfers([
    {
      id: 'ids:fund',
      debitAccountId: 'ids:outside',
      creditAccountId: 'ids:a',
      amount: 1000n,
      ledger: 'CNY',
      code: 1,
    },
  ]);
});
afterAll(() => t.close());

const move = (id: string, amount: bigint) => ({
  id,
  debitAccountId: 'ids:a',
  creditAccountId: 'ids:b',
  amount,
  ledger: 'CNY',
  code: 1,
});

describe(`taken ids (${onPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('answers a repeated batch with exists, even where the event would now fail, and moves nothing', async () => {
    const { ledger } = t.platform;
    const first = await ledger.createTransfers([move('ids:1', 600n), move('ids:2', 300n)]);
    expect(first.map((r) => r.result)).toEqual(['ok', 'ok']);
    // Only 100 is left on a: ids:1 again would exceed it, but its id is taken with the same fields.
    const again = await ledger.createTransfers([
      move('ids:1', 600n),
      move('ids:2', 301n),
      move('ids:3', 50n),
    ]);
    expect(again.map((r) => r.result)).toEqual(['exists', 'exists_with_different_amount', 'ok']);
    const [a, b] = await ledger.lookupAccounts(['ids:a', 'ids:b']);
    expect(a!.debitsPosted).toBe(950n);
    expect(b!.creditsPosted).toBe(950n);
  });

  it('fails the transaction of a caller that vouched its ids were new when one is taken', async () => {
    const { ledger, db } = t.platform;
    // ids:1 and ids:2 would fail now (a holds 50), ids:3 would succeed: both ways are caught.
    for (const events of [
      [move('ids:1', 600n)],
      [move('ids:fresh', 1n), move('ids:2', 300n)],
      [move('ids:3', 50n)],
    ]) {
      await expect(
        inTransaction(db, (trx) => ledger.createTransfers(events, { tx: trx, idsAreNew: true })),
      ).rejects.toMatchObject({ name: 'IdsNotNew' });
    }
    const [a] = await ledger.lookupAccounts(['ids:a']);
    expect(a!.debitsPosted).toBe(950n);
    expect(await ledger.lookupTransfers(['ids:fresh'])).toEqual([]);
    const fresh = await inTransaction(db, (trx) =>
      ledger.createTransfers([move('ids:4', 50n)], { tx: trx, idsAreNew: true }),
    );
    expect(fresh.map((r) => r.result)).toEqual(['ok']);
  });
});
