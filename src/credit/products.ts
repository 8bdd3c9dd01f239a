import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { type Clock, notFound } from '../kernel/index.ts';

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
}
