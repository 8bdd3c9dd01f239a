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
}

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
