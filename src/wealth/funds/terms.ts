import { z } from 'zod';
import {
  CNY,
  Decimal,
  divideRounded,
  invalid,
  type PlainDate,
  parseAmount,
  toEpochDay,
  toFraction,
} from '../../kernel/index.ts';

/**
 * A distributed mutual fund's terms (the `terms` of a wealth product of kind mutual_fund) and the
 * arithmetic of its fees and units. Money is CNY in cents; units are hundredths of a unit; a NAV is
 * a decimal of four places. Every rounding is named where it happens.
 */

const rateText = z
  .string()
  .max(12)
  .regex(/^(0|[1-9][0-9]*)(\.[0-9]{1,6})?$/, 'rate_malformed')
  .refine((text) => new Decimal(text).lt(1), 'rate_must_be_below_one');
const amountText = z
  .string()
  .max(20)
  .regex(/^(0|[1-9][0-9]{0,13})(\.[0-9]{1,2})?$/, 'amount_malformed');

export const mutualFundTermsSchema = z
  .object({
    /** The fund's code with its manager (基金代码): six digits. */
    fundCode: z.string().regex(/^[0-9]{6}$/, 'fund_code_malformed'),
    manager: z.string().trim().min(1).max(100),
    /**
     * Front-end subscription fee (前端申购费) by amount: the first tier whose `upTo` is above the
     * amount (or null: no upper bound) applies. Tiers ascend; the last has `upTo: null`.
     */
    subscriptionFeeTiers: z
      .array(z.object({ upTo: amountText.nullable(), rate: rateText }).strict())
      .min(1)
      .max(10),
    /** The share of the listed rate the platform charges: "0.1" charges a tenth (一折). 0 to 1. */
    platformDiscount: rateText.or(z.literal('1')),
    /**
     * Redemption fee by holding period in calendar days: the first tier whose `heldDaysUnder` is
     * above the days held (or null) applies. Tiers ascend; the last has `heldDaysUnder: null`.
     */
    redemptionFeeTiers: z
      .array(
        z.object({ heldDaysUnder: z.number().int().min(1).max(36500).nullable(), rate: rateText }).strict(),
      )
      .min(1)
      .max(10),
    /** Redemption money reaches the wallet N trading days after the trade date (T+N). */
    settlementDays: z.number().int().min(1).max(10),
    /** The least subscription, as a CNY amount. */
    minSubscription: amountText,
  })
  .strict()
  .superRefine((terms, ctx) => {
    const subs = terms.subscriptionFeeTiers;
    subs.forEach((tier, i) => {
      const last = i === subs.length - 1;
      if (last !== (tier.upTo === null))
        ctx.addIssue({
          code: 'custom',
          path: ['subscriptionFeeTiers', i, 'upTo'],
          message: 'tiers_malformed',
        });
      const previous = subs[i - 1]?.upTo;
      if (tier.upTo !== null && previous && !new Decimal(tier.upTo).gt(previous))
        ctx.addIssue({
          code: 'custom',
          path: ['subscriptionFeeTiers', i, 'upTo'],
          message: 'tiers_not_ascending',
        });
    });
    const reds = terms.redemptionFeeTiers;
    reds.forEach((tier, i) => {
      const last = i === reds.length - 1;
      if (last !== (tier.heldDaysUnder === null))
        ctx.addIssue({
          code: 'custom',
          path: ['redemptionFeeTiers', i, 'heldDaysUnder'],
          message: 'tiers_malformed',
        });
      const previous = reds[i - 1]?.heldDaysUnder;
      if (tier.heldDaysUnder !== null && previous && tier.heldDaysUnder <= previous)
        ctx.addIssue({
          code: 'custom',
          path: ['redemptionFeeTiers', i, 'heldDaysUnder'],
          message: 'tiers_not_ascending',
        });
    });
    const min = parseAmount(terms.minSubscription, CNY, { allowZero: false });
    if (!min.ok)
      ctx.addIssue({ code: 'custom', path: ['minSubscription'], message: 'amount_must_be_positive' });
  });

export type MutualFundTerms = z.infer<typeof mutualFundTermsSchema>;

/** The terms of a mutual fund, checked; 400 terms_invalid naming the first problem otherwise. */
export function validateMutualFundTerms(terms: unknown): MutualFundTerms {
  const parsed = mutualFundTermsSchema.safeParse(terms);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw invalid('terms_invalid', `mutual fund terms: ${issue.path.join('.')} ${issue.message}`, {
    path: issue.path.map(String),
    problem: issue.message,
  });
}

const cents = (text: string) => (parseAmount(text, CNY) as { ok: true; value: bigint }).value;

/** The listed rate of the tier for this amount (cents) and the rate charged: listed × discount. */
export function subscriptionRate(
  terms: MutualFundTerms,
  amount: bigint,
): { listed: Decimal; effective: Decimal } {
  const tier = terms.subscriptionFeeTiers.find((t) => t.upTo === null || amount < cents(t.upTo))!;
  const listed = new Decimal(tier.rate);
  return { listed, effective: listed.times(terms.platformDiscount) };
}

/**
 * The front-end fee on a subscription of `amount` cents at rate r: amount − amount ÷ (1 + r),
 * rounded half up to the cent. Formed exactly as amount × r ÷ (1 + r) in integers.
 */
export function subscriptionFee(amount: bigint, rate: Decimal): bigint {
  const { numerator, denominator } = toFraction(rate);
  return divideRounded(amount * numerator, denominator + numerator, 'half_up');
}

/** A NAV of four places as an integer of ten-thousandths: "1.2345" → 12345n. */
export function navTenThousandths(nav: string): bigint {
  const { numerator, denominator } = toFraction(new Decimal(nav));
  return (numerator * 10_000n) / denominator;
}

/** Units (hundredths) bought by `net` cents at the NAV: net ÷ NAV, rounded down to 0.01 units. */
export function unitsFor(net: bigint, nav: string): bigint {
  return divideRounded(net * 10_000n, navTenThousandths(nav), 'down');
}

/** The value in cents of `units` hundredths at the NAV, rounded half up to the cent. */
export function marketValueOf(units: bigint, nav: string): bigint {
  return divideRounded(units * navTenThousandths(nav), 10_000n, 'half_up');
}

/** The redemption fee rate for units held `heldDays` calendar days. */
export function redemptionRate(terms: MutualFundTerms, heldDays: number): Decimal {
  const tier = terms.redemptionFeeTiers.find((t) => t.heldDaysUnder === null || heldDays < t.heldDaysUnder)!;
  return new Decimal(tier.rate);
}

/** A lot of units (hundredths) confirmed on a date: what FIFO consumes, oldest first. */
export interface Lot {
  readonly confirmedOn: PlainDate;
  readonly units: bigint;
}

export interface RedemptionPart {
  readonly confirmedOn: PlainDate;
  readonly units: bigint;
  readonly heldDays: number;
  readonly rate: string;
}

/**
 * Prices a redemption of `units` at the NAV of its trade date: the gross value (units × NAV, half up
 * to the cent), and the fee by FIFO lots: the first `consumedBefore` units of the lots went to earlier
 * redemptions; this one takes the next ones, each part at the rate of its holding period (calendar
 * days from the lot's confirmation to the trade date). The fee is Σ part units × NAV × rate, summed
 * exactly and rounded half up to the cent once.
 */
export function priceRedemption(
  terms: MutualFundTerms,
  lots: readonly Lot[],
  consumedBefore: bigint,
  units: bigint,
  nav: string,
  tradeDate: PlainDate,
): { gross: bigint; fee: bigint; parts: RedemptionPart[] } {
  const parts: RedemptionPart[] = [];
  let skip = consumedBefore;
  let left = units;
  for (const lot of lots) {
    if (left === 0n) break;
    let available = lot.units;
    const skipped = skip < available ? skip : available;
    available -= skipped;
    skip -= skipped;
    if (available === 0n) continue;
    const take = available < left ? available : left;
    const heldDays = toEpochDay(tradeDate) - toEpochDay(lot.confirmedOn);
    parts.push({
      confirmedOn: lot.confirmedOn,
      units: take,
      heldDays,
      rate: redemptionRate(terms, heldDays).toFixed(),
    });
    left -= take;
  }
  // Units not traceable to a lot (none should be) are charged as held for 0 days.
  if (left > 0n)
    parts.push({
      confirmedOn: tradeDate,
      units: left,
      heldDays: 0,
      rate: redemptionRate(terms, 0).toFixed(),
    });
  const navInt = navTenThousandths(nav);
  // Σ units × navInt × rate over parts, in units of 10^-6 cents... formed as an exact fraction.
  let feeNumerator = 0n;
  const scale = 10n ** 12n;
  for (const p of parts) {
    const { numerator, denominator } = toFraction(new Decimal(p.rate));
    feeNumerator += (p.units * navInt * numerator * scale) / denominator; // exact: rate has ≤ 6 places
  }
  const fee = divideRounded(feeNumerator, 10_000n * scale, 'half_up');
  return { gross: marketValueOf(units, nav), fee, parts };
}
