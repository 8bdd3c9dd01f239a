import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Analytics, type AnalyticsArea, defineMetrics, type Fact } from '../../src/analytics/index.ts';
import { DomainError, type PlainDate } from '../../src/kernel/index.ts';
import { openTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * The analytics store with a probe area whose facts are known by construction: a flow (summed over
 * days), a stock (read at a period's last day) and a ratio, by a dimension. What is written again
 * replaces itself; weeks and months roll up exactly; a backfill skips what is computed and resumes.
 */
describe('analytics: facts, series and backfill', () => {
  let t: TestPlatform;
  let analytics: Analytics;
  const calls: PlainDate[] = [];
  // The probe's facts of a date: the day of the month drives every figure.
  const factsOf = (date: PlainDate): Fact[] => {
    const day = Number(date.slice(8));
    return [
      { metric: 'probe.events', dimension: { kind: 'a' }, value: day },
      { metric: 'probe.events', dimension: { kind: 'b' }, value: 2 * day },
      { metric: 'probe.events', value: 3 * day },
      { metric: 'probe.level', value: BigInt(day) * 100_001n },
      { metric: 'probe.share', value: `0.${String(day).padStart(2, '0')}` },
    ];
  };
  const probe: AnalyticsArea = {
    name: 'probe',
    metrics: defineMetrics('probe', [
      {
        name: 'events',
        unit: 'count',
        rollup: 'sum',
        dimensions: ['kind'],
        description: 'events of the day',
      },
      {
        name: 'level',
        unit: 'money',
        rollup: 'last',
        dimensions: [],
        description: 'a balance at the day end',
      },
      { name: 'share', unit: 'ratio', rollup: 'last', dimensions: [], description: 'a share at the day end' },
    ]),
    async collect(_trx, date) {
      calls.push(date);
      return factsOf(date);
    },
  };

  beforeAll(async () => {
    t = await openTestPlatform();
    const { db, clock } = t.platform;
    analytics = new Analytics({ db, readDb: db, clock, areas: [probe] });
  });
  afterAll(() => t?.close());

  it('backfills a range once, skips it the second time, and recomputes with force', async () => {
    const first = await analytics.backfill({
      from: '2026-03-01' as PlainDate,
      to: '2026-03-31' as PlainDate,
      lastClosed: '2026-04-30' as PlainDate,
    });
    expect(first).toEqual({ days: 31, computed: 31, skipped: 0, facts: 31 * 5, stopped: false });
    calls.length = 0;
    const again = await analytics.backfill({
      from: '2026-03-01' as PlainDate,
      to: '2026-04-02' as PlainDate,
      lastClosed: '2026-04-30' as PlainDate,
    });
    expect(again).toEqual({ days: 33, computed: 2, skipped: 31, facts: 10, stopped: false });
    expect(calls).toEqual(['2026-04-01', '2026-04-02']);
    const forced = await analytics.backfill({
      from: '2026-03-05' as PlainDate,
      to: '2026-03-05' as PlainDate,
      lastClosed: '2026-04-30' as PlainDate,
      force: true,
    });
    expect(forced.computed).toBe(1);
    expect(await analytics.latestDate()).toBe('2026-04-02');
  });

  it('refuses a date not yet closed, a reversed range and an unknown area, writing nothing', async () => {
    const refused = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: unknown) => (e instanceof DomainError ? e.code : e),
      );
    expect(
      await refused(
        analytics.backfill({
          from: '2026-05-01' as PlainDate,
          to: '2026-05-02' as PlainDate,
          lastClosed: '2026-05-01' as PlainDate,
        }),
      ),
    ).toBe('date_not_closed');
    expect(
      await refused(
        analytics.backfill({
          from: '2026-05-02' as PlainDate,
          to: '2026-05-01' as PlainDate,
          lastClosed: '2026-05-09' as PlainDate,
        }),
      ),
    ).toBe('bad_range');
    expect(
      await refused(
        analytics.backfill({
          from: '2026-05-01' as PlainDate,
          to: '2026-05-01' as PlainDate,
          lastClosed: '2026-05-09' as PlainDate,
          areas: ['nope'],
        }),
      ),
    ).toBe('unknown_area');
    expect(await analytics.latestDate()).toBe('2026-04-02');
  });

  it('stops where asked, and a second run finishes only what is left', async () => {
    let asked = 0;
    const range = {
      from: '2026-06-01' as PlainDate,
      to: '2026-06-05' as PlainDate,
      lastClosed: '2026-06-30' as PlainDate,
    };
    const first = await analytics.backfill({ ...range, stop: () => ++asked > 3 });
    expect(first).toMatchObject({ computed: 3, stopped: true });
    calls.length = 0;
    const rest = await analytics.backfill(range);
    expect(rest).toMatchObject({ computed: 2, skipped: 3, stopped: false });
    expect(calls).toEqual(['2026-06-04', '2026-06-05']);
  });

  it('plans no chunk while its day step is suspended, and every area again once resumed', async () => {
    const [step] = analytics.daySteps();
    const resume = analytics.suspendDaySteps();
    expect(await step!.plan!(t.platform.db, '2026-07-01' as PlainDate)).toEqual([]);
    resume();
    resume(); // a second call changes nothing
    expect(await step!.plan!(t.platform.db, '2026-07-01' as PlainDate)).toEqual([{ area: 'probe' }]);
  });

  it('sums a flow over weeks and months, exactly, and keeps its total apart from its parts', async () => {
    const [total] = await analytics.series({
      metrics: ['probe.events'],
      from: '2026-03-01' as PlainDate,
      to: '2026-03-31' as PlainDate,
      granularity: 'month',
    });
    // 3 × (1 + ... + 31) = 1488: the total only, never the total plus its breakdown.
    expect(total!.points).toEqual([{ period: '2026-03-01', dimension: {}, value: '1488' }]);
    const [byKind] = await analytics.series({
      metrics: ['probe.events'],
      from: '2026-03-01' as PlainDate,
      to: '2026-03-31' as PlainDate,
      granularity: 'month',
      by: ['kind'],
    });
    expect(byKind!.points.map((p) => [p.dimension.kind, p.value])).toEqual([
      ['a', '496'],
      ['b', '992'],
    ]);
    const [onlyB] = await analytics.series({
      metrics: ['probe.events'],
      from: '2026-03-02' as PlainDate,
      to: '2026-03-15' as PlainDate,
      granularity: 'week',
      filter: { kind: 'b' },
    });
    // 2026-03-02 is a Monday: weeks 2-8 and 9-15.
    expect(onlyB!.points).toEqual([
      { period: '2026-03-02', dimension: { kind: 'b' }, value: String(2 * (2 + 3 + 4 + 5 + 6 + 7 + 8)) },
      {
        period: '2026-03-09',
        dimension: { kind: 'b' },
        value: String(2 * (9 + 10 + 11 + 12 + 13 + 14 + 15)),
      },
    ]);
  });

  it('reads a stock and a ratio at the last day of each period, money in major units', async () => {
    const [level, share] = await analytics.series({
      metrics: ['probe.level', 'probe.share'],
      from: '2026-03-25' as PlainDate,
      to: '2026-04-02' as PlainDate,
      granularity: 'month',
    });
    expect(level!.currency).toBe('CNY');
    expect(level!.points.map((p) => [p.period, p.value])).toEqual([
      ['2026-03-01', '31000.31'],
      ['2026-04-01', '2000.02'],
    ]);
    expect(share!.points.map((p) => p.value)).toEqual(['0.31', '0.02']);
    const csv = await analytics.seriesCsv({
      metrics: ['probe.level'],
      from: '2026-04-01' as PlainDate,
      to: '2026-04-02' as PlainDate,
    });
    expect(csv).toBe(
      '\uFEFFmetric,period,dimension,value,unit\r\nprobe.level,2026-04-01,,1000.01,CNY\r\nprobe.level,2026-04-02,,2000.02,CNY\r\n',
    );
  });

  it('refuses an unknown metric or dimension with a code', async () => {
    const code = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: unknown) => (e as DomainError).code,
      );
    expect(
      await code(
        analytics.series({
          metrics: ['probe.nope'],
          from: '2026-03-01' as PlainDate,
          to: '2026-03-02' as PlainDate,
        }),
      ),
    ).toBe('unknown_metric');
    expect(
      await code(
        analytics.series({
          metrics: ['probe.level'],
          from: '2026-03-01' as PlainDate,
          to: '2026-03-02' as PlainDate,
          by: ['kind'],
        }),
      ),
    ).toBe('unknown_dimension');
  });

  it('throws, writing nothing, when an area gives a fact it did not declare', async () => {
    const sloppy: AnalyticsArea = {
      ...probe,
      name: 'probe',
      collect: async () => [{ metric: 'probe.undeclared', value: 1 }],
    };
    const other = new Analytics({
      db: t.platform.db,
      readDb: t.platform.db,
      clock: t.platform.clock,
      areas: [sloppy],
    });
    await expect(
      other.backfill({
        from: '2026-03-10' as PlainDate,
        to: '2026-03-10' as PlainDate,
        lastClosed: '2026-04-30' as PlainDate,
        force: true,
      }),
    ).rejects.toThrow(/did not declare/);
    const [events] = await analytics.series({
      metrics: ['probe.events'],
      from: '2026-03-10' as PlainDate,
      to: '2026-03-10' as PlainDate,
    });
    expect(events!.points[0]!.value).toBe('30');
  });
});
