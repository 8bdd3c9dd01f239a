import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/index.ts';
import {
  AccountFlag,
  type TransferEventResult,
  TransferFlag,
  type TransferInput,
} from '../../src/ledger/index.ts';
import { onPostgres, openTestPlatform, type TestPlatform } from '../support/platform.ts';
import * as model from './reference-model.ts';

/**
 * Concurrent callers on one ledger. On PostgreSQL these are real parallel transactions on a pool;
 * on PGlite they queue, which must give the same guarantees.
 */
let t: TestPlatform;
beforeAll(async () => {
  t = await openTestPlatform({ poolSize: 24 });
});
afterAll(() => t.close());

describe(`concurrent callers (${onPostgres ? 'PostgreSQL pool' : 'PGlite'})`, () => {
  it('100 concurrent withdrawals that together exceed the balance: exactly the affordable ones succeed', async () => {
    const { ledger, db } = t.platform;
    await ledger.createAccounts([
      { id: 'cw:bank', ledger: 'CNY', code: 1001 },
      { id: 'cw:wallet', ledger: 'CNY', code: 2001, flags: AccountFlag.debitsMustNotExceedCredits },
      { id: 'cw:payout', ledger: 'CNY', code: 1002 },
    ]);
    await ledger.createTransfers([
      {
        id: 'cw:fund',
        debitAccountId: 'cw:bank',
        creditAccountId: 'cw:wallet',
        amount: 55_500n,
        ledger: 'CNY',
        code: 1,
      },
    ]);
    await sql`create table if not exists withdrawal_probe (id text primary key)`.execute(db);
    const attempts = Array.from({ length: 100 }, async (_, i) => {
      const transfer: TransferInput = {
        id: `cw:w${i}`,
        debitAccountId: 'cw:wallet',
        creditAccountId: 'cw:payout',
        amount: 1_000n,
        ledger: 'CNY',
        code: 2,
      };
      if (i % 2 === 0) return (await ledger.createTransfers([transfer]))[0]!;
      // Half of them as a domain operation would: a business row and the posting in one transaction.
      return inTransaction(db, async (trx) => {
        const [result] = await ledger.createTransfers([transfer], { tx: trx });
        if (result!.result === 'ok')
          await sql`insert into withdrawal_probe values (${transfer.id})`.execute(trx);
        return result!;
      });
    });
    const results = await Promise.all(attempts);
    const ok = results.filter((r) => r.result === 'ok');
    expect(ok.length).toBe(55);
    expect(results.filter((r) => r.result !== 'ok').every((r) => r.result === 'exceeds_credits')).toBe(true);
    const wallet = await ledger.getAccount('cw:wallet');
    expect(wallet!.creditsPosted - wallet!.debitsPosted).toBe(500n);
    const probes = await sql<{ n: bigint }>`select count(*)::int8 as n from withdrawal_probe`.execute(db);
    expect(probes.rows[0]!.n).toBe(BigInt(ok.filter((r) => Number(r.id.slice(4)) % 2 === 1).length));
    expect((await ledger.verify()).problems).toEqual([]);
  });

  it('the same new transfer id from many callers at once is applied once', async () => {
    const { ledger } = t.platform;
    await ledger.createAccounts([
      { id: 'dup:a', ledger: 'CNY', code: 9001 },
      { id: 'dup:b', ledger: 'CNY', code: 2001 },
      { id: 'dup:c', ledger: 'CNY', code: 2001 },
    ]);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        ledger.createTransfers([
          {
            id: 'dup:t',
            debitAccountId: 'dup:a',
            creditAccountId: i % 2 ? 'dup:b' : 'dup:c',
            amount: 100n,
            ledger: 'CNY',
            code: 1,
          },
        ]),
      ),
    );
    const codes = results.map((r) => r[0]!.result);
    expect(codes.filter((c) => c === 'ok').length).toBe(1);
    expect(codes.every((c) => ['ok', 'exists', 'exists_with_different_credit_account_id'].includes(c))).toBe(
      true,
    );
    const a = await ledger.getAccount('dup:a');
    expect(a!.debitsPosted).toBe(100n);
  });

  it('random concurrent batches over hot accounts serialize: replayed in timestamp order they give the same results', async () => {
    const { ledger } = t.platform;
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.array(
            fc.record({
              from: fc.integer({ min: 0, max: 5 }),
              to: fc.integer({ min: 0, max: 5 }),
              amount: fc.bigInt({ min: 1n, max: 400n }),
              kind: fc.constantFrom('normal', 'normal', 'normal', 'pending', 'post', 'void', 'balancing'),
              ref: fc.integer({ min: 0, max: 30 }),
              linked: fc.constantFrom(false, false, false, true),
            }),
            { minLength: 1, maxLength: 5 },
          ),
          { minLength: 8, maxLength: 24 },
        ),
        async (callers) => {
          const p = `cc${round++}:`;
          const accounts = Array.from({ length: 6 }, (_, i) => ({
            id: `${p}a${i}`,
            ledger: 'CNY',
            code: 2001,
            flags: i === 0 ? 0 : AccountFlag.debitsMustNotExceedCredits,
          }));
          const state = model.emptyModel();
          model.createAccounts(state, accounts);
          await ledger.createAccounts(accounts);
          const funding = [1, 2, 3, 4, 5].map((i) => ({
            id: `${p}fund${i}`,
            debitAccountId: `${p}a0`,
            creditAccountId: `${p}a${i}`,
            amount: 1000n,
            ledger: 'CNY',
            code: 1,
          }));
          await ledger.createTransfers(funding);
          model.createTransfers(state, funding, t.clock.now().getTime());
          // Pending transfers that posts and voids can refer to, made before the race starts.
          const holds = Array.from({ length: 31 }, (_, i) => ({
            id: `${p}hold${i}`,
            debitAccountId: `${p}a${1 + (i % 5)}`,
            creditAccountId: `${p}a${1 + ((i + 1) % 5)}`,
            amount: 10n,
            ledger: 'CNY',
            code: 1,
            flags: TransferFlag.pending,
          }));
          await ledger.createTransfers(holds);
          model.createTransfers(state, holds, t.clock.now().getTime());

          const batches: TransferInput[][] = callers.map((events, c) =>
            events.map((e, k) => {
              const id = `${p}c${c}e${k}`;
              const linked = e.linked && k < events.length - 1 ? TransferFlag.linked : 0;
              if (e.kind === 'post' || e.kind === 'void') {
                return {
                  id,
                  pendingId: `${p}hold${e.ref}`,
                  amount: e.kind === 'post' ? e.amount % 11n : 0n,
                  flags:
                    linked |
                    (e.kind === 'post' ? TransferFlag.postPendingTransfer : TransferFlag.voidPendingTransfer),
                };
              }
              return {
                id,
                debitAccountId: `${p}a${e.from}`,
                creditAccountId: `${p}a${e.to}`,
                amount: e.amount,
                ledger: 'CNY',
                code: 1,
                flags:
                  linked |
                  (e.kind === 'pending' ? TransferFlag.pending : 0) |
                  (e.kind === 'balancing' ? TransferFlag.balancingDebit : 0),
              };
            }),
          );
          const results: TransferEventResult[][] = await Promise.all(
            batches.map((batch, i) =>
              i % 3 === 0
                ? inTransaction(t.platform.db, (trx) => ledger.createTransfers(batch, { tx: trx }))
                : ledger.createTransfers(batch),
            ),
          );

          // Every ok event, replayed alone in timestamp order through the model, is ok with the same amount.
          const done = results
            .flatMap((batch, b) => batch.map((r, k) => ({ r, e: batches[b]![k]! })))
            .filter(({ r }) => r.result === 'ok')
            .sort((x, y) => (x.r.timestamp! < y.r.timestamp! ? -1 : 1));
          for (const { r, e } of done) {
            const [replayed] = model.createTransfers(
              state,
              [{ ...e, flags: (e.flags ?? 0) & ~TransferFlag.linked }],
              t.clock.now().getTime(),
            );
            expect(replayed).toEqual({ id: r.id, result: 'ok', amount: r.amount });
          }
          // A chain is all or nothing: its events all succeeded or none did.
          batches.forEach((batch, b) => {
            let start = 0;
            batch.forEach((e, k) => {
              if (((e.flags ?? 0) & TransferFlag.linked) === 0) {
                const chain = results[b]!.slice(start, k + 1).map((r) => r.result === 'ok');
                expect(chain.every((x) => x) || chain.every((x) => !x)).toBe(true);
                start = k + 1;
              }
            });
          });
          const actual = await ledger.lookupAccounts(accounts.map((a) => a.id));
          for (const account of actual) {
            const m = state.accounts.get(account.id)!;
            expect([
              account.debitsPending,
              account.debitsPosted,
              account.creditsPending,
              account.creditsPosted,
            ]).toEqual([m.dp, m.dpo, m.cp, m.cpo]);
          }
        },
      ),
      { numRuns: onPostgres ? 25 : 10 },
    );
    expect((await ledger.verify()).problems).toEqual([]);
  });
});
