import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckCharacter } from '../../src/identity/index.ts';
import { defaultGraph } from '../../src/risk/index.ts';
import { asAdmin, openTestApp, type TestApp } from '../support/platform.ts';
import { signUp } from '../support/users.ts';

/** Risk staff edit the policy as graph versions: validation on publish, champion and challenger, simulation. */
let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

type Graph = ReturnType<typeof defaultGraph> & {
  nodes: { id: string; type: string; name: string; content?: Record<string, unknown> }[];
  edges: { id: string; sourceId: string; targetId: string }[];
};
const graph = () => structuredClone(defaultGraph()) as Graph;
const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: asAdmin,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

async function draft(content: unknown) {
  const response = await call('POST', '/v1/risk/graphs', { name: 'credit-policy', content });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id as string;
}

let applicants = 0;
async function applicantId(): Promise<string> {
  const user = await signUp(t);
  applicants++;
  await t.app.inject({
    method: 'POST',
    url: '/v1/me/kyc',
    headers: user.headers,
    payload: {
      realName: '王二',
      idNumber: withCheckCharacter(
        `11010519850${1 + (applicants % 9)}${10 + (applicants % 18)}2${String(10 + applicants).slice(-2)}`,
      ),
    },
  });
  return user.userId;
}

async function decide(id: string, amount = '10000.00') {
  const response = await call('POST', '/v1/risk/decisions', {
    applicantId: id,
    amount: { amount, currency: 'CNY' },
    termMonths: 12,
    purpose: 'travel',
    monthlyIncome: { amount: '9000.00', currency: 'CNY' },
    monthlyDebt: { amount: '500.00', currency: 'CNY' },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

describe('publishing a decision graph', () => {
  it('refuses a document that is not a graph already as a draft', async () => {
    const response = await call('POST', '/v1/risk/graphs', { name: 'credit-policy', content: { edges: [] } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('graph_malformed');
  });

  it.each([
    [
      'a cycle',
      () => {
        const g = graph();
        g.edges.push({ id: 'back', sourceId: 'pricing', targetId: 'grading' });
        return g;
      },
      400,
      'graph_cyclic',
      null,
    ],
    [
      'an edge to nowhere',
      () => {
        const g = graph();
        g.edges.push({ id: 'lost', sourceId: 'pricing', targetId: 'ghost' });
        return g;
      },
      400,
      'graph_edge_to_unknown_node',
      null,
    ],
    [
      'an expression that does not parse',
      () => {
        const g = graph();
        const verdict = g.nodes.find((n) => n.id === 'verdict')!;
        (verdict.content!.expressions as { value: string }[])[0]!.value = 'flatten([map(antiFraud, #.reason)';
        return g;
      },
      400,
      'graph_expression_invalid',
      'verdict',
    ],
    [
      'a missing required output',
      () => {
        const g = graph();
        const verdict = g.nodes.find((n) => n.id === 'verdict')!;
        verdict.content!.expressions = (verdict.content!.expressions as { key: string }[]).filter(
          (e) => e.key !== 'annualRate',
        );
        return g;
      },
      400,
      'graph_output_missing',
      null,
    ],
    [
      'an expression that fails at run time',
      () => {
        const g = graph();
        const verdict = g.nodes.find((n) => n.id === 'verdict')!;
        (verdict.content!.expressions as { key: string; value: string }[]).push({
          id: 'boom',
          key: 'boom',
          value: 'grading.grade * 2',
        } as never);
        return g;
      },
      400,
      'graph_runtime_error',
      'verdict',
    ],
  ])('refuses %s, naming the problem, and publishes nothing', async (_name, build, status, code, nodeId) => {
    const id = await draft(build());
    const published = await call('POST', `/v1/risk/graphs/${id}/publish`);
    expect(published.statusCode, published.body).toBe(status);
    expect(published.json().error.code).toBe(code);
    if (nodeId) expect(published.json().error.details.nodeId).toBe(nodeId);
    expect((await call('GET', `/v1/risk/graphs/${id}`)).json().status).toBe('draft');
  });

  it('puts a new version in service at once, keeps published versions frozen, and replays old decisions on their own version', async () => {
    const applicant = await applicantId();
    const before = await decide(applicant);
    expect(before.outcome).toBe('approve');
    // Version N+1: a stricter income floor in the policy table.
    const g = graph();
    const policy = g.nodes.find((n) => n.id === 'credit-policy')!;
    (policy.content!.rules as Record<string, string>[]).find((r) => r._id === 'income')!.income = '< 10000';
    const id = await draft(g);
    const published = await call('POST', `/v1/risk/graphs/${id}/publish`);
    expect(published.statusCode, published.body).toBe(200);
    const after = await decide(await applicantId());
    expect(after.graph.version).toBe(published.json().version);
    expect(after.outcome).toBe('decline');
    expect(after.reasons).toContain('income_below_floor');
    const edit = await call('PUT', `/v1/risk/graphs/${id}`, { content: graph() });
    expect(edit.json().error.code).toBe('graph_not_draft');
    const replay = (await call('POST', `/v1/risk/decisions/${before.decisionId}/replay`)).json();
    expect(replay.same).toBe(true);
    // Retire it; the previous published version is the champion again.
    await call('POST', `/v1/risk/graphs/${id}/retire`);
    expect((await decide(await applicantId())).outcome).toBe('approve');
  });

  it('gives a challenger its share of applicants, by a stable hash, and reports the two side by side', async () => {
    const g = graph();
    const verdict = g.nodes.find((n) => n.id === 'verdict')!;
    (verdict.content!.expressions as { key: string; value: string }[]).find(
      (e) => e.key === 'outcome',
    )!.value = "'refer'";
    const id = await draft(g);
    expect((await call('POST', `/v1/risk/graphs/${id}/publish`)).statusCode).toBe(200);
    // The challenger published last is also the newest version: put the strict champion back first.
    const champion = await draft(graph());
    await call('POST', `/v1/risk/graphs/${champion}/publish`);
    expect((await call('PUT', '/v1/risk/challenger', { graphId: id, share: '0.5' })).statusCode).toBe(204);
    expect((await call('GET', '/v1/risk/challenger')).json()).toEqual({
      challenger: { graphId: id, share: '0.5' },
    });
    const variants: string[] = [];
    for (let i = 0; i < 12; i++) {
      const applicant = await applicantId();
      const first = await decide(applicant);
      variants.push(first.variant);
      expect((await decide(applicant, '500.00')).variant).toBe(first.variant);
    }
    expect(variants).toContain('challenger');
    expect(variants).toContain('champion');
    const date = t.platform.clock.businessDate();
    const report = (await call('GET', `/v1/risk/reports/challenger?from=${date}&to=${date}`)).json().items;
    const challenger = report.find((r: { variant: string }) => r.variant === 'challenger');
    expect(challenger.referRate).toBe(1);
    await call('PUT', '/v1/risk/challenger', null);
    expect((await call('GET', '/v1/risk/challenger')).json()).toEqual({ challenger: null });
  });

  it('simulates a draft over past applications without deciding anything', async () => {
    const g = graph();
    const verdict = g.nodes.find((n) => n.id === 'verdict')!;
    (verdict.content!.expressions as { key: string; value: string }[]).find(
      (e) => e.key === 'outcome',
    )!.value = "'decline'";
    const id = await draft(g);
    const report = (await call('POST', `/v1/risk/graphs/${id}/simulate`, { history: 500 })).json();
    expect(report.applications).toBeGreaterThan(10);
    expect(report.candidate.approvalRate).toBe(0);
    expect(report.baseline.approvalRate).toBeGreaterThan(0);
    expect(report.changed).toBeGreaterThan(0);
    expect(report.differences[0].after.outcome).toBe('decline');
    const csv = [
      'applicant.age,application.amount,application.monthlyIncome,application.debtToIncome',
      '30,10000.00,9000.00,0.1',
      '17,10000.00,9000.00,0.1',
    ].join('\n');
    const fromCsv = (await call('POST', `/v1/risk/graphs/${id}/simulate`, { csv })).json();
    expect(fromCsv.applications).toBe(2);
    expect(fromCsv.candidate.declineRate).toBe(1);
    expect(fromCsv.differences.length).toBeGreaterThanOrEqual(1);
  });
});
