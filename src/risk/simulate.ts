import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { invalid } from '../kernel/index.ts';
import type { RiskEngine } from './engine.ts';
import { checkOutputs, type GraphDocument, nodeErrorOf, parseGraph } from './graph-validation.ts';
import { parseCsv } from './scorecard/index.ts';

/**
 * Runs a graph version (draft or published) over stored past applications, or over a CSV of
 * applications, and reports approval rate, grade mix and expected bad rate (the mean probability of
 * default of what it approves), with the differences against what was decided (or the champion),
 * application by application. Nothing is written: it is a what-if.
 */
export interface SimulationReport {
  readonly applications: number;
  readonly candidate: Summary;
  readonly baseline: Summary;
  readonly changed: number;
  readonly differences: { reference: string; before: Verdict; after: Verdict }[];
  readonly errors: { reference: string; nodeId?: string; message: string }[];
}

interface Summary {
  approvalRate: number;
  referRate: number;
  declineRate: number;
  gradeMix: Record<string, number>;
  expectedBadRate: number | null;
}

interface Verdict {
  outcome: string;
  grade: string | null;
  reasons: string[];
}

function summarize(verdicts: (Verdict & { pd: number | null })[]): Summary {
  const n = verdicts.length || 1;
  const approved = verdicts.filter((v) => v.outcome === 'approve');
  const gradeMix: Record<string, number> = {};
  for (const v of approved) if (v.grade) gradeMix[v.grade[0]!] = (gradeMix[v.grade[0]!] ?? 0) + 1;
  const pds = approved.map((v) => v.pd).filter((p): p is number => p !== null);
  return {
    approvalRate: approved.length / n,
    referRate: verdicts.filter((v) => v.outcome === 'refer').length / n,
    declineRate: verdicts.filter((v) => v.outcome === 'decline').length / n,
    gradeMix,
    expectedBadRate: pds.length ? pds.reduce((a, b) => a + b, 0) / pds.length : null,
  };
}

async function run(
  engine: RiskEngine,
  graph: GraphDocument,
  key: string | null,
  document: Record<string, unknown>,
) {
  try {
    const { result } = await engine.evaluate(key, graph, document, false);
    checkOutputs(result, 'simulated');
    return {
      outcome: String(result.outcome),
      grade: (result.grade as string | null) ?? null,
      reasons: (result.reasons as string[]) ?? [],
      pd: (result.probabilityOfDefault as number | undefined) ?? null,
      error: null,
    };
  } catch (error) {
    return { outcome: 'refer', grade: null, reasons: ['rule_error'], pd: null, error: nodeErrorOf(error) };
  }
}

/** Over the last `limit` real decisions: the candidate against what was decided then. */
export async function simulateOverHistory(
  db: Executor,
  engine: RiskEngine,
  candidate: { id: string; status: string; content: unknown },
  limit: number,
): Promise<SimulationReport> {
  const graph = parseGraph(candidate.content);
  const rows = await sql<{
    id: string;
    input: Record<string, unknown>;
    outcome: string;
    grade: string | null;
    reasons: string[];
    result: { probabilityOfDefault?: number | null };
  }>`
    select id, input, outcome, grade, reasons, result from risk_decisions where variant in ('champion', 'challenger')
    order by created_at desc limit ${limit}`.execute(db);
  const before: (Verdict & { pd: number | null })[] = [];
  const after: (Verdict & { pd: number | null })[] = [];
  const differences: SimulationReport['differences'] = [];
  const errors: SimulationReport['errors'] = [];
  const key = candidate.status === 'draft' ? null : candidate.id;
  for (const row of rows.rows) {
    const then = {
      outcome: row.outcome,
      grade: row.grade,
      reasons: row.reasons,
      pd: row.result?.probabilityOfDefault ?? null,
    };
    const { request: _request, ...document } = row.input;
    const now = await run(engine, graph, key, document);
    if (now.error) errors.push({ reference: row.id, ...now.error });
    before.push(then);
    after.push(now);
    if (then.outcome !== now.outcome || then.grade !== now.grade) {
      differences.push({
        reference: row.id,
        before: { outcome: then.outcome, grade: then.grade, reasons: then.reasons },
        after: { outcome: now.outcome, grade: now.grade, reasons: now.reasons },
      });
    }
  }
  return {
    applications: rows.rows.length,
    candidate: summarize(after),
    baseline: summarize(before),
    changed: differences.length,
    differences: differences.slice(0, 500),
    errors: errors.slice(0, 100),
  };
}

/**
 * Over a CSV whose columns are the document's fields in dotted form (applicant.age,
 * application.amount, bureau.revol_util, features.annual_inc, ...): the candidate against the
 * champion. Numbers are read as numbers except amounts, which stay decimal strings.
 */
export async function simulateOverCsv(
  engine: RiskEngine,
  candidate: { id: string | null; content: unknown },
  champion: { id: string; content: unknown },
  csv: string,
  pinned: Record<string, string>,
  defaults: Record<string, unknown>,
): Promise<SimulationReport> {
  const table = parseCsv(csv);
  if (table.rows.length === 0) throw invalid('csv_empty', 'the CSV has no rows');
  const amounts = new Set([
    'application.amount',
    'application.monthlyIncome',
    'application.monthlyDebt',
    'internal.outstandingPrincipal',
    'bureau.otherPlatformOutstanding',
  ]);
  const graph = parseGraph(candidate.content);
  const championGraph = parseGraph(champion.content);
  const before: (Verdict & { pd: number | null })[] = [];
  const after: (Verdict & { pd: number | null })[] = [];
  const differences: SimulationReport['differences'] = [];
  const errors: SimulationReport['errors'] = [];
  for (const [index, cells] of table.rows.entries()) {
    const document = structuredClone(defaults) as Record<string, Record<string, unknown>>;
    table.header.forEach((column, c) => {
      const [group, field] = column.split('.');
      if (!group || !field) return;
      const cell = cells[c];
      const value =
        cell === null || cell === undefined
          ? null
          : amounts.has(column) || Number.isNaN(Number(cell))
            ? cell
            : Number(cell);
      document[group] = {
        ...(document[group] ?? {}),
        [field]: value === 'true' ? true : value === 'false' ? false : value,
      };
    });
    const input = { ...document, _models: pinned };
    const then = await run(engine, championGraph, champion.id, input);
    const now = await run(engine, graph, candidate.id, input);
    if (now.error) errors.push({ reference: `row ${index + 1}`, ...now.error });
    before.push(then);
    after.push(now);
    if (then.outcome !== now.outcome || then.grade !== now.grade) {
      differences.push({ reference: `row ${index + 1}`, before: then, after: now });
    }
  }
  return {
    applications: table.rows.length,
    candidate: summarize(after),
    baseline: summarize(before),
    changed: differences.length,
    differences: differences.slice(0, 500),
    errors: errors.slice(0, 100),
  };
}
