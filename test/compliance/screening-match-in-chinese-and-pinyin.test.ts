import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffMember } from '../support/credit.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';
import { HEADER, type MatchBody, matchesOf, upload, verifiedAs } from './screening-helpers.ts';

/**
 * Lists uploaded before a customer's real-name verification: the verification screens 张三 against
 * them in its own transaction. "ZHANG San" matches through pinyin, 张三 in Han characters; 章三 (a
 * homophone) and 张山 (zhang shan: one letter of pinyin apart, the s/sh that speakers often merge)
 * are candidates scored below an exact match; 李四 is not a match. KYC is not blocked by any of it.
 */
let t: TestApp;
let officer: TestUser;
let customer: TestUser;
let matches: MatchBody[];

beforeAll(async () => {
  t = await openTestApp();
  officer = await staffMember(t, ['compliance']);
  const pinyinList = await upload(
    t,
    officer.headers,
    'Overseas sanctions',
    `${HEADER}\nZHANG San,,,,OFAC,sanctions\n`,
  );
  expect(pinyinList.statusCode, pinyinList.body).toBe(201);
  const hanList = await upload(
    t,
    officer.headers,
    'Domestic watch list',
    `${HEADER}\n张三,,,,PBOC,fraud\n章三,,,,PBOC,fraud\n张山,,,,PBOC,fraud\n李四,Li Si;Lee Sze,,,PBOC,fraud\n`,
  );
  expect(hanList.statusCode, hanList.body).toBe(201);
  await t.platform.compliance.screening.settled();
  customer = await verifiedAs(t, '张三');
  matches = await matchesOf(t, officer.headers, customer.userId);
});
afterAll(() => t.close());

const byEntry = (name: string) => matches.find((m) => m.entry.name === name);

describe('a customer verified as 张三', () => {
  it('is verified (screening does not block KYC) and matched at KYC', async () => {
    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: customer.headers });
    expect(me.json().kycLevel).toBe(1);
    expect(matches.length).toBeGreaterThan(0);
    for (const m of matches) {
      expect(m.trigger).toBe('kyc');
      expect(m.status).toBe('open');
      expect(m.customerName).toBe('张*');
    }
  });

  it('matches "ZHANG San" through pinyin, with the forms that matched', () => {
    const m = byEntry('ZHANG San');
    expect(m).toBeDefined();
    expect(m!.list.name).toBe('Overseas sanctions');
    expect(m!.why.basis).toBe('pinyin');
    // The customer's form is masked like their name (first character, then one * per character).
    expect(m!.why.customerForm.replace(' ', '')).toMatch(/^z\*{7}$/);
    expect(m!.why.entryForm.replace(' ', '')).toBe('zhangsan');
    expect(Number(m!.score)).toBe(1);
  });

  it('matches 张三 in Han characters', () => {
    const m = byEntry('张三');
    expect(m!.why.basis).toBe('han');
    expect(m!.why.entryForm).toBe('张三');
    expect(Number(m!.score)).toBe(1);
  });

  it('scores the homophone 章三 high but below the same characters, and 张山 below the homophone', () => {
    const homophone = byEntry('章三');
    const nearHomophone = byEntry('张山');
    expect(homophone!.why.basis).toBe('homophone');
    expect(homophone!.why.similarity).toBe(1);
    expect(Number(homophone!.score)).toBeLessThan(1);
    expect(nearHomophone!.why.basis).toBe('homophone');
    expect(nearHomophone!.why.entryForm.replace(' ', '')).toBe('zhangshan');
    expect(Number(nearHomophone!.score)).toBeLessThan(Number(homophone!.score));
    expect(Number(nearHomophone!.score)).toBeGreaterThanOrEqual(0.88);
  });

  it('does not match 李四 (nor its aliases)', () => {
    expect(byEntry('李四')).toBeUndefined();
    expect(matches).toHaveLength(4);
  });

  it('opens only the exact matches for the next customer once the threshold is raised to 0.99', async () => {
    const raised = await t.app.inject({
      method: 'POST',
      url: '/v1/screening/settings',
      headers: officer.headers,
      payload: { threshold: '0.990' },
    });
    expect(raised.statusCode, raised.body).toBe(200);
    const second = await verifiedAs(t, '张三');
    const found = await matchesOf(t, officer.headers, second.userId);
    expect(found.map((m) => m.entry.name).sort()).toEqual(['ZHANG San', '张三'].sort());
  });
});
