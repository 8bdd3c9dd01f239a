import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectAccount } from '../../src/crowdfunding/index.ts';
import {
  backers,
  backProject,
  get,
  ledgerVerifies,
  liveProject,
  openCrowdfundingApp,
  type Project,
  team,
  walletOf,
} from '../support/crowdfunding.ts';
import { minor } from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * A tier limited to 10, and 100 backers asking for it at once (on PostgreSQL, over a pool of
 * connections: real concurrency). Exactly 10 succeed; the other 90 answer 409 tier_sold_out and
 * their wallets are untouched; the holds account holds exactly 10 prices pending.
 */
describe('crowdfunding: a limited tier never oversells under 100 concurrent backers', () => {
  let t: TestApp;
  let crowd: TestUser[];
  let project: Project;

  beforeAll(async () => {
    t = await openCrowdfundingApp();
    const people = await team(t);
    crowd = await backers(t, 100, '500.00');
    project = await liveProject(t, people.creator, people.reviewer);
  });
  afterAll(() => t?.close());

  it('sells exactly 10 and charges the refused nothing', async () => {
    const tier = project.tiers[0]!;
    const responses = await Promise.all(
      crowd.map((user) => backProject(t, user, project.id, { tierId: tier.id })),
    );
    const ok = responses.filter((r) => r.statusCode === 201);
    expect(ok.length).toBe(10);
    for (const r of responses.filter((r) => r.statusCode !== 201))
      expect([r.statusCode, r.json().error.code]).toEqual([409, 'tier_sold_out']);
    for (const [i, user] of crowd.entries()) {
      const charged = responses[i]!.statusCode === 201 ? minor('100.00') : 0n;
      expect(await walletOf(t, user)).toEqual({
        balance: minor('500.00'),
        available: minor('500.00') - charged,
      });
    }
    const holds = await t.platform.ledger.getAccount(projectAccount.holds(project.id));
    expect(holds!.creditsPending).toBe(minor('1000.00'));
    const page = (await get(t, null, `/v1/crowdfunding/projects/${project.id}`)).json().project;
    expect(page.tiers[0]).toMatchObject({ sold: 10, remaining: 0 });
    expect(page).toMatchObject({ pledged: { amount: '1000.00' }, backers: 10 });
    await ledgerVerifies(t);
  });
});
