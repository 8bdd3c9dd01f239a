import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { Suitability } from '../../src/identity/suitability.ts';
import { addDays, DomainError } from '../../src/kernel/index.ts';
import { goTo } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { signUp } from '../support/users.ts';
import {
  ANSWERS,
  assessed,
  assessmentHistory,
  currentAssessment,
  takeAssessment,
} from '../support/wealth-suitability.ts';

/**
 * The questionnaire cannot be retaken at will (issue 18: today an investor can go from C1 to C5 in a
 * second): a new assessment within 30 business days of the last is refused with 429 and the date
 * from which it is allowed; nothing is written. The first is always allowed.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openTestApp({ identity: { sessionTtlHours: 24 * 365 * 3 } });
});
afterAll(async () => {
  await t?.close();
});

describe('the retake interval', () => {
  it('refuses a retake for 30 days after an assessment, then allows it', async () => {
    const start = t.clock.businessDate();
    const user = await signUp(t);
    const before = await currentAssessment(t, user);
    expect(before).toMatchObject({ riskClass: null, valid: false, retakeAllowed: true });

    const first = await assessed(t, user, ANSWERS.c1);
    expect(first).toMatchObject({ riskClass: 'C1', lowest: false, assessedOn: start, flagged: false });
    const nextAllowedOn = addDays(start, 30);
    expect(first.nextAllowedOn).toBe(nextAllowedOn);
    expect(first.retakeAllowed).toBe(false);

    const tooSoon = await takeAssessment(t, user, ANSWERS.c5);
    expect(tooSoon.statusCode, tooSoon.body).toBe(429);
    expect(tooSoon.json().error.code).toBe('assessment_too_soon');
    expect(tooSoon.json().error.details).toMatchObject({ nextAllowedOn, assessedOn: start });

    // Malformed answers are still a 400 within the interval: input is checked first.
    const malformed = await takeAssessment(t, user, [1, 2]);
    expect(malformed.statusCode, malformed.body).toBe(400);
    expect(malformed.json().error.code).toBe('answers_incomplete');

    // The day before the interval ends: still refused, and nothing changed.
    goTo(t, addDays(start, 29));
    const dayBefore = await takeAssessment(t, user, ANSWERS.c5);
    expect(dayBefore.statusCode, dayBefore.body).toBe(429);
    expect(await currentAssessment(t, user)).toMatchObject({
      riskClass: 'C1',
      assessedOn: start,
      nextAllowedOn,
      retakeAllowed: false,
    });
    expect(await assessmentHistory(t, user)).toHaveLength(1);

    // On the day it ends: allowed, and the next interval counts from the new assessment.
    goTo(t, nextAllowedOn);
    expect((await currentAssessment(t, user)).retakeAllowed).toBe(true);
    const second = await assessed(t, user, ANSWERS.c2NoLoss);
    expect(second).toMatchObject({
      riskClass: 'C2',
      previousRiskClass: 'C1',
      assessedOn: nextAllowedOn,
      nextAllowedOn: addDays(nextAllowedOn, 30),
      expiresOn: addDays(nextAllowedOn, 730),
    });
    const history = await assessmentHistory(t, user);
    expect(history.map((h) => [h.riskClass, h.assessedOn])).toEqual([
      ['C2', nextAllowedOn],
      ['C1', start],
    ]);
  });

  it('lets exactly one of ten simultaneous assessments through, first time and on a retake', async () => {
    const user = await signUp(t);
    const statuses = async () => {
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) => takeAssessment(t, user, i % 2 ? ANSWERS.c3 : ANSWERS.c4)),
      );
      for (const r of responses) expect([200, 429], r.body).toContain(r.statusCode);
      return responses.filter((r) => r.statusCode === 200).length;
    };
    expect(await statuses()).toBe(1);
    expect(await assessmentHistory(t, user)).toHaveLength(1);
    goTo(t, addDays(t.clock.businessDate(), 30));
    expect(await statuses()).toBe(1);
    const history = await assessmentHistory(t, user);
    expect(history).toHaveLength(2);
    // What is current is what the history's latest row says.
    expect((await currentAssessment(t, user)).riskClass).toBe(history[0]!.riskClass);
  });

  it('reads the interval from NETFIN_ASSESSMENT_RETAKE_DAYS (default 30, 0 allowed)', () => {
    expect(loadConfig({}).identity.assessmentRetakeDays).toBe(30);
    expect(loadConfig({ NETFIN_ASSESSMENT_RETAKE_DAYS: '7' }).identity.assessmentRetakeDays).toBe(7);
    expect(loadConfig({ NETFIN_ASSESSMENT_RETAKE_DAYS: '0' }).identity.assessmentRetakeDays).toBe(0);
  });
});

describe('a configured interval', () => {
  it('counts the configured number of days', async () => {
    // The same rule with the setting at 7 (the platform passes identity settings to Suitability).
    const suitability = new Suitability(t.platform.db, t.clock, { assessmentRetakeDays: 7 });
    const start = t.clock.businessDate();
    const user = await signUp(t);
    expect((await suitability.assess(user.userId, ANSWERS.c3)).nextAllowedOn).toBe(addDays(start, 7));
    goTo(t, addDays(start, 6));
    const refused = await suitability.assess(user.userId, ANSWERS.c4).catch((e: DomainError) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ kind: 'rate_limited', code: 'assessment_too_soon' });
    expect((refused as DomainError).details).toMatchObject({ nextAllowedOn: addDays(start, 7) });
    goTo(t, addDays(start, 7));
    expect((await suitability.assess(user.userId, ANSWERS.c4)).riskClass).toBe('C4');
    // Through the API (30 days), the same user is now refused until a month after that.
    const viaApi = await takeAssessment(t, user, ANSWERS.c5);
    expect(viaApi.statusCode).toBe(429);
    expect(viaApi.json().error.details.nextAllowedOn).toBe(addDays(start, 37));
  });
});
