import { expect } from 'vitest';
import type { TestApp } from '../support/platform.ts';
import { signUp, type TestUser, uniqueIdNumber } from '../support/users.ts';

/** Helpers of the watch-list screening tests: a customer verified under a given name, uploads, the queue. */
export async function verifiedAs(t: TestApp, realName: string): Promise<TestUser & { idNumber: string }> {
  const user = await signUp(t);
  const idNumber = uniqueIdNumber();
  const kyc = await t.app.inject({
    method: 'POST',
    url: '/v1/me/kyc',
    headers: user.headers,
    payload: { realName, idNumber },
  });
  expect(kyc.statusCode, kyc.body).toBe(200);
  return { ...user, idNumber };
}

export const HEADER = 'name,aliases,id_number,birth_date,source,reason';

export async function upload(t: TestApp, headers: Record<string, string>, list: string, csv: string) {
  return t.app.inject({ method: 'POST', url: '/v1/screening/lists', headers, payload: { list, csv } });
}

export interface MatchBody {
  id: string;
  userId: string;
  score: string;
  status: string;
  trigger: string;
  customerName: string | null;
  list: { id: string; name: string; version: number };
  entry: { id: string; name: string };
  why: { basis: string; customerForm: string; entryForm: string; similarity: number; score: number };
}

export async function matchesOf(
  t: TestApp,
  headers: Record<string, string>,
  userId: string,
  status = 'open',
): Promise<MatchBody[]> {
  const response = await t.app.inject({
    method: 'GET',
    url: `/v1/screening/matches?status=${status}&userId=${userId}`,
    headers,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items;
}
