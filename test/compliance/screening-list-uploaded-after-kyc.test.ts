import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffMember } from '../support/credit.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';
import { HEADER, matchesOf, upload, verifiedAs } from './screening-helpers.ts';

/**
 * A list uploaded after the customers' KYC: the re-screen run after the upload finds them. Uploading
 * the list again (a new version, the same people) opens no second match; a match decided a false
 * positive stays decided through later uploads and a manual re-screen; the day-close step has nothing
 * left to do, and doing it again changes nothing.
 */
let t: TestApp;
let officer: TestUser;
let zhang: TestUser;
let li: TestUser;
let wang: TestUser & { idNumber: string };
const LIST = 'Sanctions (after KYC)';
const csv = (idNumber: string) =>
  `\ufeff${HEADER}\r\n"Zhang, San",张三丰;Chang San,,1990-01-01,UN,terrorism financing\r\nHuang Wu,,${idNumber},,UN,fraud\r\n`;

beforeAll(async () => {
  t = await openTestApp();
  officer = await staffMember(t, ['compliance']);
  zhang = await verifiedAs(t, '张三');
  li = await verifiedAs(t, '李四');
  wang = await verifiedAs(t, '王五');
});
afterAll(() => t.close());

const countMatches = async () =>
  (await sql<{ n: number }>`select count(*)::int as n from screening_matches`.execute(t.platform.db)).rows[0]!
    .n;

describe('a watch list uploaded after the customers were verified', () => {
  it('finds 张三 by name and 王五 by identity number in the re-screen after the upload, and not 李四', async () => {
    expect(await matchesOf(t, officer.headers, zhang.userId)).toHaveLength(0);
    const uploaded = await upload(t, officer.headers, LIST, csv(wang.idNumber));
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    expect(uploaded.json().versions[0].entryCount).toBe(2);
    await t.platform.compliance.screening.settled();

    const [zhangMatch, ...others] = await matchesOf(t, officer.headers, zhang.userId);
    expect(others).toHaveLength(0);
    expect(zhangMatch!.trigger).toBe('list_upload');
    expect(zhangMatch!.entry.name).toBe('Zhang, San');
    expect(Number(zhangMatch!.score)).toBe(1);

    const [wangMatch] = await matchesOf(t, officer.headers, wang.userId);
    expect(wangMatch!.why.basis).toBe('id_number');
    expect(wangMatch!.score).toBe('1.0000');
    expect(await matchesOf(t, officer.headers, li.userId)).toHaveLength(0);

    const lists = await t.app.inject({ method: 'GET', url: '/v1/screening/lists', headers: officer.headers });
    expect(lists.json().items[0].versions[0].rescreenedAt).not.toBeNull();
  });

  it('does not duplicate a match when the same list is uploaded again, and keeps the earlier version readable', async () => {
    const before = await countMatches();
    const again = await upload(t, officer.headers, LIST, csv(wang.idNumber));
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json().currentVersion).toBe(2);
    await t.platform.compliance.screening.settled();
    expect(await countMatches()).toBe(before);
    const [match] = await matchesOf(t, officer.headers, zhang.userId);
    expect(match!.list.version).toBe(2);

    const listId = again.json().id;
    const first = await t.app.inject({
      method: 'GET',
      url: `/v1/screening/lists/${listId}/entries?version=1`,
      headers: officer.headers,
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().items.map((e: { name: string }) => e.name)).toEqual(['Zhang, San', 'Huang Wu']);
    expect(first.json().items[1].idNumberMasked).not.toContain(wang.idNumber.slice(6, 14));
  });

  it('keeps a false positive decided through a re-upload and a manual re-screen, audited', async () => {
    const [match] = await matchesOf(t, officer.headers, zhang.userId);
    const decided = await t.app.inject({
      method: 'POST',
      url: `/v1/screening/matches/${match!.id}/decision`,
      headers: officer.headers,
      payload: { decision: 'false_positive', reason: 'different birth date on the ID card' },
    });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json().status).toBe('false_positive');
    const twice = await t.app.inject({
      method: 'POST',
      url: `/v1/screening/matches/${match!.id}/decision`,
      headers: officer.headers,
      payload: { decision: 'confirmed', reason: 'changed my mind' },
    });
    expect(twice.statusCode).toBe(409);

    expect((await upload(t, officer.headers, LIST, csv(wang.idNumber))).statusCode).toBe(201);
    const rescreen = await t.app.inject({
      method: 'POST',
      url: '/v1/screening/rescreen',
      headers: officer.headers,
      payload: {},
    });
    expect(rescreen.statusCode, rescreen.body).toBe(200);
    expect(rescreen.json().customers).toBeGreaterThanOrEqual(3);
    expect(rescreen.json().opened).toBe(0);
    expect(await matchesOf(t, officer.headers, zhang.userId)).toHaveLength(0);
    expect(await matchesOf(t, officer.headers, zhang.userId, 'false_positive')).toHaveLength(1);

    const audited = await sql<{ action: string }>`
      select action from audit_log where action like 'screening.%' order by chain_position`.execute(
      t.platform.db,
    );
    expect(audited.rows.map((r) => r.action)).toEqual([
      'screening.list_uploaded',
      'screening.list_uploaded',
      'screening.match_decided',
      'screening.list_uploaded',
      'screening.rescreen_started',
    ]);
  });

  it('a confirmed match reaches anti-money-laundering as an alert in the customer case', async () => {
    const [match] = await matchesOf(t, officer.headers, wang.userId);
    expect(match).toBeDefined();
    const confirmed = await t.app.inject({
      method: 'POST',
      url: `/v1/screening/matches/${match!.id}/decision`,
      headers: officer.headers,
      payload: { decision: 'confirmed', reason: 'same ID number as the listed person' },
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const cases = await t.app.inject({
      method: 'GET',
      url: '/v1/aml/cases?status=open',
      headers: officer.headers,
    });
    expect(cases.statusCode, cases.body).toBe(200);
    const theCase = (cases.json().items as { id: string; customerId: string }[]).find(
      (c) => c.customerId === wang.userId,
    );
    expect(theCase).toBeDefined();
    const detail = await t.app.inject({
      method: 'GET',
      url: `/v1/aml/cases/${theCase!.id}`,
      headers: officer.headers,
    });
    const alerts = detail.json().alerts as {
      ruleCode: string;
      windowKey: string;
      ruleSetVersion: number | null;
    }[];
    expect(alerts).toEqual([expect.objectContaining({ ruleCode: 'watch_list_match', ruleSetVersion: null })]);
    // The false positive decided before opened nothing.
    expect((cases.json().items as { customerId: string }[]).some((c) => c.customerId === zhang.userId)).toBe(
      false,
    );
  });

  it('leaves the day-close step nothing to do, and doing it twice changes nothing', async () => {
    const step = t.platform.compliance.screening.daySteps().find((s) => s.name === 'compliance.screening')!;
    const before = await countMatches();
    const date = t.clock.businessDate();
    expect(await step.run(t.platform.db, date, {})).toBe(0);
    expect(await step.run(t.platform.db, date, {})).toBe(0);
    expect(await countMatches()).toBe(before);
  });
});
