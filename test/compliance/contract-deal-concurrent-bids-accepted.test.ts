import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { acceptanceHash } from '../../src/compliance/contracts/deal-records.ts';
import { applyFor, borrower, cny, investor, openLendingApp } from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';

/**
 * Bids arriving together are written together (the bid queue's group commit), and so are their
 * acceptances: each bid written has exactly one acceptance, with its own investor's address and
 * browser, hashed exactly as a lone acceptance is; a bid the batch refuses (the listing filled) has
 * none.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openLendingApp();
});
afterAll(() => t.close());

describe('concurrent bids', () => {
  it('each record one acceptance of their own, hashed as a lone one', async () => {
    const { loanId } = await applyFor(t, await borrower(t), { amount: cny('5000.00'), term: 6 });
    const people = [];
    // One after another: sign-ups from one address at once are rate-limited.
    for (let i = 0; i < 6; i++) people.push(await investor(t, '5000.00'));
    const lone = vi.spyOn(t.platform.compliance.contracts, 'accept');
    // Six bids of 1,000.00 on a 5,000.00 listing, arriving together (as the API hands them to the
    // service): the first is written alone, the other five together; four fit, the last is refused.
    const outcomes = await Promise.allSettled(
      people.map((person, i) =>
        t.platform.lending.bid(person.userId, loanId, 100000n, {
          principal: { kind: 'user', userId: person.userId, roles: ['customer'], sessionId: null },
          ip: `10.33.0.${i + 1}`,
          userAgent: `Concurrent/${i}`,
        }),
      ),
    );
    const answers = outcomes.map((o) =>
      o.status === 'fulfilled'
        ? { statusCode: 201 }
        : { statusCode: 409, code: (o.reason as { code: string }).code },
    );
    const placed = people.filter((_, i) => answers[i]!.statusCode === 201);
    expect(placed).toHaveLength(5);
    // Only the first was accepted alone; the batch's four were accepted together.
    expect(lone.mock.calls.length).toBe(1);
    lone.mockRestore();
    expect(answers.filter((a) => a.statusCode !== 201).map((a) => a.code)).toEqual(['listing_closed']);

    const rows = await sql<{
      user_id: string;
      kind: string;
      subject_type: string;
      subject_id: string;
      ip: string;
      user_agent: string;
      accepted_hash: string;
      template_version: number | null;
      terms: Record<string, unknown>;
    }>`select a.user_id, a.kind, a.subject_type, a.subject_id, a.ip, a.user_agent, a.accepted_hash, a.template_version
       from contract_acceptances a where a.subject_type = 'loan' and a.subject_id = ${loanId} and a.role = 'lender'`.execute(
      t.platform.db,
    );
    expect(rows.rows.map((r) => r.user_id).sort()).toEqual(placed.map((p) => p.userId).sort());
    // The listing as lending holds it (the API shows its rates rounded for display).
    const loan = await t.platform.lending.loan(loanId);
    for (const row of rows.rows) {
      const i = people.findIndex((p) => p.userId === row.user_id);
      expect([row.ip, row.user_agent]).toEqual([`10.33.0.${i + 1}`, `Concurrent/${i}`]);
      // The hash covers the listing's terms and this bid: recomputed from what the investor was shown.
      const shown = {
        loanId,
        amount: '5000.00',
        currency: 'CNY',
        annualRate: loan.annualRate,
        upfrontFeeRate: loan.upfrontFeeRate,
        term: 6,
        termUnit: loan.termUnit,
        method: loan.method,
        grade: loan.grade,
        riskLevel: loan.riskLevel,
        product: `${loan.productId}@${loan.productVersion}`,
        bidRequested: '1000.00',
        bidAmount: '1000.00',
      };
      expect(row.accepted_hash).toBe(
        acceptanceHash(
          {
            kind: 'loan',
            subjectType: 'loan',
            subjectId: loanId,
            userId: row.user_id,
            role: 'lender',
            acceptedAt: new Date(),
            ip: null,
            userAgent: null,
            terms: shown,
          },
          row.template_version,
        ),
      );
    }
  });
});
