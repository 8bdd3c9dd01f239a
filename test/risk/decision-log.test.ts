import { type KyselyPlugin, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { plainDate, uuidv7 } from '../../src/kernel/index.ts';
import { pinModels } from '../../src/risk/decide.ts';
import {
  DecisionLog,
  type DecisionRow,
  insertDecisions,
  ROWS_PER_INSERT,
} from '../../src/risk/decision-log.ts';
import { decodeTrace } from '../../src/risk/engine.ts';
import { GraphStore } from '../../src/risk/graphs.ts';
import { DEFAULT_GRAPH_NAME, stripSourceResponsesBefore } from '../../src/risk/index.ts';
import { ModelStore } from '../../src/risk/models.ts';
import { SAMPLE_APPLICATIONS } from '../../src/risk/samples.ts';
import { RiskSettings } from '../../src/risk/settings.ts';
import { onPostgres, openTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * The decision log as stored (migration 0046: the trace as the engine's text, lz4 where the server
 * has it), its rows read back exactly, and the single-flight refresh of risk's 2-second caches on
 * a real database.
 */
let t: TestPlatform;
beforeAll(async () => {
  t = await openTestPlatform();
});
afterAll(() => t.close());

const row = (overrides: Partial<DecisionRow> = {}): DecisionRow => ({
  id: uuidv7(),
  applicantId: null,
  subject: 'log-test',
  input: {},
  sources: {},
  graphId: uuidv7(),
  graphName: 'log-test',
  graphVersion: 1,
  modelId: null,
  modelVersion: null,
  variant: 'simulation',
  outcome: 'approve',
  grade: null,
  score: null,
  annualRate: null,
  amount: null,
  reasons: [],
  result: {},
  trace: null,
  createdAt: t.clock.now(),
  businessDate: '2026-01-05',
  ...overrides,
});

describe(`the decision log as stored (${onPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('stores the engine’s trace as the text it arrived as, and reads it back decoded', async () => {
    const { risk } = t.platform;
    const champion = await risk.graphs.champion(DEFAULT_GRAPH_NAME);
    const pinned = await pinModels({ models: risk.models } as never, champion.content);
    const sample = { ...SAMPLE_APPLICATIONS['good applicant']!, _models: pinned };
    const evaluation = await risk.engine.evaluate(champion.id, champion.content, sample, true);
    const trace = evaluation.trace!;
    expect(trace).toContain('$refs');
    const log = new DecisionLog(t.platform.db);
    const written = row({ trace, result: evaluation.result, graphId: champion.id });
    await log.write(written);
    await log.close();

    const column = await sql<{ data_type: string }>`
      select data_type from information_schema.columns
      where table_schema = current_schema() and table_name = 'risk_decisions' and column_name = 'trace'`.execute(
      t.platform.db,
    );
    expect(column.rows[0]?.data_type).toBe('text');
    const stored = await sql<{ trace: string; type: string; compression: string | null }>`
      select trace, pg_typeof(trace)::text as type, pg_column_compression(trace) as compression
      from risk_decisions where id = ${written.id}::uuid`.execute(t.platform.db);
    expect(stored.rows[0]).toMatchObject({ trace, type: 'text' });
    // lz4 where the server was built with it (the dev server), the default pglz elsewhere (PGlite).
    const lz4 = await sql<{ yes: boolean }>`
      select 'lz4' = any (enumvals) as yes from pg_settings where name = 'default_toast_compression'`.execute(
      t.platform.db,
    );
    if (trace.length > 2048) expect(stored.rows[0]!.compression).toBe(lz4.rows[0]!.yes ? 'lz4' : 'pglz');

    const read = (await risk.decision(written.id)) as { trace: Record<string, unknown> };
    expect(read.trace).toEqual(decodeTrace(trace));
    expect(Object.keys(read.trace)).toEqual(expect.arrayContaining(['scorecard', 'grading', 'verdict']));

    // Data protection's strip still empties it.
    await stripSourceResponsesBefore(t.platform.db, t.clock, plainDate('2026-01-06'));
    const stripped = await sql<{ trace: string | null }>`
      select trace from risk_decisions where id = ${written.id}::uuid`.execute(t.platform.db);
    expect(stripped.rows[0]!.trace).toBeNull();
  });

  it('reads a row back exactly: quotes, backslashes and other scripts in reasons and input, each column’s type', async () => {
    const awkward = ['say "no"', 'back\\slash', '中文理由 ✓', '{braces},commas', 'NULL', '', "it's"];
    const written = row({
      applicantId: uuidv7(),
      subject: 'sub"ject\\',
      input: {
        name: '陈 "一"\\',
        nested: { list: ['x', 'tab\tnew\nline', '😀'] },
        big: '12345678901234567890',
      },
      sources: { bureau: { status: 'ok', note: 'a\\"b' } },
      modelId: uuidv7(),
      modelVersion: 7,
      variant: 'champion',
      outcome: 'refer',
      grade: 'B2',
      score: 612,
      annualRate: '0.123456',
      amount: 9_007_199_254_740_993n,
      reasons: awkward,
      result: { amount: 5n, text: '"' },
      trace: '{"$refs":["\\"quoted\\"","中"],"$root":{"node":"@0","x":"@1"}}',
      createdAt: new Date('2026-01-05T02:03:04.567Z'),
      businessDate: '2026-01-04',
      review: { amount: 9_007_199_254_740_993n, needsTwo: true },
    });
    await insertDecisions(t.platform.db, [written]);
    const stored = await sql<Record<string, unknown>>`
      select applicant_id, subject, input, sources, graph_id, model_id, model_version, variant, outcome, grade, score,
             annual_rate::text as annual_rate, amount, reasons, result, trace, created_at, business_date::text as business_date
      from risk_decisions where id = ${written.id}::uuid`.execute(t.platform.db);
    expect(stored.rows[0]).toEqual({
      applicant_id: written.applicantId,
      subject: written.subject,
      input: written.input,
      sources: written.sources,
      graph_id: written.graphId,
      model_id: written.modelId,
      model_version: 7,
      variant: 'champion',
      outcome: 'refer',
      grade: 'B2',
      score: 612,
      annual_rate: '0.123456',
      amount: 9_007_199_254_740_993n,
      reasons: awkward,
      result: { amount: '5', text: '"' },
      trace: written.trace,
      created_at: written.createdAt,
      business_date: '2026-01-04',
    });
    expect(decodeTrace(stored.rows[0]!.trace)).toEqual({ node: '"quoted"', x: '中' });
    const review = await sql<{ status: string; amount: bigint; needs_two: boolean }>`
      select status, amount, needs_two from risk_reviews where decision_id = ${written.id}::uuid`.execute(
      t.platform.db,
    );
    expect(review.rows).toEqual([{ status: 'open', amount: 9_007_199_254_740_993n, needs_two: true }]);
  });

  it('splits a group larger than one statement’s parameters into several inserts', async () => {
    expect(ROWS_PER_INSERT * 21).toBeLessThanOrEqual(65_535);
    const rows = Array.from({ length: 7 }, (_, i) =>
      row({ subject: 'log-test-many', score: i, reasons: [`r${i}`] }),
    );
    await insertDecisions(t.platform.db, rows, 3);
    const stored = await sql<{ id: string; score: number; reasons: string[] }>`
      select id, score, reasons from risk_decisions where subject = 'log-test-many' order by score`.execute(
      t.platform.db,
    );
    expect(stored.rows).toEqual(rows.map((r, i) => ({ id: r.id, score: i, reasons: [`r${i}`] })));
  });
});

describe('single-flight refresh of the 2-second caches on a real database', () => {
  /** The database with a count of the statements that read `table`. */
  function counting(table: string) {
    const reads = { count: 0 };
    const plugin: KyselyPlugin = {
      transformQuery: ({ node }) => {
        if (JSON.stringify(node).includes(`from ${table} where`)) reads.count++;
        return node;
      },
      transformResult: async ({ result }) => result,
    };
    return { db: t.platform.db.withPlugin(plugin), reads };
  }
  const fifty = <T>(call: () => Promise<T>) => Promise.all(Array.from({ length: 50 }, call));

  it('settings: one read for 50 callers after expiry, the old value meanwhile', async () => {
    const { db, reads } = counting('risk_settings');
    let now = 1_000_000;
    const settings = new RiskSettings(db, t.clock, t.platform.identity, () => now);
    const first = await fifty(() => settings.policy());
    expect(reads.count).toBe(1);
    expect(new Set(first.map((p) => p.maxAnnualRate)).size).toBe(1);
    now += 1_999;
    await fifty(() => settings.policy());
    expect(reads.count).toBe(1);
    now += 1;
    const stale = await fifty(() => settings.policy());
    expect(stale).toEqual(first);
    await vi.waitFor(() => expect(reads.count).toBe(2));
    // The refresh has landed: fresh again, no read.
    await fifty(() => settings.policy());
    expect(reads.count).toBe(2);
  });

  it('champion graph and newest model: one read each for 50 callers after expiry', async () => {
    const graphsDb = counting('risk_graphs');
    const modelsDb = counting('risk_models');
    let now = 5_000_000;
    const models = new ModelStore(modelsDb.db, t.clock, t.platform.identity, () => now);
    const graphs = new GraphStore(
      graphsDb.db,
      t.clock,
      t.platform.identity,
      async () => {},
      () => now,
    );
    const champions = await fifty(() => graphs.champion(DEFAULT_GRAPH_NAME));
    const latest = await fifty(() => models.latest('default'));
    expect(new Set(champions.map((g) => g.id)).size).toBe(1);
    expect(new Set(latest.map((m) => m.id)).size).toBe(1);
    // The champion's id, and its version once for all 50 (kept: published versions never change).
    expect(graphsDb.reads.count).toBe(2);
    // The newest id, and the model once for all 50.
    expect(modelsDb.reads.count).toBe(2);
    now += 2_000;
    await fifty(() => graphs.champion(DEFAULT_GRAPH_NAME));
    await fifty(() => models.latest('default'));
    // One read of each newest id; the version and the model are kept.
    await vi.waitFor(() => expect([graphsDb.reads.count, modelsDb.reads.count]).toEqual([3, 3]));
    await fifty(() => graphs.champion(DEFAULT_GRAPH_NAME));
    expect(graphsDb.reads.count).toBe(3);
  });

  it('a name with no published graph is an error for every waiting caller, and is not remembered', async () => {
    const { db, reads } = counting('risk_graphs');
    const graphs = new GraphStore(db, t.clock, t.platform.identity, async () => {});
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => graphs.champion('no-such-graph')),
    );
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(reads.count).toBe(1);
    await expect(graphs.champion('no-such-graph')).rejects.toMatchObject({ code: 'no_published_graph' });
    expect(reads.count).toBe(2);
  });
});
