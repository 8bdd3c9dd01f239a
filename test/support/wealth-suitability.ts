import { expect } from 'vitest';
import type { TestApp } from './platform.ts';
import type { TestUser } from './users.ts';

/**
 * Answer sets for the risk questionnaire (age, income, share, experience, years, horizon, goal,
 * loss; option n scores n points) and the class each must give, worked out by hand from the
 * thresholds C1 ≤ 12 < C2 ≤ 17 < C3 ≤ 22 < C4 ≤ 27 < C5.
 */
export const ANSWERS = {
  /** 8 points, and can bear no loss: C1 of the lowest tolerance. */
  lowestNoLoss: [1, 1, 1, 1, 1, 1, 1, 1],
  /** 9 points, over 65 and keeping the capital, though bearing up to 10%: C1 of the lowest tolerance. */
  lowestElderly: [1, 1, 1, 1, 1, 1, 1, 2],
  /** 10 points, aged 51-65, bearing up to 10%: C1, not the lowest. */
  c1: [2, 1, 1, 1, 1, 1, 1, 2],
  /** 13 points, bearing no loss, but C2: the lowest tolerance is a sub-class of C1 only. */
  c2NoLoss: [2, 2, 2, 2, 2, 1, 1, 1],
  /** 20 points: C3. */
  c3: [3, 3, 3, 3, 2, 2, 2, 2],
  /** 24 points: C4. */
  c4: [3, 3, 3, 3, 3, 3, 3, 3],
  /** 32 points: C5. */
  c5: [4, 4, 4, 4, 4, 4, 4, 4],
} as const;

export async function takeAssessment(t: TestApp, user: TestUser, answers: readonly number[]) {
  return t.app.inject({
    method: 'POST',
    url: '/v1/me/risk-assessment',
    headers: user.headers,
    payload: { answers },
  });
}

/** Takes the questionnaire and expects it to be accepted. */
export async function assessed(t: TestApp, user: TestUser, answers: readonly number[]) {
  const response = await takeAssessment(t, user, answers);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Record<string, any>;
}

export async function currentAssessment(t: TestApp, user: TestUser) {
  const response = await t.app.inject({
    method: 'GET',
    url: '/v1/me/risk-assessment',
    headers: user.headers,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Record<string, any>;
}

export async function assessmentHistory(t: TestApp, user: TestUser) {
  const response = await t.app.inject({
    method: 'GET',
    url: '/v1/me/risk-assessment/history',
    headers: user.headers,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Record<string, any>[];
}
