import { expect } from 'vitest';
import { withCheckCharacter } from '../../src/identity/index.ts';
import { staffMember } from './credit.ts';
import { cny, fund } from './lending.ts';
import { openTestApp, type TestApp } from './platform.ts';
import { signUp, type TestUser, verifiedCustomer } from './users.ts';

/** Helpers for the crowdfunding scenarios (docs/crowdfunding.md). */
export const PAYMENT_PASSWORD = '135790';

export function post(t: TestApp, user: TestUser, url: string, payload?: unknown) {
  return t.app.inject({
    method: 'POST',
    url,
    headers: user.headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

export function get(t: TestApp, user: TestUser | null, url: string) {
  return t.app.inject({ method: 'GET', url, ...(user ? { headers: user.headers } : {}) });
}

/** A project body: a target, two tiers (one limited), and the payout plan given. */
export function projectBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'A pocket weather station',
    story: '<p>We build a <strong>tiny</strong> weather station.</p>',
    images: [],
    category: 'technology',
    target: cny('1000.00'),
    durationDays: 10,
    tiers: [
      {
        title: 'Early bird',
        description: 'One station',
        price: cny('100.00'),
        quantity: 10,
        deliveryMonth: '2026-06',
        shipping: true,
      },
      {
        title: 'Thanks',
        description: 'A postcard',
        price: cny('10.00'),
        quantity: null,
        deliveryMonth: '2026-03',
        shipping: false,
      },
    ],
    payout: { kind: 'all' },
    ...overrides,
  };
}

export interface Project {
  id: string;
  status: string;
  phase: string;
  tiers: Array<{ id: string; title: string; sold: number; remaining: number | null }>;
  milestones: Array<{ id: string; status: string; amount: { amount: string } | null }>;
  pledged: { amount: string };
  backers: number;
  fee: { amount: string } | null;
  risk: { outcome: string; kycLevel: number } | null;
}

/** Draft, submit, approve (by staff) and launch now: a live project. */
export async function liveProject(
  t: TestApp,
  creator: TestUser,
  reviewer: TestUser,
  body: Record<string, unknown> = projectBody(),
): Promise<Project> {
  const created = await post(t, creator, '/v1/crowdfunding/projects', body);
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id as string;
  const submitted = await post(t, creator, `/v1/crowdfunding/projects/${id}/submit`);
  expect(submitted.statusCode, submitted.body).toBe(200);
  const approved = await post(t, reviewer, `/v1/crowdfunding/staff/projects/${id}/review`, {
    decision: 'approve',
  });
  expect(approved.statusCode, approved.body).toBe(200);
  const scheduled = await post(t, creator, `/v1/crowdfunding/projects/${id}/schedule`, {
    launchAt: t.clock.now().toISOString(),
  });
  expect(scheduled.statusCode, scheduled.body).toBe(200);
  expect(scheduled.json().phase).toBe('live');
  return scheduled.json() as Project;
}

export function backProject(
  t: TestApp,
  user: TestUser,
  projectId: string,
  what: { tierId: string } | { amount: string },
  paymentPassword = PAYMENT_PASSWORD,
) {
  return post(t, user, `/v1/crowdfunding/projects/${projectId}/backings`, {
    ...('tierId' in what ? { tierId: what.tierId } : { amount: cny(what.amount) }),
    paymentPassword,
  });
}

let sequence = 0;
/**
 * `count` verified backers with `balance` in the wallet each, sharing one payment password hashed
 * once (the demo's bulk path), so that a hundred of them cost seconds, not minutes.
 */
export async function backers(t: TestApp, count: number, balance = '1000.00'): Promise<TestUser[]> {
  const users: TestUser[] = [];
  for (let i = 0; i < count; i++) {
    const user = await signUp(t);
    sequence++;
    const idNumber = withCheckCharacter(
      `1101081985${String(1 + (sequence % 12)).padStart(2, '0')}${String(1 + (sequence % 28)).padStart(2, '0')}${String(100 + ((sequence * 7 + process.pid) % 800)).padStart(3, '0')}`,
    );
    const kyc = await t.app.inject({
      method: 'POST',
      url: '/v1/me/kyc',
      headers: user.headers,
      payload: { realName: '李四', idNumber },
    });
    expect(kyc.statusCode, kyc.body).toBe(200);
    if (balance !== '0.00') await fund(t, user.userId, balance);
    users.push(user);
  }
  await t.platform.identity.kyc.setPaymentPasswordsForDemo(
    users.map((u) => u.userId),
    PAYMENT_PASSWORD,
  );
  return users;
}

export interface Team {
  readonly creator: TestUser;
  readonly reviewer: TestUser;
}

export async function team(t: TestApp): Promise<Team> {
  const creator = await verifiedCustomer(t);
  await t.platform.identity.kyc.setPaymentPasswordsForDemo([creator.userId], PAYMENT_PASSWORD);
  return { creator, reviewer: await staffMember(t, ['risk_officer']) };
}

/** The wallet's posted balance and its frozen (pending) part, in cents. */
export async function walletOf(t: TestApp, user: TestUser): Promise<{ balance: bigint; available: bigint }> {
  const w = await t.platform.payments.wallet(user.userId);
  return { balance: w.balance, available: w.available };
}

export async function ledgerVerifies(t: TestApp): Promise<void> {
  const report = await t.platform.ledger.verify();
  expect(report.problems, JSON.stringify(report.problems.slice(0, 3))).toEqual([]);
}

/** The scenarios' platform: sessions last 90 days, so that people stay signed in across a project's days. */
export function openCrowdfundingApp(): Promise<TestApp> {
  return openTestApp({ identity: { sessionTtlHours: 24 * 90 } });
}
