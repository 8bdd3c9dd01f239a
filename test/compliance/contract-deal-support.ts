import { sql } from 'kysely';
import { extractText } from 'unpdf';
import { expect } from 'vitest';
import type { TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * Helpers of the contract-deal scenarios: a party's requests with their own browser (User-Agent) and
 * address, a party's contracts and a contract's PDF as the API gives them, and what the database
 * holds (to count contracts and acceptances exactly).
 */
export const as = (user: TestUser, userAgent: string) => ({ ...user.headers, 'user-agent': userAgent });

export async function myContracts(t: TestApp, user: TestUser): Promise<Record<string, any>[]> {
  const response = await t.app.inject({ method: 'GET', url: '/v1/me/contracts', headers: user.headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items;
}

export async function contractOf(t: TestApp, headers: Record<string, string>, id: string) {
  return t.app.inject({ method: 'GET', url: `/v1/contracts/${id}`, headers });
}

export async function pdfOf(t: TestApp, headers: Record<string, string>, id: string, language: 'zh' | 'en') {
  return t.app.inject({ method: 'GET', url: `/v1/contracts/${id}/pdf?language=${language}`, headers });
}

export async function pdfText(bytes: Buffer): Promise<string> {
  const { text } = await extractText(new Uint8Array(bytes), { mergePages: true });
  return String(text);
}

/** Every contract recorded for a deal, straight from the table (to see that there is exactly one). */
export async function contractsFor(t: TestApp, subjectType: string, subjectId: string) {
  const rows = await sql<{ id: string; kind: string; parties: { userId: string | null; role: string }[] }>`
    select id, kind, parties from contracts where subject_type = ${subjectType} and subject_id = ${subjectId}`.execute(
    t.platform.db,
  );
  return rows.rows;
}

export async function acceptancesFor(t: TestApp, subjectType: string, subjectId: string) {
  const rows = await sql<{ user_id: string; role: string; ip: string | null; user_agent: string | null }>`
    select user_id, role, ip, user_agent from contract_acceptances
    where subject_type = ${subjectType} and subject_id = ${subjectId} order by accepted_at, id`.execute(
    t.platform.db,
  );
  return rows.rows;
}
