import { readFileSync } from 'node:fs';
import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { AuditContext, Identity } from '../identity/index.ts';
import { type Clock, CNY, invalid, notFound, parseAmount, type QueueObserver } from '../kernel/index.ts';
import type { SourceConsentSql } from './consent.ts';
import {
  type CreditApplication,
  type DecideDeps,
  type Decision,
  decide,
  evaluateGraph,
  finish,
  pinModels,
} from './decide.ts';
import { DecisionLog } from './decision-log.ts';
import { DEFAULT_GRAPH_NAME, defaultGraph } from './default-graph.ts';
import { decodeTrace, RiskEngine } from './engine.ts';
import { checkOutputs, type GraphDocument, nodeErrorOf, parseGraph } from './graph-validation.ts';
import { GraphStore } from './graphs.ts';
import { LINE_GRAPH_NAME, lineGraph } from './line-graph.ts';
import { ModelStore } from './models.ts';
import { Reviews } from './reviews.ts';
import { SAMPLE_APPLICATIONS } from './samples.ts';
import { type PolicySettings, RiskSettings } from './settings.ts';
import { simulateOverCsv, simulateOverHistory } from './simulate.ts';
import { type DataSource, simulatedBlacklist, simulatedBureau } from './sources.ts';

export interface RiskOptions {
  readonly db: Executor;
  readonly clock: Clock;
  readonly identity: Identity;
  /** The applicant's wallet balance as SQL (payments' walletBalanceSql), read with the decision's facts. */
  readonly walletBalanceSql?: (userId: string) => RawBuilder<bigint>;
  readonly sources?: readonly DataSource<unknown>[];
  /** Who watches decisions (the platform's metrics); nobody by default. */
  readonly observer?: RiskObserver;
  /** Worker threads the engine evaluates in (RiskEngineOptions.workers); 0 by default: none. */
  readonly engineWorkers?: number;
}

/** What risk tells the platform's metrics (src/app/metrics.ts). */
export interface RiskObserver {
  /** The decision log's group-commit queue. */
  readonly queue?: QueueObserver;
  /** A decision was made (`error`: none could be) in `seconds`, its log row committed. */
  decided?(outcome: Decision['outcome'] | 'error', seconds: number): void;
}

const DEFAULT_MODEL = new URL('./default-model.json', import.meta.url);

/** The risk context's public face: decisions, graphs, models, settings, reviews, simulation, reports. */
export class Risk {
  readonly graphs: GraphStore;
  readonly models: ModelStore;
  readonly settings: RiskSettings;
  readonly reviews: Reviews;
  readonly engine: RiskEngine;
  private readonly deps: DecideDeps;
  private consentSql: SourceConsentSql | null = null;

  constructor(private readonly options: RiskOptions) {
    const { db, clock, identity } = options;
    this.models = new ModelStore(db, clock, identity);
    this.engine = new RiskEngine(this.models, { workers: options.engineWorkers ?? 0 });
    this.settings = new RiskSettings(db, clock, identity);
    this.graphs = new GraphStore(db, clock, identity, (graph) => this.sampleCheck(graph));
    this.reviews = new Reviews(db, clock, identity, this.settings);
    this.deps = {
      db,
      clock,
      identity,
      graphs: this.graphs,
      models: this.models,
      settings: this.settings,
      engine: this.engine,
      log: new DecisionLog(db, options.observer?.queue),
      sources: options.sources ?? [simulatedBureau, simulatedBlacklist],
      graphName: DEFAULT_GRAPH_NAME,
      walletBalanceSql: options.walletBalanceSql,
      consentSql: (applicantId, source, at) =>
        this.consentSql ? this.consentSql(applicantId, source, at) : sql<boolean>`true`,
    };
  }

  /**
   * For shutdown: refuses new decisions' log rows (`shutting_down`) and resolves once every row
   * written before has committed, so that the database can then be closed; then ends the engine's
   * worker threads.
   */
  async close(): Promise<void> {
    try {
      await this.deps.log.close();
    } finally {
      await this.engine.close();
    }
  }

  /**
   * Registers who answers whether an applicant consents to a source being asked (compliance, which
   * keeps the consent records), as a SQL expression that a decision reads in its one statement. Until
   * one is registered every source may be asked.
   */
  checkConsentWith(consentSql: SourceConsentSql): void {
    this.consentSql = consentSql;
  }

  /** Ships the default model (trained from the LendingClub data) and the default graph on first start. */
  async seed(): Promise<void> {
    const artefact = JSON.parse(readFileSync(DEFAULT_MODEL, 'utf8')) as { model: unknown; report: unknown };
    await this.models.seed('default', artefact.model, artefact.report);
    await this.graphs.seed(DEFAULT_GRAPH_NAME, defaultGraph());
    await this.graphs.seed(LINE_GRAPH_NAME, lineGraph());
  }

  /** Decides on the loan graph, or on `graph` (the line graph, LINE_GRAPH_NAME, for credit lines). */
  async decide(
    application: CreditApplication,
    options: { trace?: boolean; graph?: string } = {},
  ): Promise<Decision> {
    const { graph, ...rest } = options;
    const deps = graph ? { ...this.deps, graphName: graph } : this.deps;
    const decided = this.options.observer?.decided;
    if (!decided) return decide(deps, application, rest);
    const started = performance.now();
    try {
      const decision = await decide(deps, application, rest);
      decided(decision.outcome, (performance.now() - started) / 1000);
      return decision;
    } catch (error) {
      decided('error', (performance.now() - started) / 1000);
      throw error;
    }
  }

  /** A logged decision with its inputs, sources and trace. */
  async decision(id: string) {
    const rows = await sql<
      Record<string, unknown>
    >`select * from risk_decisions where id = ${id}::uuid`.execute(this.options.db);
    if (!rows.rows[0]) throw notFound('decision_not_found', 'no such decision');
    return { ...rows.rows[0], trace: decodeTrace(rows.rows[0].trace) };
  }

  async decisionsOf(applicantId: string, limit = 20) {
    const rows = await sql<{ id: string; outcome: string; grade: string | null; created_at: Date }>`
      select id, outcome, grade, created_at from risk_decisions where applicant_id = ${applicantId}::uuid and variant <> 'simulation'
      order by created_at desc limit ${limit}`.execute(this.options.db);
    return rows.rows;
  }

  /** Runs a logged decision again with the graph version, model and inputs it used. */
  async replay(id: string): Promise<{ same: boolean; original: unknown; replayed: unknown }> {
    const row = (await this.decision(id)) as unknown as {
      graph_id: string;
      input: Record<string, unknown>;
      sources: Record<string, never>;
      result: Record<string, unknown>;
    };
    const graph = await this.graphs.getCached(row.graph_id);
    const { request, _models, ...document } = row.input as {
      request: { amount: string; monthlyIncome: string };
      _models: Record<string, string>;
    } & Record<string, unknown>;
    const input = { document, sources: row.sources, subject: null };
    const evaluated = await evaluateGraph(
      this.deps,
      { id: graph.status === 'draft' ? null : graph.id, content: graph.content },
      input,
      _models,
      false,
    );
    const internal = document.internal as { outstandingPrincipal: string };
    const outstanding = parseAmount(internal.outstandingPrincipal, CNY);
    const replayed = finish(
      {
        amount: BigInt(request.amount),
        monthlyIncome: BigInt(request.monthlyIncome),
        internal: {
          outstandingPrincipal: outstanding.ok ? outstanding.value : 0n,
          overdueLoans: 0,
          repaidLoans: 0,
        },
      },
      input,
      document.settings as PolicySettings,
      evaluated,
    );
    const { error: _error, ...original } = row.result;
    // Key order does not matter (jsonb keeps its own); bigints compare as their digits.
    const normal = (v: unknown): string =>
      JSON.stringify(v, (_k, x) =>
        typeof x === 'bigint'
          ? x.toString()
          : x && typeof x === 'object' && !Array.isArray(x)
            ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1)))
            : x,
      );
    return { same: normal(original) === normal(replayed), original, replayed };
  }

  /** Tries a graph on the sample applications; an error names the node or the missing output. */
  async sampleCheck(graph: GraphDocument): Promise<void> {
    const pinned = await pinModels(this.deps, graph);
    for (const [name, document] of Object.entries(SAMPLE_APPLICATIONS)) {
      let result: Record<string, unknown>;
      try {
        result = (await this.engine.evaluate(null, graph, { ...document, _models: pinned }, false)).result;
      } catch (error) {
        const e = nodeErrorOf(error);
        const node = graph.nodes.find((n) => n.id === e.nodeId);
        throw invalid(
          'graph_runtime_error',
          `on the ${name} sample${node ? ` node "${node.name}"` : ''} fails: ${e.message}`,
          { nodeId: e.nodeId, nodeName: node?.name },
        );
      }
      checkOutputs(result, name);
    }
  }

  async simulate(graphId: string, source: { history?: number; csv?: string }) {
    const candidate = await this.graphs.get(graphId);
    if (source.csv !== undefined) {
      const champion = await this.graphs.champion(DEFAULT_GRAPH_NAME);
      const pinned = await pinModels(this.deps, parseGraph(candidate.content));
      const { features: _f, ...defaults } = SAMPLE_APPLICATIONS['good applicant']!;
      return simulateOverCsv(
        this.engine,
        { id: candidate.status === 'draft' ? null : candidate.id, content: candidate.content },
        champion,
        source.csv,
        pinned,
        { ...defaults, features: {} },
      );
    }
    return simulateOverHistory(this.options.db, this.engine, candidate, source.history ?? 1000);
  }

  /** Champion against challenger over a period: volumes, outcomes, scores and grades per variant. */
  async challengerReport(from: string, to: string) {
    const rows = await sql<{
      variant: string;
      graph_version: number;
      decisions: bigint;
      approved: bigint;
      referred: bigint;
      declined: bigint;
      avg_score: string | null;
    }>`
      select variant, graph_version, count(*)::int8 as decisions,
             count(*) filter (where outcome = 'approve')::int8 as approved, count(*) filter (where outcome = 'refer')::int8 as referred,
             count(*) filter (where outcome = 'decline')::int8 as declined, round(avg(score), 1)::text as avg_score
      from risk_decisions where variant in ('champion', 'challenger') and business_date between ${from}::date and ${to}::date
      group by variant, graph_version order by variant, graph_version`.execute(this.options.db);
    return rows.rows.map((r) => ({
      variant: r.variant,
      graphVersion: r.graph_version,
      decisions: Number(r.decisions),
      approvalRate: Number(r.decisions) ? Number(r.approved) / Number(r.decisions) : 0,
      referRate: Number(r.decisions) ? Number(r.referred) / Number(r.decisions) : 0,
      declineRate: Number(r.decisions) ? Number(r.declined) / Number(r.decisions) : 0,
      averageScore: r.avg_score === null ? null : Number(r.avg_score),
    }));
  }

  /** The challenger graph and its share of applicants, or null when only the champion decides. */
  challenger() {
    return this.settings.challenger();
  }

  setChallenger(value: { graphId: string; share: string } | null, context: AuditContext) {
    return this.settings.setChallenger(value, context);
  }
}
