import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, uuidv7 } from '../../src/kernel/index.ts';
import { AccountFlag } from '../../src/ledger/index.ts';
import { DecisionLog, type DecisionRow } from '../../src/risk/decision-log.ts';
import { onPostgres, openTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * The kernel's GroupCommit in its real users (docs/group-commit.md): stopping the ledger with
 * transfers in flight commits and answers every one before close resolves and refuses what comes
 * after; and one bad row in the decision log fails only its own decision.
 */
let t: TestPlatform;
beforeAll(async () => {
  t = await openTestPlatform();
  await t.platform.ledger.createAccounts([
    { id: 'gc:outside', ledger: 'CNY', code: 9001 },
    { id: 'gc:a', ledger: 'CNY', code: 2001, flags: AccountFlag.debitsMustNotExceedCredits },
  ]);
});
afterAll(() => t.close());

describe(`group commit on a real database (${onPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('one bad decision row fails only its own decision; the rows around it commit', async () => {
    const log = new DecisionLog(t.platform.db);
    const row = (outcome: string): DecisionRow => ({
      id: uuidv7(),
      applicantId: null,
      subject: 'gc-test',
      input: {},
      sources: {},
      graphId: uuidv7(),
      graphName: 'gc-test',
      graphVersion: 1,
      modelId: null,
      modelVersion: null,
      variant: 'simulation',
      outcome: outcome as DecisionRow['outcome'],
      grade: null,
      score: null,
      annualRate: null,
      amount: null,
      reasons: [],
      result: {},
      trace: null,
      createdAt: t.clock.now(),
      businessDate: '2026-01-05',
    });
    const rows = [row('approve'), row('not-an-outcome'), row('decline')];
    const results = await Promise.allSettled(rows.map((r) => log.write(r)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const stored = await sql<{ id: string }>`
      select id from risk_decisions where subject = 'gc-test' order by id`.execute(t.platform.db);
    expect(stored.rows.map((r) => r.id)).toEqual([rows[0]!.id, rows[2]!.id]);
    await log.close();
    await expect(log.write(row('approve'))).rejects.toMatchObject({ code: 'shutting_down' });
  });

  it('closing the ledger with transfers in flight commits and answers all of them, then refuses new ones', async () => {
    const { ledger } = t.platform;
    const transfers = Array.from({ length: 40 }, (_, i) =>
      ledger.createTransfers([
        {
          id: `gc:t${i}`,
          debitAccountId: 'gc:outside',
          creditAccountId: 'gc:a',
          amount: 5n,
          ledger: 'CNY',
          code: 1,
        },
      ]),
    );
    // Let the first group be cut and start its transaction, so that close meets a group in flight.
    await new Promise<void>((resolve) => setImmediate(resolve));
    let answered = 0;
    for (const transfer of transfers) void transfer.then(() => answered++);
    await ledger.close();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(answered).toBe(40);
    for (const results of await Promise.all(transfers)) expect(results.map((r) => r.result)).toEqual(['ok']);
    const error = await ledger
      .createTransfers([
        {
          id: 'gc:late',
          debitAccountId: 'gc:outside',
          creditAccountId: 'gc:a',
          amount: 5n,
          ledger: 'CNY',
          code: 1,
        },
      ])
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'shutting_down', kind: 'unavailable' });
    const [a] = await ledger.lookupAccounts(['gc:a']);
    expect(a!.creditsPosted).toBe(200n);
  });
});
