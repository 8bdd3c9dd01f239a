import { sql } from 'kysely';
import { z } from 'zod';
import type { Executor } from '../db/index.ts';
import type { AuditContext, Identity } from '../identity/index.ts';
import { actorId } from '../identity/index.ts';
import {
  type Clock,
  CNY,
  DAY_COUNTS,
  type DayCount,
  Decimal,
  invalid,
  notFound,
  parseAmount,
  parseDecimal,
  ROUNDING_MODES,
  type RoundingMode,
} from '../kernel/index.ts';
import { REPAYMENT_METHODS, type RepaymentMethod } from './schedule.ts';

/**
 * Loan products: what operations staff configure, versioned. Creating or changing a product writes
 * a new version; a loan keeps the version it was made under for its whole life. The stored form is
 * the API's (amounts in yuan as decimal strings, rates as decimal strings); `Product` is the parsed
 * form the code works with (amounts in minor units, rates as Decimals).
 */
const yuan = z
  .string()
  .max(24)
  .refine((text) => parseAmount(text, CNY, { allowZero: true }).ok, { message: 'amount_malformed' });
const rate = (max: string) =>
  z
    .string()
    .max(24)
    .refine(
      (text) => {
        const parsed = parseDecimal(text);
        return parsed.ok && !parsed.value.isNegative() && parsed.value.lte(max);
      },
      { message: 'rate_out_of_range' },
    );
const days = z.number().int().min(0).max(3650);

export const WATERFALL_KINDS = ['penalty', 'fee', 'interest', 'principal'] as const;
export type WaterfallKind = (typeof WATERFALL_KINDS)[number];

export const productConfigSchema = z
  .object({
    /** The product's name in English; in Chinese, `nameZh` (pages show the one of their language). */
    name: z.string().min(1).max(80),
    nameZh: z.string().min(1).max(80).optional(),
    currency: z.literal('CNY'),
    minAmount: yuan,
    maxAmount: yuan,
    amountStep: yuan,
    termUnit: z.enum(['month', 'day']),
    terms: z.array(z.number().int().min(1).max(360)).min(1).max(24),
    methods: z.array(z.enum(REPAYMENT_METHODS)).min(1),
    dayCount: z.enum(DAY_COUNTS as unknown as [DayCount, ...DayCount[]]),
    rounding: z.enum(ROUNDING_MODES as unknown as [RoundingMode, ...RoundingMode[]]),
    grades: z.array(z.enum(['A', 'B', 'C', 'D', 'E', 'F'])).min(1),
    /** Used when the risk decision does not price one. */
    upfrontFeeRate: rate('0.2'),
    /** Of the original principal, charged with every instalment. */
    periodFeeRate: rate('0.05'),
    /** The platform's share of the interest investors receive. */
    investorServiceFeeRate: rate('0.5'),
    penaltyDailyRate: rate('0.01'),
    lateFee: yuan,
    graceDays: days,
    reserveRate: rate('0.2'),
    prepaymentFeeRate: rate('0.1'),
    listingDays: z.number().int().min(1).max(60),
    minInvestment: yuan,
    investmentStep: yuan,
    /** The most one investor may hold of one loan, as a share of it. */
    maxInvestorShare: rate('1'),
    overfill: z.enum(['cut', 'refuse']),
    /** At expiry, a listing funded at least this share is disbursed for what it raised; null: never. */
    disburseAtExpiryShare: rate('1').nullable(),
    secondReview: z.boolean(),
    /** The share of a listing reserved for auto-invest before manual bids open. */
    autoInvestShare: rate('1'),
    waterfall: z
      .object({
        order: z.array(z.enum(WATERFALL_KINDS)).length(4),
        /** `installment`: oldest instalment first, every kind of it; `kind`: each kind across instalments. */
        by: z.enum(['installment', 'kind']),
      })
      .refine((w) => new Set(w.order).size === 4, { message: 'waterfall_kinds_repeated' }),
    reserve: z.object({
      advanceInstallmentDays: z.number().int().min(1).max(365),
      advanceAllDays: z.number().int().min(1).max(730),
      writeOffDays: z.number().int().min(1).max(1825),
    }),
    secondary: z.object({
      maxDiscount: rate('0.5'),
      minHoldingDays: days,
      blackoutDays: days,
      listingDays: z.number().int().min(1).max(60),
      sellerFeeRate: rate('0.1'),
    }),
  })
  .strict();
export type ProductConfig = z.infer<typeof productConfigSchema>;

export interface Product {
  readonly id: string;
  readonly version: number;
  readonly status: 'active' | 'retired';
  readonly config: ProductConfig;
  readonly minAmount: bigint;
  readonly maxAmount: bigint;
  readonly amountStep: bigint;
  readonly termUnit: 'month' | 'day';
  readonly terms: readonly number[];
  readonly methods: readonly RepaymentMethod[];
  readonly dayCount: DayCount;
  readonly rounding: RoundingMode;
  readonly grades: readonly string[];
  readonly upfrontFeeRate: Decimal;
  readonly periodFeeRate: Decimal;
  readonly investorServiceFeeRate: Decimal;
  readonly penaltyDailyRate: Decimal;
  readonly lateFee: bigint;
  readonly graceDays: number;
  readonly reserveRate: Decimal;
  readonly prepaymentFeeRate: Decimal;
  readonly listingDays: number;
  readonly minInvestment: bigint;
  readonly investmentStep: bigint;
  readonly maxInvestorShare: Decimal;
  readonly overfill: 'cut' | 'refuse';
  readonly disburseAtExpiryShare: Decimal | null;
  readonly secondReview: boolean;
  readonly autoInvestShare: Decimal;
  readonly waterfall: { order: readonly WaterfallKind[]; by: 'installment' | 'kind' };
  readonly reserve: { advanceInstallmentDays: number; advanceAllDays: number; writeOffDays: number };
  readonly secondary: {
    maxDiscount: Decimal;
    minHoldingDays: number;
    blackoutDays: number;
    listingDays: number;
    sellerFeeRate: Decimal;
  };
  readonly createdAt: Date;
}

const minor = (text: string) => {
  const parsed = parseAmount(text, CNY, { allowZero: true });
  if (!parsed.ok) throw invalid('product_invalid', `not an amount: ${text}`);
  return parsed.value;
};

/** Checks what the schema cannot: amounts that agree with each other. */
export function checkProductConfig(input: unknown): ProductConfig {
  const parsed = productConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid('product_invalid', `${issue.path.join('.') || 'product'}: ${issue.message}`, {
      path: issue.path.join('.'),
    });
  }
  const config = parsed.data;
  const min = minor(config.minAmount);
  const max = minor(config.maxAmount);
  const step = minor(config.amountStep);
  const problem = (message: string) => invalid('product_invalid', message);
  if (min <= 0n || max < min) throw problem('minAmount must be positive and at most maxAmount');
  if (step <= 0n || min % step !== 0n) throw problem('amountStep must be positive and divide minAmount');
  if (minor(config.minInvestment) <= 0n || minor(config.investmentStep) <= 0n)
    throw problem('minInvestment and investmentStep must be positive');
  if (new Decimal(config.maxInvestorShare).lte(0)) throw problem('maxInvestorShare must be positive');
  if (config.termUnit === 'day' && config.methods.some((m) => m !== 'bullet'))
    throw problem('a product with terms in days repays by the bullet method only');
  if (config.reserve.advanceAllDays < config.reserve.advanceInstallmentDays)
    throw problem('reserve.advanceAllDays must not come before advanceInstallmentDays');
  if (config.reserve.writeOffDays < config.reserve.advanceAllDays)
    throw problem('reserve.writeOffDays must not come before advanceAllDays');
  return config;
}

export function toProduct(row: {
  id: string;
  version: number;
  status: 'active' | 'retired';
  config: ProductConfig;
  created_at: Date;
}): Product {
  const c = row.config;
  const d = (text: string) => new Decimal(text);
  return {
    id: row.id,
    version: row.version,
    status: row.status,
    config: c,
    minAmount: minor(c.minAmount),
    maxAmount: minor(c.maxAmount),
    amountStep: minor(c.amountStep),
    termUnit: c.termUnit,
    terms: c.terms,
    methods: c.methods,
    dayCount: c.dayCount,
    rounding: c.rounding,
    grades: c.grades,
    upfrontFeeRate: d(c.upfrontFeeRate),
    periodFeeRate: d(c.periodFeeRate),
    investorServiceFeeRate: d(c.investorServiceFeeRate),
    penaltyDailyRate: d(c.penaltyDailyRate),
    lateFee: minor(c.lateFee),
    graceDays: c.graceDays,
    reserveRate: d(c.reserveRate),
    prepaymentFeeRate: d(c.prepaymentFeeRate),
    listingDays: c.listingDays,
    minInvestment: minor(c.minInvestment),
    investmentStep: minor(c.investmentStep),
    maxInvestorShare: d(c.maxInvestorShare),
    overfill: c.overfill,
    disburseAtExpiryShare: c.disburseAtExpiryShare === null ? null : d(c.disburseAtExpiryShare),
    secondReview: c.secondReview,
    autoInvestShare: d(c.autoInvestShare),
    waterfall: c.waterfall,
    reserve: c.reserve,
    secondary: {
      maxDiscount: d(c.secondary.maxDiscount),
      minHoldingDays: c.secondary.minHoldingDays,
      blackoutDays: c.secondary.blackoutDays,
      listingDays: c.secondary.listingDays,
      sellerFeeRate: d(c.secondary.sellerFeeRate),
    },
    createdAt: row.created_at,
  };
}

/** The products netfin starts with: a monthly personal loan and a 30-day short loan. */
export const DEFAULT_PRODUCTS: Record<string, ProductConfig> = {
  personal: {
    name: 'Personal loan',
    nameZh: '个人信用借款',
    currency: 'CNY',
    minAmount: '1000.00',
    maxAmount: '200000.00',
    amountStep: '100.00',
    termUnit: 'month',
    terms: [3, 6, 9, 12, 18, 24, 36],
    methods: ['equal_installment', 'equal_principal', 'interest_first'],
    dayCount: '30/360',
    rounding: 'half_up',
    grades: ['A', 'B', 'C', 'D', 'E', 'F'],
    upfrontFeeRate: '0.01',
    periodFeeRate: '0',
    investorServiceFeeRate: '0.1',
    penaltyDailyRate: '0.0005',
    lateFee: '20.00',
    graceDays: 3,
    reserveRate: '0.02',
    prepaymentFeeRate: '0.01',
    listingDays: 7,
    minInvestment: '50.00',
    investmentStep: '50.00',
    maxInvestorShare: '0.5',
    overfill: 'cut',
    disburseAtExpiryShare: '0.9',
    secondReview: false,
    autoInvestShare: '0.5',
    waterfall: { order: ['penalty', 'fee', 'interest', 'principal'], by: 'installment' },
    reserve: { advanceInstallmentDays: 30, advanceAllDays: 90, writeOffDays: 180 },
    secondary: {
      maxDiscount: '0.05',
      minHoldingDays: 30,
      blackoutDays: 3,
      listingDays: 7,
      sellerFeeRate: '0.005',
    },
  },
  short: {
    name: 'Short loan',
    nameZh: '短期周转',
    currency: 'CNY',
    minAmount: '500.00',
    maxAmount: '20000.00',
    amountStep: '100.00',
    termUnit: 'day',
    terms: [7, 14, 30, 60, 90],
    methods: ['bullet'],
    dayCount: 'actual/365',
    rounding: 'half_up',
    grades: ['A', 'B', 'C', 'D'],
    upfrontFeeRate: '0',
    periodFeeRate: '0',
    investorServiceFeeRate: '0.1',
    penaltyDailyRate: '0.0005',
    lateFee: '10.00',
    graceDays: 1,
    reserveRate: '0.02',
    prepaymentFeeRate: '0',
    listingDays: 3,
    minInvestment: '50.00',
    investmentStep: '50.00',
    maxInvestorShare: '1',
    overfill: 'cut',
    disburseAtExpiryShare: null,
    secondReview: false,
    autoInvestShare: '0.5',
    waterfall: { order: ['penalty', 'fee', 'interest', 'principal'], by: 'installment' },
    reserve: { advanceInstallmentDays: 30, advanceAllDays: 90, writeOffDays: 180 },
    secondary: {
      maxDiscount: '0.05',
      minHoldingDays: 7,
      blackoutDays: 3,
      listingDays: 7,
      sellerFeeRate: '0.005',
    },
  },
};

interface ProductRow {
  id: string;
  version: number;
  status: 'active' | 'retired';
  config: ProductConfig;
  created_at: Date;
}

const PRODUCT_ID = /^[a-z][a-z0-9_-]{1,39}$/;

export class ProductStore {
  private cache = new Map<string, Product>();

  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly identity: Identity,
  ) {}

  async seed(): Promise<void> {
    for (const [id, config] of Object.entries(DEFAULT_PRODUCTS)) {
      await sql`insert into lending_products (id, version, status, name, config, created_at, created_by)
                values (${id}, 1, 'active', ${config.name}, ${JSON.stringify(config)}::jsonb, ${this.clock.now()}, 'system')
                on conflict do nothing`.execute(this.db);
    }
  }

  /** The current version of a product (the latest), active or not. */
  async current(id: string, db: Executor = this.db): Promise<Product> {
    const rows = await sql<ProductRow>`select id, version, status, config, created_at from lending_products
      where id = ${id} order by version desc limit 1`.execute(db);
    const row = rows.rows[0];
    if (!row) throw notFound('product_not_found', `no loan product ${id}`);
    return toProduct(row);
  }

  /** A given version: immutable, so it is cached. */
  async version(id: string, version: number, db: Executor = this.db): Promise<Product> {
    const key = `${id}@${version}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const rows = await sql<ProductRow>`select id, version, status, config, created_at from lending_products
      where id = ${id} and version = ${version}`.execute(db);
    const row = rows.rows[0];
    if (!row) throw notFound('product_not_found', `no loan product ${id} version ${version}`);
    const product = toProduct(row);
    this.cache.set(key, product);
    return product;
  }

  async list(): Promise<Product[]> {
    const rows = await sql<ProductRow>`select distinct on (id) id, version, status, config, created_at
      from lending_products order by id, version desc`.execute(this.db);
    return rows.rows.map(toProduct);
  }

  async versions(id: string): Promise<Product[]> {
    const rows = await sql<ProductRow>`select id, version, status, config, created_at from lending_products
      where id = ${id} order by version desc`.execute(this.db);
    if (rows.rows.length === 0) throw notFound('product_not_found', `no loan product ${id}`);
    return rows.rows.map(toProduct);
  }

  /** Creates a product (version 1) or a new version of one; `retired` stops new applications. */
  async save(
    id: string,
    input: { config: unknown; status?: 'active' | 'retired' | undefined },
    context: AuditContext,
  ): Promise<Product> {
    if (!PRODUCT_ID.test(id))
      throw invalid(
        'product_id_malformed',
        'a product id is 2-40 of a-z, 0-9, _ and -, starting with a letter',
      );
    const config = checkProductConfig(input.config);
    const status = input.status ?? 'active';
    const saved = await this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`netfin:product:${id}`}))`.execute(trx);
      const latest = await sql<{ version: number }>`select coalesce(max(version), 0)::int as version
        from lending_products where id = ${id}`.execute(trx);
      const version = latest.rows[0]!.version + 1;
      await sql`insert into lending_products (id, version, status, name, config, created_at, created_by)
                values (${id}, ${version}, ${status}, ${config.name}, ${JSON.stringify(config)}::jsonb, ${this.clock.now()}, ${actorId(context.principal)})`.execute(
        trx,
      );
      await this.identity.audit(
        context,
        {
          action: version === 1 ? 'lending.product_created' : 'lending.product_changed',
          subjectType: 'loan_product',
          subjectId: `${id}@${version}`,
          after: { status, config },
        },
        trx,
      );
      return version;
    });
    return this.version(id, saved).then((p) => ({ ...p, status }));
  }
}
