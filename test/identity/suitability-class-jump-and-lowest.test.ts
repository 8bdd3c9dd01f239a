import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLowestTolerance, riskClassOf } from '../../src/identity/index.ts';
import { addDays } from '../../src/kernel/index.ts';
import { goTo } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { ANSWERS, assessed, assessmentHistory, currentAssessment } from '../support/wealth-suitability.ts';

/**
 * Every assessment is kept; a change of more than one class step from the previous one (C1 → C5, or
 * C4 → C1) is flagged in the history and audited as suitability.class_jump; a step of one is not.
 * The lowest risk tolerance is a sub-class of C1 the assessment names.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openTestApp({ identity: { sessionTtlHours: 24 * 365 * 3 } });
});
afterAll(async () => {
  await t?.close();
});

async function jumps(user: TestUser) {
  return t.platform.identity.listAudit({
    action: 'suitability.class_jump',
    subjectId: user.userId,
    limit: 10,
  });
}
const nextMonth = () => goTo(t, addDays(t.clock.businessDate(), 30));

describe('class jumps', () => {
  it('flags and audits C1 → C5 and C4 → C1, not C5 → C4 or C1 → C2', async () => {
    const user = await signUp(t);
    const first = await assessed(t, user, ANSWERS.lowestNoLoss);
    expect(first).toMatchObject({ riskClass: 'C1', lowest: true, previousRiskClass: null, flagged: false });
    expect(await jumps(user)).toHaveLength(0);

    nextMonth();
    const up = await assessed(t, user, ANSWERS.c5);
    expect(up).toMatchObject({ riskClass: 'C5', lowest: false, previousRiskClass: 'C1', flagged: true });
    let audit = await jumps(user);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: user.userId,
      subjectType: 'user',
      subjectId: user.userId,
      before: { riskClass: 'C1', lowest: true, score: 8 },
      after: { riskClass: 'C5', lowest: false, score: 32 },
      details: { steps: 4 },
    });

    nextMonth();
    expect(await assessed(t, user, ANSWERS.c4)).toMatchObject({ riskClass: 'C4', flagged: false });
    nextMonth();
    expect(await assessed(t, user, ANSWERS.c1)).toMatchObject({ riskClass: 'C1', flagged: true });
    nextMonth();
    expect(await assessed(t, user, ANSWERS.c2NoLoss)).toMatchObject({ riskClass: 'C2', flagged: false });

    audit = await jumps(user);
    expect(audit.map((a) => [(a.before as any).riskClass, (a.after as any).riskClass])).toEqual([
      ['C4', 'C1'],
      ['C1', 'C5'],
    ]);
    const history = await assessmentHistory(t, user);
    expect(history.map((h) => [h.previousRiskClass, h.riskClass, h.flagged])).toEqual([
      ['C1', 'C2', false],
      ['C4', 'C1', true],
      ['C5', 'C4', false],
      ['C1', 'C5', true],
      [null, 'C1', false],
    ]);
    // The audit entry names the history row it is about.
    expect(audit[1]!.details).toMatchObject({ historyId: history[3]!.id });
    expect(history[4]).toMatchObject({ lowest: true, score: 8, answers: [...ANSWERS.lowestNoLoss] });
  });
});

describe('the lowest risk tolerance', () => {
  it('is C1 with no loss bearable, or over 65 keeping the capital; never another class', async () => {
    const cases: [readonly number[], string, boolean][] = [
      [ANSWERS.lowestNoLoss, 'C1', true],
      [ANSWERS.lowestElderly, 'C1', true],
      [ANSWERS.c1, 'C1', false],
      [ANSWERS.c2NoLoss, 'C2', false],
      // Over 65 and keeping the capital, but with a score of C2 (13 points): not the lowest.
      [[1, 4, 1, 1, 1, 1, 1, 3], 'C2', false],
      // Over 65, C1, but aiming at steady income and bearing up to 10%: not the lowest.
      [[1, 1, 1, 1, 1, 1, 2, 2], 'C1', false],
    ];
    for (const [answers, riskClass, lowest] of cases) {
      const user = await signUp(t);
      const result = await assessed(t, user, answers);
      expect(result, JSON.stringify(answers)).toMatchObject({ riskClass, lowest });
      expect(await currentAssessment(t, user)).toMatchObject({ riskClass, lowest, valid: true });
      // The pure rule agrees with what the API recorded.
      const score = answers.reduce((s, a) => s + a, 0);
      expect(isLowestTolerance(riskClassOf(score), answers)).toBe(lowest);
    }
  });

  it('becomes an ordinary C1 on a retake that bears a loss, without a jump', async () => {
    const user = await signUp(t);
    await assessed(t, user, ANSWERS.lowestNoLoss);
    nextMonth();
    const after = await assessed(t, user, ANSWERS.c1);
    expect(after).toMatchObject({ riskClass: 'C1', lowest: false, previousRiskClass: 'C1', flagged: false });
    expect(await jumps(user)).toHaveLength(0);
  });
});
