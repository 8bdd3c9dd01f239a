import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { addDays, type Clock, invalid, type PlainDate, ruleViolation } from '../kernel/index.ts';

/**
 * Investor suitability (适当性): a short risk questionnaire places an investor in a risk class from
 * C1 (conservative) to C5 (aggressive); a product or loan carries a risk level from R1 to R5, and an
 * investor may buy it only if their class is at least its level. An assessment is valid for two
 * years; an investor without a valid one may not invest.
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

export interface Assessment {
  readonly level: number;
  readonly riskClass: string;
  readonly score: number;
  readonly assessedAt: Date;
  readonly expiresOn: PlainDate;
  readonly valid: boolean;
}

/** A purchase to check against the investor's class (wealth products; loans use `standings`). */
export interface PurchaseCheck {
  /** What is bought, for the record: e.g. "wealth_product:<id>". */
  readonly productRef: string;
  /** R1-R5 as 1-5. */
  readonly productLevel: number;
  /** Whether the product lets an investor below its level buy after acknowledging the warning. */
  readonly allowOverride: boolean;
  /** The investor has seen the warning (409 suitability_warning) and acknowledges it. */
  readonly acknowledged: boolean;
  readonly language?: 'zh' | 'en';
}

export interface PurchaseStanding {
  readonly investorClass: number;
  /** The acknowledgement recorded for a purchase above the investor's class; null when none was needed. */
  readonly acknowledgementId: string | null;
}

export class Suitability {
  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
  ) {}

  /** Answers are the chosen option (1-4) for each question, in order. */
  async assess(userId: string, answers: readonly number[]): Promise<Assessment> {
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
    const now = this.clock.now();
    const expiresOn = addDays(this.clock.businessDate(), 730);
    await sql`insert into investor_assessments (user_id, level, score, answers, assessed_at, expires_on)
              values (${userId}, ${level}, ${score}, ${JSON.stringify(answers)}::jsonb, ${now}, ${expiresOn})
              on conflict (user_id) do update set level = excluded.level, score = excluded.score, answers = excluded.answers,
                assessed_at = excluded.assessed_at, expires_on = excluded.expires_on`.execute(this.db);
    return { level, riskClass: `C${level}`, score, assessedAt: now, expiresOn, valid: true };
  }

  async assessment(userId: string, db: Executor = this.db): Promise<Assessment | null> {
    const rows = await sql<{ level: number; score: number; assessed_at: Date; expires_on: PlainDate }>`
      select level, score, assessed_at, expires_on::text as expires_on from investor_assessments where user_id = ${userId}`.execute(
      db,
    );
    const row = rows.rows[0];
    if (!row) return null;
    return {
      level: row.level,
      riskClass: `C${row.level}`,
      score: row.score,
      assessedAt: row.assessed_at,
      expiresOn: row.expires_on,
      valid: row.expires_on >= this.clock.businessDate(),
    };
  }

  /**
   * Checks a purchase in the caller's transaction, with lending's codes: identity not verified → 422
   * kyc_required; no valid assessment → 422 risk_assessment_required; above the class and not
   * overridable (or the investor is of the lowest tolerance) → 422 not_suitable; above the class,
   * overridable, not acknowledged → 409 suitability_warning with the warning's text naming both
   * levels; acknowledged → recorded, and its id returned.
   */
  async checkPurchase(trx: Executor, userId: string, check: PurchaseCheck): Promise<PurchaseStanding> {
    const standing = (await this.standings([userId], trx)).get(userId);
    if (!standing || standing.kycLevel < 1)
      throw ruleViolation('kyc_required', 'verify your identity before you invest');
    if (standing.riskClass === 0)
      throw ruleViolation('risk_assessment_required', 'take the risk questionnaire before you invest');
    if (standing.riskClass >= check.productLevel)
      return { investorClass: standing.riskClass, acknowledgementId: null };
    throw ruleViolation(
      'not_suitable',
      `this product is risk level R${check.productLevel}; your risk class is C${standing.riskClass}`,
      { productRiskLevel: `R${check.productLevel}`, investorRiskClass: `C${standing.riskClass}` },
    );
  }

  /**
   * For many would-be investors at once: their KYC level and the class of their valid assessment
   * (0 without one). One read, for a batch of bids.
   */
  async standings(
    userIds: readonly string[],
    db: Executor = this.db,
  ): Promise<Map<string, { kycLevel: number; riskClass: number }>> {
    const rows = await sql<{
      id: string;
      kyc_level: number;
      level: number | null;
      expires_on: PlainDate | null;
    }>`
      select u.id, u.kyc_level, a.level, a.expires_on::text as expires_on
      from users u left join investor_assessments a on a.user_id = u.id
      where u.id = any(${userIds}::uuid[])`.execute(db);
    const today = this.clock.businessDate();
    return new Map(
      rows.rows.map((r) => [
        r.id,
        {
          kycLevel: r.kyc_level,
          riskClass: r.level !== null && r.expires_on !== null && r.expires_on >= today ? r.level : 0,
        },
      ]),
    );
  }
}
