import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import { type AuditContext, actorId, type Identity } from '../identity/index.ts';
import { type Clock, Decimal, invalid, notFound, type PlainDate, parseDecimal } from '../kernel/index.ts';
import { REPAYMENT_METHODS } from '../lending/index.ts';
import { instalmentApr } from './apr.ts';

/**
 * Line products: the configured defaults a line is granted under. Amounts are minor units as decimal
 * digit strings in the stored JSON (bigint does not survive JSON), rates exact decimal strings. A
 * product is versioned like lending's: a line keeps the version it was granted under.
 */
export interface LineProductConfig {
  readonly name: string;
  /** Bounds of the limit a decision may grant, minor units. */
  readonly minLimit: string;
  readonly maxLimit: string;
  /** The daily rate of cash draws when the decision gives none, e.g. "0.0003" (0.03% a day). */
  readonly dailyRate: string;
  /** The most a decision may set as the daily rate (the regulator's cap, 24% a year ÷ 365 here). */
  readonly maxDailyRate: string;
  /** The total fee of a purchase in n monthly instalments, as a share of the amount, by n. */
  readonly instalmentFees: Readonly<Record<string, string>>;
  /** Months until a line is reviewed. */
  readonly reviewMonths: number;
  /** The smallest cash draw, minor units. */
  readonly minDraw: string;
  /** Billing (absent in products stored before it existed: BILLING_DEFAULTS apply). */
  readonly billing?: Partial<BillingConfig>;
}

/** How a line bills: its cycle, the minimum payment, penalties, refunds, funding. */
export interface BillingConfig {
  /** The statement days a customer may choose (of the month, 1-28) and the default. */
  readonly statementDayMin: number;
  readonly statementDayMax: number;
  readonly statementDay: number;
  /** Days from the statement to its due date: bounds and default (statement on the 1st, due the 10th). */
  readonly graceDaysMin: number;
  readonly graceDaysMax: number;
  readonly graceDays: number;
  /** The minimum payment: this share of the principal billed, plus every fee, interest and penalty billed. */
  readonly minPaymentRate: string;
  /** Penalty interest a day on what is unpaid after the due date. */
  readonly penaltyDailyRate: string;
  /** A merchant's refund of an instalment purchase: its fee given back pro rata, or only the unbilled part. */
  readonly feeRefund: 'pro_rata' | 'unbilled_only';
  /** The instalment counts a cash draw may be repaid in, and lending's schedule methods allowed. */
  readonly drawInstalments: readonly number[];
  readonly drawMethods: readonly string[];
  /** Whether a cash draw's instalment loan may be assigned to marketplace investors as a listing. */
  readonly assignable: boolean;
  /** Days before the due date on which a reminder is sent. */
  readonly reminderDays: readonly number[];
  /** The yearly cost of the platform's own funds lent through the line (accrued daily ÷ 365). */
  readonly fundingCostRate: string;
}

export const BILLING_DEFAULTS: BillingConfig = {
  statementDayMin: 1,
  statementDayMax: 28,
  statementDay: 1,
  graceDaysMin: 5,
  graceDaysMax: 20,
  graceDays: 9,
  minPaymentRate: '0.10',
  penaltyDailyRate: '0.0005',
  feeRefund: 'pro_rata',
  drawInstalments: [3, 6, 12],
  drawMethods: ['equal_installment', 'equal_principal'],
  assignable: false,
  reminderDays: [3, 1],
  fundingCostRate: '0.04',
};

export interface LineProduct {
  readonly id: string;
  readonly version: number;
  readonly status: 'active' | 'retired';
  readonly name: string;
  readonly minLimit: bigint;
  readonly maxLimit: bigint;
  readonly dailyRate: string;
  readonly maxDailyRate: string;
  readonly instalmentFees: Readonly<Record<string, string>>;
  readonly reviewMonths: number;
  readonly minDraw: bigint;
  readonly billing: BillingConfig;
}

export const DEFAULT_LINE_PRODUCTS: Record<string, LineProductConfig> = {
  'everyday-credit': {
    name: 'Everyday credit line',
    minLimit: '50000',
    maxLimit: '5000000',
    dailyRate: '0.0003',
    maxDailyRate: '0.00065',
    instalmentFees: { '3': '0.025', '6': '0.045', '12': '0.088' },
    reviewMonths: 6,
    minDraw: '10000',
  },
};

interface ProductRow {
  id: string;
  version: number;
  status: 'active' | 'retired';
  config: LineProductConfig;
}

function toProduct(row: ProductRow): LineProduct {
  const c = row.config;
  return {
    id: row.id,
    version: row.version,
    status: row.status,
    name: c.name,
    minLimit: BigInt(c.minLimit),
    maxLimit: BigInt(c.maxLimit),
    dailyRate: c.dailyRate,
    maxDailyRate: c.maxDailyRate,
    instalmentFees: c.instalmentFees,
    reviewMonths: c.reviewMonths,
    minDraw: BigInt(c.minDraw),
    billing: { ...BILLING_DEFAULTS, ...(c.billing ?? {}) },
  };
}

export class LineProductStore {
  private readonly cache = new Map<string, LineProduct>();

  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly identity?: Pick<Identity, 'audit'>,
  ) {}

  async seed(): Promise<void> {
    for (const [id, config] of Object.entries(DEFAULT_LINE_PRODUCTS))
      await sql`insert into credit_line_products (id, version, status, name, config, created_at, created_by)
        values (${id}, 1, 'active', ${config.name}, ${JSON.stringify(config)}::jsonb, ${this.clock.now()}, 'system')
        on conflict do nothing`.execute(this.db);
  }

  async current(id: string, db: Executor = this.db): Promise<LineProduct> {
    const rows = await sql<ProductRow>`select id, version, status, config from credit_line_products
      where id = ${id} order by version desc limit 1`.execute(db);
    if (!rows.rows[0]) throw notFound('line_product_not_found', `no line product ${id}`);
    return toProduct(rows.rows[0]);
  }

  /** A given version: immutable, so it is cached. */
  async version(id: string, version: number, db: Executor = this.db): Promise<LineProduct> {
    const key = `${id}@${version}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const rows = await sql<ProductRow>`select id, version, status, config from credit_line_products
      where id = ${id} and version = ${version}`.execute(db);
    if (!rows.rows[0]) throw notFound('line_product_not_found', `no line product ${id} version ${version}`);
    const product = toProduct(rows.rows[0]);
    this.cache.set(key, product);
    return product;
  }

  async list(): Promise<LineProduct[]> {
    const rows = await sql<ProductRow>`select distinct on (id) id, version, status, config
      from credit_line_products order by id, version desc`.execute(this.db);
    return rows.rows.map(toProduct);
  }

  /**
   * Publishes a new version of a product: the fields given replace the current version's (billing
   * field by field), the whole is checked (checkProductConfig), and the change is audited in the
   * same transaction. Lines granted before keep the version they were granted under; new lines take
   * this one. Publishers of one product queue on a lock, so versions never collide.
   */
  async publish(id: string, patch: LineProductPatch, by: AuditContext): Promise<LineProduct> {
    const version = await inTransaction(this.db, async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`netfin:credit-product:${id}`}))`.execute(trx);
      const before = await this.current(id, trx);
      const rows = await sql<ProductRow>`select id, version, status, config from credit_line_products
        where id = ${id} and version = ${before.version}`.execute(trx);
      const old = rows.rows[0]!.config;
      const config = checkProductConfig(
        {
          ...old,
          ...withoutUndefined(patch),
          billing: { ...BILLING_DEFAULTS, ...(old.billing ?? {}), ...withoutUndefined(patch.billing ?? {}) },
        },
        this.clock.businessDate(),
      );
      const next = before.version + 1;
      await sql`insert into credit_line_products (id, version, status, name, config, created_at, created_by)
        values (${id}, ${next}, 'active', ${config.name}, ${JSON.stringify(config)}::jsonb, ${this.clock.now()},
                ${actorId(by.principal)})`.execute(trx);
      if (!this.identity) throw new Error('a product store without identity cannot publish');
      await this.identity.audit(
        by,
        {
          action: 'credit.product.published',
          subjectType: 'credit_line_product',
          subjectId: `${id}@${next}`,
          before: { version: before.version, config: old },
          after: { version: next, config },
        },
        trx,
      );
      return next;
    });
    return this.version(id, version);
  }
}

/** What a new version changes: any of the config's fields, billing's field by field. */
export type LineProductPatch = Partial<Omit<LineProductConfig, 'billing'>> & {
  readonly billing?: Partial<BillingConfig>;
};

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The regulator's cap on the yearly cost of consumer credit, every fee included (as risk's policy). */
export const MAX_ANNUAL_COST = '0.24';
/** The instalment counts a purchase may be offered in (the fee table's keys). */
export const INSTALMENT_COUNTS = ['3', '6', '12'] as const;

function rate(text: unknown, field: string): Decimal {
  const parsed = typeof text === 'string' ? parseDecimal(text) : null;
  if (!parsed?.ok || parsed.value.decimalPlaces() > 8)
    throw invalid('product_rate_malformed', `${field} must be a decimal rate of at most 8 places`, { field });
  return parsed.value;
}

function amount(text: unknown, field: string): bigint {
  if (typeof text !== 'string' || !/^[1-9][0-9]{0,15}$/.test(text))
    throw invalid('product_amount_malformed', `${field} must be a positive amount`, { field });
  return BigInt(text);
}

function whole(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw invalid('product_field_out_of_range', `${field} must be a whole number from ${min} to ${max}`, {
      field,
    });
  return value;
}

function refuse(code: string, message: string, details?: unknown): never {
  throw invalid(code, message, details);
}

/**
 * A product's settings checked as a whole: bounds ordered (smallest draw ≤ smallest limit ≤
 * largest), rates within caps (the default daily rate ≤ the largest, which with the penalty rate
 * is within the regulator's 24% a year; each instalment option's APR by IRR, fee included, too),
 * the fee table's keys among 3, 6 and 12 months, and billing's fields within their bounds.
 */
export function checkProductConfig(config: LineProductConfig, on: PlainDate): LineProductConfig {
  const cap = new Decimal(MAX_ANNUAL_COST);
  const name = typeof config.name === 'string' ? config.name.trim() : '';
  if (name.length === 0 || name.length > 100) refuse('product_name_invalid', 'a name of 1 to 100 characters');
  const minLimit = amount(config.minLimit, 'minLimit');
  const maxLimit = amount(config.maxLimit, 'maxLimit');
  const minDraw = amount(config.minDraw, 'minDraw');
  if (minLimit > maxLimit) refuse('product_bounds_unordered', 'minLimit must not exceed maxLimit');
  if (minDraw > minLimit) refuse('product_bounds_unordered', 'minDraw must not exceed minLimit');
  const daily = rate(config.dailyRate, 'dailyRate');
  const maxDaily = rate(config.maxDailyRate, 'maxDailyRate');
  if (daily.lte(0)) refuse('product_rate_out_of_range', 'dailyRate must be above zero');
  if (daily.gt(maxDaily)) refuse('product_rate_above_cap', 'dailyRate must not exceed maxDailyRate');
  if (maxDaily.times(365).gt(cap))
    refuse('product_rate_above_cap', `maxDailyRate × 365 must not exceed ${MAX_ANNUAL_COST}`);
  const fees = config.instalmentFees;
  if (typeof fees !== 'object' || fees === null || Object.keys(fees).length === 0)
    refuse('product_fee_table_invalid', 'the fee table needs at least one instalment count');
  for (const [months, share] of Object.entries(fees)) {
    if (!(INSTALMENT_COUNTS as readonly string[]).includes(months))
      refuse('product_fee_table_invalid', `instalment counts are ${INSTALMENT_COUNTS.join(', ')}`, {
        months,
      });
    const fee = rate(share, `instalmentFees.${months}`);
    if (fee.gte(1)) refuse('product_rate_out_of_range', 'a fee is a share of the amount below 1');
    if (new Decimal(instalmentApr(Number(months), fee.toFixed(), on)).gt(cap))
      refuse(
        'product_rate_above_cap',
        `the APR of ${months} instalments must not exceed ${MAX_ANNUAL_COST}`,
        {
          months,
        },
      );
  }
  whole(config.reviewMonths, 'reviewMonths', 1, 36);
  const b = { ...BILLING_DEFAULTS, ...(config.billing ?? {}) };
  whole(b.statementDayMin, 'billing.statementDayMin', 1, 28);
  whole(b.statementDayMax, 'billing.statementDayMax', 1, 28);
  whole(b.statementDay, 'billing.statementDay', 1, 28);
  if (!(b.statementDayMin <= b.statementDay && b.statementDay <= b.statementDayMax))
    refuse('product_bounds_unordered', 'statementDayMin ≤ statementDay ≤ statementDayMax');
  // At most 27 days, so that a statement falls due before the next is drawn up, even in February.
  whole(b.graceDaysMin, 'billing.graceDaysMin', 1, 27);
  whole(b.graceDaysMax, 'billing.graceDaysMax', 1, 27);
  whole(b.graceDays, 'billing.graceDays', 1, 27);
  if (!(b.graceDaysMin <= b.graceDays && b.graceDays <= b.graceDaysMax))
    refuse('product_bounds_unordered', 'graceDaysMin ≤ graceDays ≤ graceDaysMax');
  const minPayment = rate(b.minPaymentRate, 'billing.minPaymentRate');
  if (minPayment.lte(0) || minPayment.gt(1))
    refuse('product_rate_out_of_range', 'minPaymentRate is a share above 0, at most 1');
  if (rate(b.penaltyDailyRate, 'billing.penaltyDailyRate').times(365).gt(cap))
    refuse('product_rate_above_cap', `penaltyDailyRate × 365 must not exceed ${MAX_ANNUAL_COST}`);
  if (rate(b.fundingCostRate, 'billing.fundingCostRate').gte(1))
    refuse('product_rate_out_of_range', 'fundingCostRate is a yearly rate below 1');
  if (b.feeRefund !== 'pro_rata' && b.feeRefund !== 'unbilled_only')
    refuse('product_field_out_of_range', 'feeRefund is pro_rata or unbilled_only');
  const counts = [...new Set(b.drawInstalments)];
  if (
    counts.length === 0 ||
    counts.some((n) => !(INSTALMENT_COUNTS as readonly string[]).includes(String(n)))
  )
    refuse('product_field_out_of_range', `drawInstalments are among ${INSTALMENT_COUNTS.join(', ')}`);
  const methods = [...new Set(b.drawMethods)];
  if (methods.length === 0 || methods.some((m) => !(REPAYMENT_METHODS as readonly string[]).includes(m)))
    refuse('product_field_out_of_range', `drawMethods are among ${REPAYMENT_METHODS.join(', ')}`);
  if (typeof b.assignable !== 'boolean') refuse('product_field_out_of_range', 'assignable is true or false');
  const reminders = [...new Set(b.reminderDays)].sort((x, y) => y - x);
  for (const d of reminders) whole(d, 'billing.reminderDays', 0, b.graceDaysMax);
  return {
    ...config,
    name,
    billing: {
      ...b,
      drawInstalments: counts.sort((x, y) => x - y),
      drawMethods: methods,
      reminderDays: reminders,
    },
  };
}
