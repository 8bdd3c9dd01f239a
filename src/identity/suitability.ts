import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import {
  addDays,
  assert,
  type Clock,
  conflict,
  DomainError,
  invalid,
  type PlainDate,
  ruleViolation,
  uuidv7,
} from '../kernel/index.ts';
import { type AuditContext, audit } from './audit.ts';
import { DEFAULT_IDENTITY_SETTINGS, type IdentitySettings } from './settings.ts';

/**
 * Investor suitability (适当性): a short risk questionnaire places an investor in a risk class from
 * C1 (conservative) to C5 (aggressive); a product or loan carries a risk level from R1 to R5, and an
 * investor may buy it only if their class is at least its level. An assessment is valid for two
 * years; an investor without a valid one may not invest.
 *
 * What makes it hold (issue 18, docs/wealth-suitability.md): an assessment may be retaken only after
 * `assessmentRetakeDays` business days; every assessment is kept in a history, and a change of more
 * than one class step is flagged and audited; a C1 investor of the lowest risk tolerance may buy R1
 * only, never with an override; where a product allows it, an investor below its level buys only
 * after acknowledging a warning that names both levels, and the acknowledgement is recorded.
 */
export interface Question {
  readonly id: string;
  readonly zh: string;
  readonly en: string;
  readonly options: readonly { readonly zh: string; readonly en: string; readonly points: number }[];
}

const q = (id: string, zh: string, en: string, options: [string, string][]): Question => ({
  id,
  zh,
  en,
  options: options.map(([optionZh, optionEn], index) => ({ zh: optionZh, en: optionEn, points: index + 1 })),
});

export const QUESTIONNAIRE: readonly Question[] = [
  q('age', '您的年龄', 'Your age', [
    ['65岁以上', 'over 65'],
    ['51-65岁', '51-65'],
    ['18-30岁', '18-30'],
    ['31-50岁', '31-50'],
  ]),
  q('income', '家庭年收入', 'Household income a year', [
    ['10万元以下', 'under 100,000'],
    ['10-30万元', '100,000-300,000'],
    ['30-100万元', '300,000-1,000,000'],
    ['100万元以上', 'over 1,000,000'],
  ]),
  q('share', '拟投资金额占家庭金融资产的比例', 'Share of your financial assets you would invest', [
    ['50%以上', 'over 50%'],
    ['30-50%', '30-50%'],
    ['10-30%', '10-30%'],
    ['10%以下', 'under 10%'],
  ]),
  q('experience', '投资经验', 'Investment experience', [
    ['无', 'none'],
    ['仅银行存款和理财', 'bank deposits and wealth products only'],
    ['基金、债券', 'funds and bonds'],
    ['股票、网贷等高风险投资', 'shares, P2P loans and other high-risk investments'],
  ]),
  q('years', '投资年限', 'Years of investing', [
    ['不足1年', 'under 1'],
    ['1-3年', '1-3'],
    ['3-5年', '3-5'],
    ['5年以上', 'over 5'],
  ]),
  q('horizon', '投资期限', 'How long you can leave the money', [
    ['1年以内', 'under a year'],
    ['1-3年', '1-3 years'],
    ['3-5年', '3-5 years'],
    ['5年以上', 'over 5 years'],
  ]),
  q('goal', '投资目标', 'Your goal', [
    ['保本', 'keep the capital'],
    ['稳定收益', 'steady income'],
    ['较高收益', 'higher returns'],
    ['高收益，可承受较大亏损', 'high returns, accepting large losses'],
  ]),
  q('loss', '可承受的最大亏损', 'The largest loss you could bear', [
    ['不能亏损', 'none'],
    ['10%以内', 'up to 10%'],
    ['10-30%', '10-30%'],
    ['30%以上', 'over 30%'],
  ]),
];

/** Total points (8-32) to class: C1 ≤ 12, C2 ≤ 17, C3 ≤ 22, C4 ≤ 27, C5 above. */
export function riskClassOf(score: number): number {
  if (score <= 12) return 1;
  if (score <= 17) return 2;
  if (score <= 22) return 3;
  if (score <= 27) return 4;
  return 5;
}

/**
 * The lowest risk tolerance (最低风险承受能力), a sub-class of C1: a C1 investor who can bear no loss
 * at all (answer 1 to 'loss'), or who is over 65 (answer 1 to 'age') and whose goal is to keep the
 * capital (answer 1 to 'goal'). Such an investor may buy R1 products only, and no acknowledgement
 * lets them buy above it (最低类别投资者不得购买高于其风险承受能力的产品).
 */
export function isLowestTolerance(level: number, answers: readonly number[]): boolean {
  if (level !== 1) return false;
  const answer = (id: string) => answers[QUESTIONNAIRE.findIndex((question) => question.id === id)];
  return answer('loss') === 1 || (answer('age') === 1 && answer('goal') === 1);
}

/** The warning shown before a purchase above the investor's class, naming both levels, in both languages. */
export function suitabilityWarning(investorLevel: number, productLevel: number): { zh: string; en: string } {
  const c = `C${investorLevel}`;
  const r = `R${productLevel}`;
  return {
    zh: `风险提示：该产品风险等级为${r}，高于您的风险承受能力等级${c}。该产品可能出现超出您承受能力的亏损。确认购买即表示您已阅读本提示，了解该产品的风险，并自愿承担相应的投资风险。`,
    en: `Risk warning: this product's risk level is ${r}, above your risk tolerance class ${c}. It may lose more than you can bear. By confirming the purchase you state that you have read this warning, understand the product's risks and accept them of your own will.`,
  };
}

export interface Assessment {
  readonly level: number;
  readonly riskClass: string;
  /** The lowest risk tolerance, a sub-class of C1 (see isLowestTolerance). */
  readonly lowest: boolean;
  readonly score: number;
  readonly assessedAt: Date;
  /** The business date it was taken on; the retake interval counts from it. */
  readonly assessedOn: PlainDate;
  readonly expiresOn: PlainDate;
  readonly valid: boolean;
  /** The first business date on which the questionnaire may be taken again. */
  readonly nextAllowedOn: PlainDate;
  readonly retakeAllowed: boolean;
}

/** A new assessment, with what it changed. */
export interface AssessmentTaken extends Assessment {
  readonly previousRiskClass: string | null;
  /** The class moved by more than one step from the previous assessment (audited as suitability.class_jump). */
  readonly flagged: boolean;
}

export interface AssessmentHistoryEntry {
  readonly id: string;
  readonly riskClass: string;
  readonly lowest: boolean;
  readonly score: number;
  readonly answers: number[];
  readonly assessedAt: Date;
  readonly assessedOn: PlainDate;
  readonly previousRiskClass: string | null;
  readonly flagged: boolean;
}

/** A purchase to check against the investor's class (wealth products; loans use `standings`). */
export interface PurchaseCheck {
  /** What is bought, for the record: e.g. "wealth_product:<id>" (at most 200 characters). */
  readonly productRef: string;
  /** R1-R5 as 1-5. */
  readonly productLevel: number;
  /** Whether the product lets an investor below its level buy after acknowledging the warning. */
  readonly allowOverride: boolean;
  /** The investor has seen the warning (409 suitability_warning) and acknowledges it. */
  readonly acknowledged: boolean;
  /** The language the warning was shown in, and recorded in; Chinese when not given. */
  readonly language?: 'zh' | 'en';
}

export interface PurchaseStanding {
  readonly investorClass: number;
  readonly lowest: boolean;
  /** The acknowledgement recorded for a purchase above the investor's class; null when none was needed. */
  readonly acknowledgementId: string | null;
}

export interface Acknowledgement {
  readonly id: string;
  readonly userId: string;
  readonly productRef: string;
  readonly investorRiskClass: string;
  readonly productRiskLevel: string;
  readonly language: 'zh' | 'en';
  readonly text: string;
  readonly acknowledgedAt: Date;
}

interface CurrentRow {
  level: number;
  lowest: boolean;
  score: number;
  assessed_at: Date;
  assessed_on: PlainDate;
  expires_on: PlainDate;
}

const CURRENT_COLUMNS = sql`level, lowest, score, assessed_at, assessed_on::text as assessed_on, expires_on::text as expires_on`;

export class Suitability {
  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly settings: Pick<IdentitySettings, 'assessmentRetakeDays'> = DEFAULT_IDENTITY_SETTINGS,
  ) {}

  /**
   * Answers are the chosen option (1-4) for each question, in order. Refused with 429
   * assessment_too_soon (details.nextAllowedOn) within the retake interval of the last assessment;
   * the first is always allowed. The check and the write are one transaction under a lock on the
   * current assessment, so concurrent retakes cannot both pass. `context` is who is acting, for the
   * audit entry of a class jump (the investor themselves when not given).
   */
  async assess(userId: string, answers: readonly number[], context?: AuditContext): Promise<AssessmentTaken> {
    if (answers.length !== QUESTIONNAIRE.length)
      throw invalid('answers_incomplete', `answer all ${QUESTIONNAIRE.length} questions`);
    answers.forEach((answer, index) => {
      if (!Number.isInteger(answer) || answer < 1 || answer > QUESTIONNAIRE[index]!.options.length)
        throw invalid(
          'answer_out_of_range',
          `question ${index + 1} has options 1-${QUESTIONNAIRE[index]!.options.length}`,
        );
    });
    const score = answers.reduce(
      (sum, answer, index) => sum + QUESTIONNAIRE[index]!.options[answer - 1]!.points,
      0,
    );
    const level = riskClassOf(score);
    const lowest = isLowestTolerance(level, answers);
    const answersJson = JSON.stringify(answers);
    return inTransaction(this.db, async (trx) => {
      const now = this.clock.now();
      const today = this.clock.businessDate();
      const expiresOn = addDays(today, 730);
      let previous: CurrentRow | undefined;
      // At most twice: a first assessment that loses the race to a concurrent first one reads it, locked.
      for (let attempt = 0; ; attempt++) {
        previous = (
          await sql<CurrentRow>`select ${CURRENT_COLUMNS} from investor_assessments
            where user_id = ${userId} for update`.execute(trx)
        ).rows[0];
        if (previous) break;
        const inserted = await sql`
          insert into investor_assessments (user_id, level, lowest, score, answers, assessed_at, assessed_on, expires_on)
          values (${userId}, ${level}, ${lowest}, ${score}, ${answersJson}::jsonb, ${now}, ${today}, ${expiresOn})
          on conflict (user_id) do nothing returning user_id`.execute(trx);
        if (inserted.rows.length > 0) break;
        if (attempt > 0) throw new Error('investor_assessments: no row after a conflicting insert');
      }
      if (previous) {
        const nextAllowedOn = this.nextAllowedOn(previous.assessed_on);
        if (today < nextAllowedOn)
          throw new DomainError(
            'assessment_too_soon',
            'rate_limited',
            `the risk questionnaire may be taken again from ${nextAllowedOn}`,
            { nextAllowedOn, assessedOn: previous.assessed_on },
          );
        await sql`update investor_assessments set level = ${level}, lowest = ${lowest}, score = ${score},
                    answers = ${answersJson}::jsonb, assessed_at = ${now}, assessed_on = ${today}, expires_on = ${expiresOn}
                  where user_id = ${userId}`.execute(trx);
      }
      const flagged = previous !== undefined && Math.abs(level - previous.level) > 1;
      const historyId = uuidv7();
      await sql`insert into investor_assessment_history
                  (id, user_id, level, lowest, score, answers, assessed_at, assessed_on, previous_level, previous_lowest, flagged)
                values (${historyId}, ${userId}, ${level}, ${lowest}, ${score}, ${answersJson}::jsonb, ${now}, ${today},
                  ${previous?.level ?? null}, ${previous?.lowest ?? null}, ${flagged})`.execute(trx);
      if (flagged)
        await audit(
          trx,
          this.clock,
          context ?? { principal: { kind: 'user', userId, roles: ['customer'], sessionId: null }, ip: null },
          {
            action: 'suitability.class_jump',
            subjectType: 'user',
            subjectId: userId,
            before: { riskClass: `C${previous!.level}`, lowest: previous!.lowest, score: previous!.score },
            after: { riskClass: `C${level}`, lowest, score },
            details: { historyId, steps: level - previous!.level },
          },
        );
      const nextAllowedOn = this.nextAllowedOn(today);
      return {
        level,
        riskClass: `C${level}`,
        lowest,
        score,
        assessedAt: now,
        assessedOn: today,
        expiresOn,
        valid: true,
        nextAllowedOn,
        retakeAllowed: today >= nextAllowedOn,
        previousRiskClass: previous ? `C${previous.level}` : null,
        flagged,
      };
    });
  }

  async assessment(userId: string, db: Executor = this.db): Promise<Assessment | null> {
    const row = (
      await sql<CurrentRow>`select ${CURRENT_COLUMNS} from investor_assessments where user_id = ${userId}`.execute(
        db,
      )
    ).rows[0];
    if (!row) return null;
    const today = this.clock.businessDate();
    const nextAllowedOn = this.nextAllowedOn(row.assessed_on);
    return {
      level: row.level,
      riskClass: `C${row.level}`,
      lowest: row.lowest,
      score: row.score,
      assessedAt: row.assessed_at,
      assessedOn: row.assessed_on,
      expiresOn: row.expires_on,
      valid: row.expires_on >= today,
      nextAllowedOn,
      retakeAllowed: today >= nextAllowedOn,
    };
  }

  /** Every assessment the investor has taken, the latest first (at most `limit`). */
  async history(userId: string, limit = 100, db: Executor = this.db): Promise<AssessmentHistoryEntry[]> {
    const rows = await sql<{
      id: string;
      level: number;
      lowest: boolean;
      score: number;
      answers: number[];
      assessed_at: Date;
      assessed_on: PlainDate;
      previous_level: number | null;
      flagged: boolean;
    }>`select id, level, lowest, score, answers, assessed_at, assessed_on::text as assessed_on, previous_level, flagged
       from investor_assessment_history where user_id = ${userId}
       order by assessed_at desc, id desc limit ${limit}`.execute(db);
    return rows.rows.map((r) => ({
      id: r.id,
      riskClass: `C${r.level}`,
      lowest: r.lowest,
      score: r.score,
      answers: r.answers,
      assessedAt: r.assessed_at,
      assessedOn: r.assessed_on,
      previousRiskClass: r.previous_level === null ? null : `C${r.previous_level}`,
      flagged: r.flagged,
    }));
  }

  /**
   * Checks a purchase in the caller's transaction, with lending's codes: identity not verified → 422
   * kyc_required; no valid assessment → 422 risk_assessment_required; above the class and not
   * overridable (or the investor is of the lowest tolerance) → 422 not_suitable; above the class,
   * overridable, not acknowledged → 409 suitability_warning with the warning's text naming both
   * levels; acknowledged → recorded in the caller's transaction, and its id returned.
   */
  async checkPurchase(trx: Executor, userId: string, check: PurchaseCheck): Promise<PurchaseStanding> {
    assert(
      Number.isInteger(check.productLevel) && check.productLevel >= 1 && check.productLevel <= 5,
      `a product's risk level is 1-5, not ${check.productLevel}`,
    );
    const row = (
      await sql<{
        kyc_level: number;
        level: number | null;
        lowest: boolean | null;
        expires_on: PlainDate | null;
      }>`
        select u.kyc_level, a.level, a.lowest, a.expires_on::text as expires_on
        from users u left join investor_assessments a on a.user_id = u.id
        where u.id = ${userId}`.execute(trx)
    ).rows[0];
    if (!row || row.kyc_level < 1)
      throw ruleViolation('kyc_required', 'verify your identity before you invest');
    if (row.level === null || row.expires_on === null || row.expires_on < this.clock.businessDate())
      throw ruleViolation('risk_assessment_required', 'take the risk questionnaire before you invest');
    const level = row.level;
    const lowest = row.lowest === true;
    if (level >= check.productLevel) return { investorClass: level, lowest, acknowledgementId: null };
    const levels = { investorRiskClass: `C${level}`, productRiskLevel: `R${check.productLevel}` };
    if (!check.allowOverride || lowest)
      throw ruleViolation(
        'not_suitable',
        lowest
          ? `this product is risk level R${check.productLevel}; investors of the lowest risk tolerance may buy R1 products only`
          : `this product is risk level R${check.productLevel}; your risk class is C${level}`,
        { ...levels, lowest },
      );
    const warning = suitabilityWarning(level, check.productLevel);
    if (!check.acknowledged)
      throw conflict('suitability_warning', warning.en, { ...levels, lowest: false, warning });
    const language = check.language ?? 'zh';
    const id = uuidv7();
    await sql`insert into suitability_acknowledgements
                (id, user_id, product_ref, investor_level, product_level, language, text_shown, acknowledged_at)
              values (${id}, ${userId}, ${check.productRef}, ${level}, ${check.productLevel}, ${language},
                ${warning[language]}, ${this.clock.now()})`.execute(trx);
    return { investorClass: level, lowest, acknowledgementId: id };
  }

  /** A recorded acknowledgement (what the investor was shown, and when), or null. */
  async acknowledgement(id: string, db: Executor = this.db): Promise<Acknowledgement | null> {
    const row = (
      await sql<{
        id: string;
        user_id: string;
        product_ref: string;
        investor_level: number;
        product_level: number;
        language: 'zh' | 'en';
        text_shown: string;
        acknowledged_at: Date;
      }>`select id, user_id, product_ref, investor_level, product_level, language, text_shown, acknowledged_at
         from suitability_acknowledgements where id = ${id}`.execute(db)
    ).rows[0];
    if (!row) return null;
    return {
      id: row.id,
      userId: row.user_id,
      productRef: row.product_ref,
      investorRiskClass: `C${row.investor_level}`,
      productRiskLevel: `R${row.product_level}`,
      language: row.language,
      text: row.text_shown,
      acknowledgedAt: row.acknowledged_at,
    };
  }

  /**
   * For many would-be investors at once: their KYC level and the class of their valid assessment
   * (0 without one), and whether they are of the lowest tolerance. One read, for a batch of bids.
   */
  async standings(
    userIds: readonly string[],
    db: Executor = this.db,
  ): Promise<Map<string, { kycLevel: number; riskClass: number; lowest: boolean }>> {
    const rows = await sql<{
      id: string;
      kyc_level: number;
      level: number | null;
      lowest: boolean | null;
      expires_on: PlainDate | null;
    }>`
      select u.id, u.kyc_level, a.level, a.lowest, a.expires_on::text as expires_on
      from users u left join investor_assessments a on a.user_id = u.id
      where u.id = any(${userIds}::uuid[])`.execute(db);
    const today = this.clock.businessDate();
    return new Map(
      rows.rows.map((r) => {
        const valid = r.level !== null && r.expires_on !== null && r.expires_on >= today;
        return [
          r.id,
          { kycLevel: r.kyc_level, riskClass: valid ? r.level! : 0, lowest: valid && r.lowest === true },
        ];
      }),
    );
  }

  private nextAllowedOn(assessedOn: PlainDate): PlainDate {
    return addDays(assessedOn, this.settings.assessmentRetakeDays);
  }
}
