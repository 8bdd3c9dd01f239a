import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountFlag, TransferFlag } from '../../src/ledger/index.ts';
import { openTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * A backlog of expired holds larger than one timestamp block (65,536 events) on one account, as after
 * downtime: the next transfer on that account and the bulk expiry step both work it off.
 */
let t: TestPlatform;
beforeAll(async () => {
  t = await openTestPlatform();
});
afterAll(() => t.close());

describe('a backlog of 70,000 expired holds on one account', () => {
  it('is released by the next transfer that touches the account, and by the bulk step', async () => {
    const { ledger } = t.platform;
    await ledger.createAccounts([
      { id: 'bl:source', ledger: 'CNY', code: 9001 },
      { id: 'bl:hot', ledger: 'CNY', code: 2001 },
      { id: 'bl:cold', ledger: 'CNY', code: 2001 },
      { id: 'bl:wallet', ledger: 'CNY', code: 2001, flags: AccountFlag.debitsMustNotExceedCredits },
    ]);
    const holds = 70_000;
    for (let start = 0; start < holds; start += 8190) {
      const size = Math.min(8190, holds - start);
      const results = await ledger.createTransfers(
        Array.from({ length: size }, (_, i) => ({
          id: `bl:hold:${start + i}`,
          debitAccountId: 'bl:source',
          creditAccountId: (start + i) % 2 === 0 ? 'bl:hot' : 'bl:cold',
          amount: 1n,
          ledger: 'CNY',
          code: 1,
          flags: TransferFlag.pending,
          timeoutSeconds: 60,
        })),
      );
      expect(results.every((r) => r.result === 'ok')).toBe(true);
    }
    t.clock.advanceSeconds(120);
    const [result] = await ledger.createTransfers([
      {
        id: 'bl:after',
        debitAccountId: 'bl:source',
        creditAccountId: 'bl:hot',
        amount: 5n,
        ledger: 'CNY',
        code: 1,
      },
    ]);
    expect(result!.result).toBe('ok');
    const hot = await ledger.getAccount('bl:hot');
    expect(hot!.creditsPending).toBe(0n);
    expect(hot!.creditsPosted).toBe(5n);
    // bl:source was touched too, so every hold is released; the bulk step finds nothing left.
    const source = await ledger.getAccount('bl:source');
    expect(source!.debitsPending).toBe(0n);
    expect(await ledger.expirePending()).toBe(0);
    expect((await ledger.verify()).problems).toEqual([]);
  }, 180_000);
});
