import { z } from 'zod';
import { CNY, formatAmount, invalid, parseAmount } from '../../kernel/index.ts';

/**
 * A money-market fund's terms (the `terms` document of a money_market product): the quick-redemption
 * caps per investor and for the whole fund per calendar day (Shanghai), the smallest subscription, and which
 * definition of the 7-day annualised yield its page states. Amounts are decimal strings of CNY.
 */
export const YIELD_DEFINITIONS = ['compounded', 'simple'] as const;

/** At most 100,000,000,000.00 CNY: caps and their sums stay far inside int8. */
const MAX_TERMS_AMOUNT = 10_000_000_000_000n;

const amountText = z
  .string()
  .max(24)
  .refine((text) => {
    const parsed = parseAmount(text, CNY);
    return parsed.ok && parsed.value > 0n && parsed.value <= MAX_TERMS_AMOUNT;
  }, 'amount_malformed');

export const moneyMarketTermsSchema = z
  .object({
    quickPerInvestorPerDay: amountText.describe(
      'Quick redemption, per investor per calendar day in Shanghai (CNY).',
    ),
    quickFundPerDay: amountText.describe(
      'Quick redemption, the whole fund per calendar day in Shanghai (CNY).',
    ),
    minSubscription: amountText.describe('The smallest subscription (CNY).'),
    yieldDefinition: z.enum(YIELD_DEFINITIONS).describe('The 7-day annualised yield the page states.'),
  })
  .strict()
  .meta({ id: 'MoneyMarketTerms' });

export type MoneyMarketTermsJson = z.infer<typeof moneyMarketTermsSchema>;

export interface MoneyMarketTerms {
  readonly quickPerInvestorPerDay: bigint;
  readonly quickFundPerDay: bigint;
  readonly minSubscription: bigint;
  readonly yieldDefinition: (typeof YIELD_DEFINITIONS)[number];
}

export const DEFAULT_MONEY_MARKET_TERMS: MoneyMarketTermsJson = {
  quickPerInvestorPerDay: '10000.00',
  quickFundPerDay: '5000000.00',
  minSubscription: '0.01',
  yieldDefinition: 'compounded',
};

const minor = (text: string) => (parseAmount(text, CNY) as { ok: true; value: bigint }).value;

/**
 * Checks a money_market product's terms (operations creating or editing one call it too): 400
 * terms_invalid naming the fields at fault. Returns the canonical JSON document (amounts written
 * with two decimals) and its parsed form.
 */
export function parseMoneyMarketTerms(terms: unknown): {
  json: MoneyMarketTermsJson;
  terms: MoneyMarketTerms;
} {
  const parsed = moneyMarketTermsSchema.safeParse(terms);
  if (!parsed.success)
    throw invalid('terms_invalid', "the money-market fund's terms are not valid", {
      fields: parsed.error.issues.map((i) => i.path.join('.') || '(terms)'),
    });
  const value: MoneyMarketTerms = {
    quickPerInvestorPerDay: minor(parsed.data.quickPerInvestorPerDay),
    quickFundPerDay: minor(parsed.data.quickFundPerDay),
    minSubscription: minor(parsed.data.minSubscription),
    yieldDefinition: parsed.data.yieldDefinition,
  };
  if (value.quickPerInvestorPerDay > value.quickFundPerDay)
    throw invalid('terms_invalid', "an investor's quick-redemption cap cannot exceed the fund's", {
      fields: ['quickPerInvestorPerDay'],
    });
  return {
    json: {
      quickPerInvestorPerDay: formatAmount(value.quickPerInvestorPerDay, CNY),
      quickFundPerDay: formatAmount(value.quickFundPerDay, CNY),
      minSubscription: formatAmount(value.minSubscription, CNY),
      yieldDefinition: value.yieldDefinition,
    },
    terms: value,
  };
}
