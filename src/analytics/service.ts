import type { BatchStep } from '../batch/index.ts';
import { csvDocument, DomainError, type PlainDate } from '../kernel/index.ts';
import type { AnalyticsArea } from './area.ts';
import { type CohortRow, cohortMatrix } from './areas/users-cohorts.ts';
import { type BackfillOptions, type BackfillReport, backfill } from './backfill.ts';
import type { AnalyticsContext } from './context.ts';
import { analyticsDayStep } from './day-step.ts';
import type { MetricDefinition } from './metrics.ts';
import { type ReadSource, readSource } from './read-source.ts';
import { readSeries, type Series, type SeriesQuery } from './series.ts';
import { latestComputedDate, readFacts, type StoredFact } from './store.ts';

export interface AnalyticsOptions extends AnalyticsContext {
  readonly areas: readonly AnalyticsArea[];
}

const MAX_RANGE_DAYS = 732;

/** Operations analytics: the day's facts by area, written by the day-close, read by the dashboards. See docs/analytics.md. */
export class Analytics {
  private readonly context: AnalyticsContext;
  readonly areas: readonly AnalyticsArea[];
  private readonly catalogue: ReadonlyMap<string, MetricDefinition>;

  constructor(options: AnalyticsOptions) {
    this.context = { db: options.db, readDb: options.readDb, clock: options.clock };
    this.areas = options.areas;
    const catalogue = new Map<string, MetricDefinition>();
    for (const area of options.areas) {
      if (this.areas.filter((a) => a.name === area.name).length > 1)
        throw new Error(`analytics area registered twice: ${area.name}`);
      for (const m of area.metrics) {
        if (!m.name.startsWith(`${area.name}.`))
          throw new Error(`metric ${m.name} is not of area ${area.name}`);
        catalogue.set(m.name, m);
      }
    }
    this.catalogue = catalogue;
  }

  daySteps(): BatchStep[] {
    return [analyticsDayStep(this.context, this.areas, () => this.suspensions > 0)];
  }

  private suspensions = 0;

  /**
   * Until the returned function is called, day-closes compute no analytics (the step plans no
   * chunk): for writing months of history at once (the demo), whose dates a backfill computes
   * afterwards, off the critical path. The dates closed meanwhile are simply not computed, so the
   * backfill (which skips only computed dates) fills them in.
   */
  suspendDaySteps(): () => void {
    this.suspensions += 1;
    let resumed = false;
    return () => {
      if (!resumed) this.suspensions -= 1;
      resumed = true;
    };
  }

  /** Every metric, its unit, dimensions and meaning. */
  metrics(): MetricDefinition[] {
    return [...this.catalogue.values()];
  }

  backfill(options: BackfillOptions): Promise<BackfillReport> {
    return backfill(this.context, this.areas, options);
  }

  /** The last business date every area has computed (what the dashboards' "as of" shows), or null. */
  latestDate(): Promise<PlainDate | null> {
    return latestComputedDate(
      this.context.readDb,
      this.areas.map((a) => a.name),
    );
  }

  /** Where the pages read from (primary or replica) and the replica's lag. */
  source(): Promise<ReadSource> {
    return readSource(this.context);
  }

  /**
   * The public disclosure: the facts of the last date the disclosure area has computed (from the read
   * database), or null before the first. Only counts, sums and ratios are ever written there.
   */
  async disclosure(): Promise<{ businessDate: PlainDate; facts: StoredFact[] } | null> {
    const area = this.areas.find((a) => a.name === 'disclosure');
    if (!area) return null;
    const businessDate = await latestComputedDate(this.context.readDb, [area.name]);
    if (businessDate === null) return null;
    const facts = await readFacts(this.context.readDb, {
      metrics: area.metrics.map((m) => m.name),
      from: businessDate,
      to: businessDate,
    });
    return { businessDate, facts };
  }

  /** Series of metrics over a range, from the read database. Unknown metrics and dimensions are 400s. */
  async series(query: SeriesQuery): Promise<Series[]> {
    if (query.metrics.length === 0)
      throw new DomainError('metric_required', 'invalid', 'name at least one metric');
    for (const name of query.metrics) {
      const metric = this.catalogue.get(name);
      if (!metric) throw new DomainError('unknown_metric', 'invalid', `no metric ${name}`);
      for (const key of [...Object.keys(query.filter ?? {}), ...(query.by ?? [])])
        if (!metric.dimensions.includes(key))
          throw new DomainError('unknown_dimension', 'invalid', `metric ${name} has no dimension ${key}`);
    }
    if (query.from > query.to)
      throw new DomainError('bad_range', 'invalid', `from ${query.from} is after to ${query.to}`);
    const days = (Date.parse(query.to) - Date.parse(query.from)) / 86_400_000;
    if (days > MAX_RANGE_DAYS)
      throw new DomainError('range_too_long', 'invalid', `at most ${MAX_RANGE_DAYS} days`);
    return readSeries(this.context.readDb, this.catalogue, query);
  }

  /** The users' retention matrix (sign-up week cohorts × weeks 1, 2, 4, 8, 12), from the read database. */
  userCohorts(range: { from: PlainDate; to: PlainDate }): Promise<CohortRow[]> {
    return cohortMatrix(this.context.readDb, range);
  }

  /** The same series as a CSV document (UTF-8 with its mark, for spreadsheets): metric, period, dimension, value, unit. */
  async seriesCsv(query: SeriesQuery): Promise<string> {
    const series = await this.series(query);
    const lines: unknown[][] = [['metric', 'period', 'dimension', 'value', 'unit']];
    for (const s of series)
      for (const p of s.points)
        lines.push([
          s.metric,
          p.period,
          Object.entries(p.dimension)
            .map(([k, v]) => `${k}=${v}`)
            .join(';'),
          p.value,
          s.currency ?? s.unit,
        ]);
    return csvDocument(lines);
  }
}
