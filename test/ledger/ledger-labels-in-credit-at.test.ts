import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countLabelsInCreditAt, TransferFlag } from '../../src/ledger/index.ts';
import { onPostgres, openTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * countLabelsInCreditAt (the disclosure's investors holding a note): how many labels had an account
 * in credit at an instant, from the balances as they stand less what was posted since. Four note
 * accounts of three holders (and a fourth holder whose account does not exist), moved an hour apart:
 *   T0      n1 +100 (h1), n3 +50 (h2); a pending 10 to n4 (h3), not posted
 *   T0+1h   n1 −100, n2 +30 (h1)
 *   T0+2h   n3 −50, n2 −30; the pending 10 to n4 posted
 */
let t: TestPlatform;
const T0 = new Date('2026-01-05T02:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const accounts = sql`(values ('lc:n1', 'h1'), ('lc:n2', 'h1'), ('lc:n3', 'h2'), ('lc:n4', 'h3'),
  ('lc:missing', 'h4'))`;
const count = (instant: Date) =>
  countLabelsInCreditAt(
    t.platform.db,
    sql`(select distinct label from ${accounts} as v(id, label))`,
    (label) => sql`(select id from ${accounts} as v(id, label) where v.label = ${label})`,
    instant,
  );

beforeAll(async () => {
  t = await openTestPlatform();
  const { ledger } = t.platform;
  await ledger.createAccounts([
    { id: 'lc:outside', ledger: 'CNY', code: 9001 },
    ...['n1', 'n2', 'n3', 'n4'].map((n) => ({ id: `lc:${n}`, ledger: 'CNY', code: 2101 })),
  ]);
  const move = (id: string, from: string, to: string, amount: bigint, flags = 0, pendingId?: string) => ({
    id,
    debitAccountId: `lc:${from}`,
    creditAccountId: `lc:${to}`,
    amount,
    ledger: 'CNY',
    code: 1,
    flags,
    ...(pendingId ? { pendingId } : {}),
  });
  const ok = async (transfers: ReturnType<typeof move>[]) =>
    expect((await ledger.createTransfers(transfers)).map((r) => r.result)).toEqual(transfers.map(() => 'ok'));
  await ok([
    move('lc:1', 'outside', 'n1', 100n),
    move('lc:2', 'outside', 'n3', 50n),
    move('lc:3', 'outside', 'n4', 10n, TransferFlag.pending),
  ]);
  t.clock.advanceMs(3_600_000);
  await ok([move('lc:4', 'n1', 'outside', 100n), move('lc:5', 'outside', 'n2', 30n)]);
  t.clock.advanceMs(3_600_000);
  await ok([
    move('lc:6', 'n3', 'outside', 50n),
    move('lc:7', 'n2', 'outside', 30n),
    move('lc:8', 'outside', 'n4', 10n, TransferFlag.postPendingTransfer, 'lc:3'),
  ]);
});
afterAll(() => t.close());

describe(`labels with an account in credit at an instant (${onPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('counts each label once, from posted transfers only, as of the instant', async () => {
    expect(await count(at(-1))).toBe(0); // nothing yet
    expect(await count(at(30))).toBe(2); // h1 (n1), h2 (n3); h3's 10 is only pending
    expect(await count(at(90))).toBe(2); // h1 through n2 now, n1 empty; h2
    expect(await count(at(150))).toBe(1); // h3, its pending transfer posted; n2 and n3 empty
    expect(await count(at(60 * 24))).toBe(1);
  });
});
