import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinModels } from '../../src/risk/decide.ts';
import { decodeTrace, RiskEngine } from '../../src/risk/engine.ts';
import { type GraphDocument, nodeErrorOf } from '../../src/risk/graph-validation.ts';
import { DEFAULT_GRAPH_NAME, defaultGraph } from '../../src/risk/index.ts';
import { SAMPLE_APPLICATIONS } from '../../src/risk/samples.ts';
import { asAdmin, openTestApp, type TestApp } from '../support/platform.ts';
import { verifiedCustomer } from '../support/users.ts';

/**
 * A platform whose risk engine evaluates in two worker threads (NETFIN_RISK_WORKERS=2): decisions,
 * their traces and replays, and the engine's errors come out as on the main thread, and the workers
 * end with the platform.
 */
let t: TestApp;
const inThread = () => new RiskEngine(t.platform.risk.models);
beforeAll(async () => {
  t = await openTestApp({ riskWorkers: 2 });
  await t.platform.risk.engine.start();
});
afterAll(async () => {
  await t.close();
  // The platform's close ends the engine's workers: none is left behind the test.
  expect(t.platform.risk.engine.workers.running).toBe(0);
});

const graph = () => structuredClone(defaultGraph()) as unknown as GraphDocument;
const pinned = (g: GraphDocument) => pinModels({ models: t.platform.risk.models } as never, g);
const reasonOf = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => nodeErrorOf(error),
  );

describe('the risk engine in worker threads', () => {
  it('makes a decision in a worker, with its trace, logged and replayed to the same result', async () => {
    const engine = t.platform.risk.engine;
    expect(engine.workers).toMatchObject({ size: 2, running: 2 });
    const before = engine.workers.evaluated;
    const user = await verifiedCustomer(t);
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/risk/decisions',
      headers: asAdmin,
      payload: {
        applicantId: user.userId,
        amount: { amount: '20000.00', currency: 'CNY' },
        termMonths: 12,
        purpose: 'education',
        monthlyIncome: { amount: '15000.00', currency: 'CNY' },
        monthlyDebt: { amount: '1000.00', currency: 'CNY' },
        employmentYears: 6,
      },
    });
    expect(response.statusCode, response.body).toBe(200);
    const decision = response.json();
    // The applicant's bureau file is random: any outcome, but one the graph gave, not an engine error.
    expect(['approve', 'refer', 'decline']).toContain(decision.outcome);
    expect(decision.reasons.filter((r: string) => r.startsWith('rule_error'))).toEqual([]);
    expect(engine.workers.evaluated).toBe(before + 1);
    const logged = (
      await t.app.inject({
        method: 'GET',
        url: `/v1/risk/decisions/${decision.decisionId}`,
        headers: asAdmin,
      })
    ).json();
    expect(Object.keys(logged.trace)).toEqual(expect.arrayContaining(['scorecard', 'grading', 'verdict']));
    const replay = (
      await t.app.inject({
        method: 'POST',
        url: `/v1/risk/decisions/${decision.decisionId}/replay`,
        headers: asAdmin,
      })
    ).json();
    expect(replay.same, JSON.stringify(replay)).toBe(true);
  });

  it('gives the results and traces the main thread gives, for each sample and many at once', async () => {
    const engine = t.platform.risk.engine;
    const champion = await t.platform.risk.graphs.champion(DEFAULT_GRAPH_NAME);
    const models = await pinned(champion.content);
    const local = inThread();
    const documents = Object.values(SAMPLE_APPLICATIONS).map((d) => ({ ...d, _models: models }));
    const before = engine.workers.evaluated;
    const calls = Array.from({ length: 60 }, (_, i) => documents[i % documents.length]!);
    const [pooled, alone] = await Promise.all([
      Promise.all(calls.map((d) => engine.evaluate(champion.id, champion.content, d, true))),
      Promise.all(calls.map((d) => local.evaluate(champion.id, champion.content, d, true))),
    ]);
    expect(engine.workers.evaluated).toBe(before + calls.length);
    expect(new Set(pooled.map((e) => e.result.outcome)).size).toBeGreaterThan(1);
    // The trace holds each node's timing; everything else must agree.
    const untimed = (trace: string | null) =>
      JSON.parse(JSON.stringify(decodeTrace(trace), (k, v) => (k === 'performance' ? undefined : v)));
    pooled.forEach((e, i) => {
      expect(e.result).toEqual(alone[i]!.result);
      expect(untimed(e.trace)).toEqual(untimed(alone[i]!.trace));
    });
    // A draft has no key: its graph goes with each evaluation.
    const draft = await engine.evaluate(null, champion.content, documents[0]!, false);
    expect(draft).toEqual({ result: alone[0]!.result, trace: null });
  });

  it('reports the node at fault as the main thread does', async () => {
    const engine = t.platform.risk.engine;
    const local = inThread();
    const sample = SAMPLE_APPLICATIONS['good applicant']!;
    const models = await pinned(graph());
    // A scorecard node with no pinned model.
    const unpinned = { ...sample, _models: {} };
    const expected = await reasonOf(local.evaluate('no-model', graph(), unpinned, true));
    expect(expected).toMatchObject({ nodeId: 'scorecard' });
    expect(await reasonOf(engine.evaluate('no-model', graph(), unpinned, true))).toEqual(expected);
    // An expression that fails at run time.
    const failing = graph();
    const verdict = failing.nodes.find((n) => n.id === 'verdict')!;
    (verdict.content!.expressions as { id: string; key: string; value: string }[]).push({
      id: 'boom',
      key: 'boom',
      value: 'grading.grade * 2',
    });
    const runtime = await reasonOf(local.evaluate('failing', failing, { ...sample, _models: models }, false));
    expect(runtime).toMatchObject({ nodeId: 'verdict' });
    expect(
      await reasonOf(engine.evaluate('failing', failing, { ...sample, _models: models }, false)),
    ).toEqual(runtime);
    // A custom node of a kind the engine does not know.
    const unknown = graph();
    (unknown.nodes.find((n) => n.id === 'scorecard')!.content as { kind: string }).kind = 'oracle';
    expect(await reasonOf(engine.evaluate(null, unknown, { ...sample, _models: models }, false))).toEqual({
      message: 'unknown custom node kind oracle in node scorecard',
    });
    // Publishing runs the sample check through the workers: the failing graph is refused by node.
    const drafted = await t.app.inject({
      method: 'POST',
      url: '/v1/risk/graphs',
      headers: asAdmin,
      payload: { name: 'credit-policy', content: failing },
    });
    const published = await t.app.inject({
      method: 'POST',
      url: `/v1/risk/graphs/${drafted.json().id}/publish`,
      headers: asAdmin,
    });
    expect(published.statusCode, published.body).toBe(400);
    expect(published.json().error).toMatchObject({
      code: 'graph_runtime_error',
      details: { nodeId: 'verdict' },
    });
  });

  it('ends its workers on close, and evaluates on the calling thread after', async () => {
    const engine = new RiskEngine(t.platform.risk.models, { workers: 1 });
    const champion = await t.platform.risk.graphs.champion(DEFAULT_GRAPH_NAME);
    const document = { ...SAMPLE_APPLICATIONS['good applicant']!, _models: await pinned(champion.content) };
    await engine.start();
    expect(engine.workers).toMatchObject({ size: 1, running: 1 });
    const inWorker = await engine.evaluate(champion.id, champion.content, document, false);
    expect(engine.workers.evaluated).toBe(1);
    await engine.close();
    expect(engine.workers).toMatchObject({ running: 0, evaluated: 1 });
    expect(await engine.evaluate(champion.id, champion.content, document, false)).toEqual(inWorker);
    expect(engine.workers).toMatchObject({ running: 0, evaluated: 1 });
  });
});
