import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { invalid, type PlainDate } from '../kernel/index.ts';

/**
 * Reading the portraits the day-close wrote: one customer's, or a page of them by class, tag, asset
 * band or risk class, in id order (keyset: `after` is the last id of the previous page).
 */
export interface StoredPortrait {
  readonly userId: string;
  /** The business date the portrait is right as of (the last close). */
  readonly asOf: PlainDate;
  /** The business date it was last recomputed (the close found nothing that could change it since). */
  readonly computedOn: PlainDate;
  readonly aum: bigint;
  readonly aumBand: string;
  readonly contribution: bigint;
  readonly worstDpd: number;
  readonly class: 'A' | 'B' | 'C' | null;
  readonly classReason: string | null;
  readonly classSince: PlainDate | null;
  readonly ruleTags: string[];
  readonly staffTags: string[];
  readonly data: Record<string, any>;
  readonly computedAt: Date;
}

interface Row {
  user_id: string;
  as_of: string;
  computed_on: string;
  aum: bigint;
  aum_band: string;
  contribution: bigint;
  worst_dpd: number;
  class: 'A' | 'B' | 'C' | null;
  class_reason: string | null;
  class_since: string | null;
  rule_tags: string[];
  staff_tags: string[] | null;
  data: Record<string, any>;
  computed_at: Date;
}

// A portrait not recomputed at the last close is still right as of it (docs/crm.md): its date is the
// last close's (the basis row's), and computedOn the date it was last recomputed.
const COLUMNS = sql`p.user_id, greatest(p.as_of, (select b.computed_on from crm_portrait_basis b))::text as as_of,
  p.as_of::text as computed_on, p.aum, p.aum_band, p.contribution, p.worst_dpd, p.class,
  p.class_reason, p.class_since::text as class_since, p.rule_tags, p.data, p.computed_at,
  (select array_agg(t.tag order by t.tag) from crm_staff_tags t where t.user_id = p.user_id and t.removed_at is null) as staff_tags`;

const toPortrait = (r: Row): StoredPortrait => ({
  userId: r.user_id,
  asOf: r.as_of as PlainDate,
  computedOn: r.computed_on as PlainDate,
  aum: BigInt(r.aum),
  aumBand: r.aum_band,
  contribution: BigInt(r.contribution),
  worstDpd: Number(r.worst_dpd),
  class: r.class,
  classReason: r.class_reason,
  classSince: r.class_since as PlainDate | null,
  ruleTags: r.rule_tags,
  staffTags: r.staff_tags ?? [],
  data: r.data,
  computedAt: r.computed_at,
});

export async function readPortrait(db: Executor, userId: string): Promise<StoredPortrait | null> {
  const rows =
    await sql<Row>`select ${COLUMNS} from crm_portraits p where p.user_id = ${userId}::uuid`.execute(db);
  return rows.rows[0] ? toPortrait(rows.rows[0]) : null;
}

export interface PortraitFilter {
  readonly class?: 'A' | 'B' | 'C' | undefined;
  readonly tag?: string | undefined;
  readonly band?: string | undefined;
  readonly riskClass?: string | undefined;
  readonly after?: string | undefined;
  readonly limit: number;
}

export async function listPortraits(db: Executor, filter: PortraitFilter): Promise<StoredPortrait[]> {
  if (filter.limit < 1 || filter.limit > 200) throw invalid('limit_out_of_range', 'limit is 1 to 200');
  const rows = await sql<Row>`
    select ${COLUMNS} from crm_portraits p
    where ${filter.class === undefined ? sql`true` : sql`p.class = ${filter.class}`}
      and ${filter.band === undefined ? sql`true` : sql`p.aum_band = ${filter.band}`}
      and ${filter.riskClass === undefined ? sql`true` : sql`p.data->'risk'->>'class' = ${filter.riskClass}`}
      and ${
        filter.tag === undefined
          ? sql`true`
          : sql`(${filter.tag} = any(p.rule_tags) or exists (select 1 from crm_staff_tags t
                 where t.user_id = p.user_id and t.tag = ${filter.tag} and t.removed_at is null))`
      }
      and ${filter.after === undefined ? sql`true` : sql`p.user_id > ${filter.after}::uuid`}
    order by p.user_id limit ${filter.limit}`.execute(db);
  return rows.rows.map(toPortrait);
}
