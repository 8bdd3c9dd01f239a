import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, type PlainDate } from '../../src/kernel/index.ts';
import {
  applyFor,
  bid,
  checkInvariants,
  cny,
  drain,
  fund,
  goTo,
  investments,
  investor,
  loanOf,
  minor,
  borrower as newBorrower,
  openLendingApp,
  runTo,
  yuan,
} from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * Random lifecycles: a loan funded by random bids, then a random run of days passing, money coming
 * and going from the borrower's wallet, repayments in part and in full, prepayments of both kinds,
 * notes sold on the secondary market, and a final payoff. After every step the invariants hold
 * (checkInvariants: the ledger verifies, the notes add up to the principal receivable, every unit
 * the borrower paid went to notes, the service fee or the reserve); a refused step is a 4xx with a
 * code and writes nothing to the ledger.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openLendingApp();
});
afterAll(() => t.close());

type Step =
  | { kind: 'days'; days: number }
  | { kind: 'topUp'; amount: number }
  | { kind: 'drain' }
  | { kind: 'miss'; days: number }
  | { kind: 'repayDue'; part: number | null }
  | { kind: 'repayNext' }
  | { kind: 'prepay'; share: number; option: 'shorten_term' | 'lower_installment' }
  | { kind: 'sell'; holder: number; discount: number; share: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('days' as const), days: fc.integer({ min: 1, max: 50 }) }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('topUp' as const),
      amount: fc.integer({ min: 1, max: 300_000 }),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('drain' as const) }), weight: 1 },
  // Falling behind: the wallet emptied, then 1 to 250 days with nothing collected.
  {
    arbitrary: fc.record({ kind: fc.constant('miss' as const), days: fc.integer({ min: 1, max: 250 }) }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('repayDue' as const),
      part: fc.option(fc.integer({ min: 1, max: 50_000 }), { nil: null }),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('repayNext' as const) }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('prepay' as const),
      share: fc.integer({ min: 1, max: 60 }),
      option: fc.constantFrom('shorten_term' as const, 'lower_installment' as const),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('sell' as const),
      holder: fc.nat(),
      discount: fc.integer({ min: 0, max: 5 }),
      share: fc.integer({ min: 1, max: 100 }),
    }),
    weight: 2,
  },
);

const loanShape = fc.record({
  hundreds: fc.integer({ min: 20, max: 300 }), // 2,000.00 to 30,000.00
  term: fc.constantFrom(3, 6, 12),
  method: fc.constantFrom('equal_installment', 'equal_principal', 'interest_first'),
  bids: fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 5 }),
});

const post = (user: TestUser, url: string, payload: object = {}) =>
  t.app.inject({ method: 'POST', url, headers: user.headers, payload });

async function transferCount(): Promise<bigint> {
  const r = await sql<{ n: bigint }>`select count(*)::bigint as n from ledger_transfers`.execute(
    t.platform.db,
  );
  return r.rows[0]!.n;
}

/** A refused step says why with a 4xx and a code, and writes nothing to the ledger. */
async function attempt(request: () => Promise<{ statusCode: number; body: string; json(): any }>) {
  const before = await transferCount();
  const response = await request();
  expect(response.statusCode, response.body).toBeLessThan(500);
  if (response.statusCode >= 400) {
    expect(typeof response.json().error.code).toBe('string');
    expect(await transferCount()).toBe(before);
  }
  return response;
}

/** Cents as a decimal string. */
const money = (cents: number) => yuan(BigInt(cents));

describe('random loan lifecycles', () => {
  it('keep the ledger, the notes and the conservation of money true after every step', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(loanShape, fc.array(step, { minLength: 6, maxLength: 14 }), async (shape, steps) => {
        runs++;
        const amount = BigInt(shape.hundreds) * 10_000n;
        const b = await newBorrower(t);
        const { loanId } = await applyFor(t, b, {
          amount: cny(yuan(amount)),
          term: shape.term,
          method: shape.method,
        });
        // Random bids (each within the per-investor cap of half the loan), then one that fills it.
        const holders: TestUser[] = [];
        let remaining = amount;
        for (const percent of shape.bids) {
          if (remaining === 0n) break;
          const want = (((amount / 2n) * BigInt(percent)) / 100n / 5000n) * 5000n;
          if (want < 5000n) continue;
          const who = await investor(t);
          const response = await attempt(() => bid(t, who, loanId, yuan(want)));
          expect(response.statusCode, response.body).toBe(201);
          remaining -= minor(response.json().bid.amount.amount);
          holders.push(who);
        }
        while (remaining > 0n) {
          const share = remaining > amount / 2n ? amount / 2n : remaining;
          const who = await investor(t);
          const response = await attempt(() => bid(t, who, loanId, yuan(share)));
          expect(response.statusCode, response.body).toBe(201);
          remaining -= share;
          holders.push(who);
        }
        let view = await loanOf(t, b, loanId);
        expect(view.loan.status).toBe('active');
        await checkInvariants(t);

        for (const s of steps) {
          switch (s.kind) {
            case 'days': {
              const to = addDays(t.clock.businessDate(), s.days);
              await runTo(t, to);
              break;
            }
            case 'topUp':
              await fund(t, b.userId, money(s.amount));
              break;
            case 'drain':
              await drain(t, b.userId);
              break;
            case 'miss':
              await drain(t, b.userId);
              await runTo(t, addDays(t.clock.businessDate(), s.days));
              break;
            case 'repayDue':
              await attempt(() =>
                post(b, `/v1/me/loans/${loanId}/repayments`, {
                  mode: 'due',
                  ...(s.part === null ? {} : { amount: cny(money(s.part)) }),
                }),
              );
              break;
            case 'repayNext':
              await attempt(() => post(b, `/v1/me/loans/${loanId}/repayments`, { mode: 'next' }));
              break;
            case 'prepay': {
              const outstanding = minor(view.principalOutstanding);
              const principal = ((outstanding * BigInt(s.share)) / 100n / 100n) * 100n;
              if (principal === 0n) break;
              await attempt(() =>
                post(b, `/v1/me/loans/${loanId}/prepayments`, {
                  principal: cny(yuan(principal)),
                  option: s.option,
                }),
              );
              break;
            }
            case 'sell': {
              const seller = holders[s.holder % holders.length]!;
              const note = (await investments(t, seller)).notes.find(
                (n: { loanId: string; outstandingPrincipal: string }) =>
                  n.loanId === loanId && minor(n.outstandingPrincipal) > 0n,
              );
              if (!note) break;
              const held = minor(note.outstandingPrincipal);
              const part = ((held * BigInt(s.share)) / 100n / 100n) * 100n;
              const listed = await attempt(() =>
                post(seller, `/v1/me/notes/${note.noteId}/listings`, {
                  discountRate: `0.0${s.discount}`,
                  ...(part > 0n && part < held ? { principal: cny(yuan(part)) } : {}),
                }),
              );
              if (listed.statusCode !== 201) break;
              await checkInvariants(t);
              const buyer = await investor(t);
              const bought = await attempt(() =>
                post(buyer, `/v1/lending/note-listings/${listed.json().id}/buy`),
              );
              expect(bought.statusCode, bought.body).toBe(200);
              holders.push(buyer);
              break;
            }
          }
          view = await loanOf(t, b, loanId);
          await checkInvariants(t);
          if (view.loan.status !== 'active') break;
        }

        // The end: pay everything off (a written-off loan takes a recovery instead).
        await fund(t, b.userId, '400000.00');
        view = await loanOf(t, b, loanId);
        if (view.loan.status === 'active') {
          const payoff = await attempt(() => post(b, `/v1/me/loans/${loanId}/payoff`));
          expect(payoff.statusCode, payoff.body).toBe(200);
          view = await loanOf(t, b, loanId);
          expect(view.loan.status).toBe('repaid');
          expect(view.principalOutstanding).toBe('0.00');
        } else if (view.loan.status === 'written_off') {
          const recovered = await attempt(() =>
            post(b, `/v1/me/loans/${loanId}/recoveries`, { amount: cny('100.00') }),
          );
          expect(recovered.statusCode, recovered.body).toBe(200);
        }
        await checkInvariants(t);
        // Every holder's statement still reads, with its XIRR.
        for (const holder of holders) {
          const statement = await investments(t, holder);
          expect(statement.notes.length).toBeGreaterThan(0);
        }
        // Loans of earlier runs are closed, so the lending day stays quick; a fresh listing day next.
        goTo(t, addDays(t.clock.businessDate(), 1) as PlainDate);
      }),
      { numRuns: 10, seed: Number(process.env.NETFIN_PROPERTY_SEED ?? 20261123), endOnFailure: true },
    );
    expect(runs).toBe(10);
  }, 600_000);
});
